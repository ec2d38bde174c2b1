"""Tests for the command line (analysis.cli, ``python -m analysis``): help, list, parameter
parsing, exit codes, clean errors, schedules with a failing report, concurrent runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import cli

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
REPO = Path(__file__).resolve().parents[1]
DATE = "2026-03-04"


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSDESK_NOTEBOOKS": str(FIXTURES), **env}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "argv", [["--help"], ["report", "--help"], ["schedule", "--help"], ["list", "--help"]]
)
def test_help_exits_zero(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 0
    assert "usage: newsdesk" in capsys.readouterr().out


def test_list_shows_reports_parameters_types_defaults(capsys):
    assert cli.main(["list", "--notebooks-dir", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "tiny" in out and "broken" in out and "explore" not in out
    assert "start: str | None = None" in out
    assert "top: int = 20" in out and "rows to show" in out


def test_index_command_rebuilds_the_index(tmp_path, capsys):
    day = tmp_path / DATE
    day.mkdir()
    (day / "tiny.json").write_text(json.dumps({"status": "ok", "html": "tiny.html"}))
    assert cli.main(["index", "-o", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "index.html")
    assert 'href="2026-03-04/tiny.html"' in (tmp_path / "index.html").read_text()


def test_report_parameters_parsed_like_yaml(monkeypatch, tmp_path):
    seen = {}

    def fake_run_reports(names, **kwargs):
        seen.update(kwargs, names=names)
        return []

    monkeypatch.setattr("analysis.reports.run_reports", fake_run_reports)
    argv = ["report", "tiny", "--notebooks-dir", str(FIXTURES), "-o", str(tmp_path)]
    argv += [
        "-p",
        "top",
        "30",
        "-p",
        "sources",
        "[a, b]",
        "-p",
        "window",
        "null",
        "-p",
        "query",
        "2024",
    ]
    argv += ["-p", "start", "2024-01-02", "--corpus", "somewhere", "--date", DATE, "--force"]
    assert cli.main(argv) == 0
    assert seen["names"] == ["tiny"]
    assert seen["parameters"] == {
        "top": 30,
        "sources": ["a", "b"],
        "window": None,
        "query": "2024",
        "start": "2024-01-02",
    }
    assert seen["corpus"] == "somewhere" and seen["run_date"] == DATE and seen["force"] is True


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "tiny", "-p", "topp", "3"], "Did you mean 'top'?"),
        (["report", "tiny", "-p", "top", "many"], "top='many'"),
        (["report", "../etc"], "not valid"),
        (["report"], "no report given"),
        (["report", "tiny", "--all"], "not both"),
        (["report", "tiny", "--date", "2026-02-30"], "run_date"),
        (["schedule", "missing.yml"], "cannot be read"),
    ],
)
def test_usage_errors_return_2_with_a_clean_message(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSDESK_NOTEBOOKS", str(FIXTURES))
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsdesk {argv[0]}: error: ")
    assert message in err
    assert not (tmp_path / "reports").exists()


def test_error_exit_code_2_and_no_traceback_from_the_command(tmp_path):
    proc = _run(["report", "tiny", "-p", "topp", "3"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Did you mean 'top'?" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _run(["report", "tiny", "--bogus"], tmp_path)
    assert proc.returncode == 2 and "unrecognized arguments: --bogus" in proc.stderr


def _schedule(tmp_path: Path, reports: str) -> Path:
    path = tmp_path / "nightly.yml"
    path.write_text(
        f"output_root: out\nnotebooks_dir: {FIXTURES}\ndefaults: {{top: 5}}\nreports: {reports}\n"
    )
    return path


@pytest.mark.slow
def test_schedule_with_failing_report_exits_1_and_prints_summary(tmp_path):
    path = _schedule(tmp_path, "[tiny, broken, other_kernel]")
    proc = _run(["schedule", str(path), "--date", DATE, "--no-progress"], tmp_path.parent)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout
    summary = proc.stdout[proc.stdout.index("report  ") :].splitlines()
    assert summary[0].split() == ["report", "status", "seconds", "output", "error"]
    rows = {line.split()[0]: line for line in summary[1:4]}
    assert (
        rows["broken"].split()[1] == "failed" and "deliberate failure for tests" in rows["broken"]
    )
    assert rows["tiny"].split()[1] == "ok" and rows["other_kernel"].split()[1] == "ok"
    assert summary[4] == "2 ok, 0 up to date, 1 failed"
    day = tmp_path / "out" / DATE
    for name in ("tiny", "other_kernel"):
        assert "<html" in (day / f"{name}.html").read_text()
    assert (day / "broken.ipynb").is_file()
    # the second run skips the good ones, retries the failed one, still exits 1
    proc = _run(["schedule", str(path), "--date", DATE, "--no-progress"], tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.count("up to date, skipped") == 2
    assert "0 ok, 2 up to date, 1 failed" in proc.stdout


@pytest.mark.slow
def test_report_all_with_corpus_exit_0(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    for name in ("tiny.ipynb", "explore.ipynb"):
        (nbs / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Invented\n\nBody.\n")
    proc = _run(
        ["report", "--all", "--corpus", "corpus", "--date", DATE, "--no-progress"],
        tmp_path,
        NEWSDESK_NOTEBOOKS=str(nbs),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "TINY_OUTPUT files=1" in (tmp_path / "reports" / DATE / "tiny.html").read_text()
    assert not (tmp_path / "reports" / DATE / "explore.html").exists()
    assert "reports/index.html" in proc.stdout


@pytest.mark.slow
def test_two_concurrent_runs_do_not_corrupt_outputs(tmp_path):
    path = _schedule(tmp_path, "[tiny, other_kernel]")
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSDESK_NOTEBOOKS": str(FIXTURES)}
    cmd = [
        sys.executable,
        "-m",
        "analysis",
        "schedule",
        str(path),
        "--date",
        DATE,
        "--no-progress",
        "--force",
    ]
    procs = [
        subprocess.Popen(
            cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, out + err
    day = tmp_path / "out" / DATE
    for name in ("tiny", "other_kernel"):
        record = json.loads((day / f"{name}.json").read_text())
        assert record["status"] == "ok"
        nbformat.validate(nbformat.read(day / f"{name}.ipynb", as_version=4))
        html = (day / f"{name}.html").read_text()
        assert html.rstrip().endswith("</html>")
    assert "TINY_OUTPUT files=2 top=5" in (day / "tiny.html").read_text()
    leftovers = [p.name for p in day.iterdir() if ".tmp" in p.name]
    assert leftovers == []
    index = (tmp_path / "out" / "index.html").read_text()
    assert index.rstrip().endswith("</html>") and index.count("<tr><td>") == 2


def test_columns_option_and_list_note(monkeypatch, tmp_path, capsys):
    seen = {}

    def fake_run_reports(names, **kwargs):
        seen.update(kwargs, names=names)
        return []

    monkeypatch.setattr("analysis.reports.run_reports", fake_run_reports)
    argv = ["report", "tiny", "--notebooks-dir", str(FIXTURES), "-o", str(tmp_path)]
    argv += ["--columns", "category=section", "--columns", "text=body,url="]
    assert cli.main(argv) == 0
    assert seen["parameters"]["columns"] == {"category": "section", "text": "body", "url": None}
    assert cli.main([*argv[:6], "--columns", "section"]) == 2
    assert "expected FIELD=COLUMN" in capsys.readouterr().err
    assert cli.main(["list", "--notebooks-dir", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "query keeps only the articles containing it" in out and "kwic" in out
