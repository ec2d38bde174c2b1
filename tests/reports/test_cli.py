"""Tests for the command line (analysis.reports.cli, ``python -m analysis``): help, list, parameter
parsing, exit codes, clean errors, schedules with a failing report, concurrent runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.reports import cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
REPO = Path(__file__).resolve().parents[2]
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

    monkeypatch.setattr("analysis.reports.runner.run_reports", fake_run_reports)
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
        "~",
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
        "window": "~",  # str parameters take the text as given (then validated)
        "query": "2024",
        "start": "2024-01-02",
    }
    assert seen["corpus"] == "somewhere" and seen["run_date"] == DATE and seen["force"] is True
    assert seen["name"] is None and seen["briefing"] is True
    assert cli.main([*argv, "--name", "bbc-daily", "--no-briefing"]) == 0
    assert seen["name"] == "bbc-daily" and seen["briefing"] is False


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
    day = tmp_path / "out" / "nightly" / DATE  # run name: the schedule file's name
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
    day = tmp_path / "reports" / "corpus" / DATE  # run name: the corpus folder's name
    assert "TINY_OUTPUT files=1" in (day / "tiny.html").read_text()
    assert not (day / "explore.html").exists()
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
    day = tmp_path / "out" / "nightly" / DATE
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
    assert (
        index.rstrip().endswith("</html>") and index.count('<tr><td class="date">') == 1
    )  # one run
    assert index.count('href="nightly/2026') >= 3  # briefing + both reports
    assert json.loads((day / "run.json").read_text())["status"] == "ok"


# ----------------------------------------------------------------------------- issue 9

NOTEBOOKS = REPO / "notebooks"


@pytest.mark.parametrize("where", ["file", "sys"])
def test_unwritable_output_root_is_one_line_naming_the_path(tmp_path, where):
    if where == "sys":
        if not Path("/sys/kernel").is_dir():
            pytest.skip("needs Linux /sys (a read-only file system)")
        root = "/sys/newsdesk-reports"
    else:
        (tmp_path / "a_file").write_text("x")
        root = str(tmp_path / "a_file" / "reports")
    proc = _run(["report", "tiny", "-o", root, "--no-progress"], cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert f"output folder '{root}' is not writable" in proc.stderr


@pytest.mark.slow
def test_sigterm_leaves_a_temporary_that_the_next_run_removes(tmp_path):
    import signal
    import time

    folder = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, folder)
    nb = nbformat.read(folder / "tiny.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(120)"))
    nbformat.write(nb, folder / "tiny.ipynb")
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSDESK_NOTEBOOKS": str(folder)}
    args = ["report", "tiny", "-o", "out", "--name", "t", "--date", DATE, "--no-progress"]
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *args], cwd=tmp_path, env=env)
    day = tmp_path / "out" / "t" / DATE
    for _ in range(600):  # until the partly executed notebook is saved
        if list(day.glob(".tiny.*.tmp.ipynb")) or proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    left = list(day.glob(".tiny.*.tmp.ipynb"))
    assert left, "SIGTERM should have left the run's temporary notebook (the case cleaned up)"
    nb.cells.pop()
    nbformat.write(nb, folder / "tiny.ipynb")
    again = _run([*args], cwd=tmp_path, NEWSDESK_NOTEBOOKS=str(folder))
    assert again.returncode == 0, again.stderr
    assert not any(p.exists() for p in left)
    assert not list(day.glob(".*.tmp*"))


@pytest.mark.slow
def test_window_on_undated_corpus_is_empty_exit_3(tmp_path):
    corpus = tmp_path / "undated"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Harbour vote\nThe council voted on the harbour plan.\n")
    (corpus / "b.txt").write_text("Rail strike ends\nThe rail strike ended after talks.\n")
    args = ["report", "term_frequency", "--corpus", str(corpus), "-p", "window", "7d"]
    proc = _run(
        [*args, "-o", "out", "--no-progress"], cwd=tmp_path, NEWSDESK_NOTEBOOKS=str(NOTEBOOKS)
    )
    assert proc.returncode == 3, proc.stderr
    reason = "this corpus has no dates; a window needs dates"
    assert "term_frequency  empty" in proc.stdout and reason in proc.stdout
    assert "0 ok, 0 up to date, 0 failed, 1 empty" in proc.stdout
    html = next((tmp_path / "out").glob("*/*/term_frequency.html")).read_text()
    assert "1969" not in html
    assert html.index(f"Nothing to analyse: {reason}") < html.index("about this run")
    record = json.loads(next((tmp_path / "out").glob("*/*/term_frequency.json")).read_text())
    assert record["status"] == "empty" and record["error"] == reason
    assert 'class="empty">empty' in (tmp_path / "out" / "index.html").read_text()


@pytest.mark.slow
def test_unknown_by_column_fails_the_report_in_one_line_without_traceback(tmp_path):
    args = ["report", "sentiment", "-p", "by", "nonexistent", "-o", "out", "--no-progress"]
    proc = _run(args, cwd=tmp_path, NEWSDESK_NOTEBOOKS=str(NOTEBOOKS))
    assert proc.returncode == 1, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("sentiment  failed"))
    assert line.endswith(
        "AnalysisInputError: by='nonexistent' is not a column of the corpus; expected one of: "
        "doc_id, title, text, source, category, published, url, path, n_chars, n_words, "
        "boilerplate_lines, is_duplicate, duplicate_of, duplicate_kind"
    )
    html = next((tmp_path / "out").glob("*/*/sentiment.html")).read_text()
    assert "Traceback" not in html and str(REPO) not in html and "site-packages" not in html
    assert "The cell that failed" in html and "check_column(raw, by" in html
    kept = next((tmp_path / "out").glob("*/*/sentiment.ipynb")).read_text()
    assert "Traceback" in kept or "traceback" in kept  # the details stay in the notebook


@pytest.mark.parametrize(
    ("statuses", "code"),
    [(["ok", "skipped"], 0), (["ok", "empty"], 3), (["empty", "failed", "ok"], 1)],
)
def test_exit_code_is_the_most_serious_status(monkeypatch, tmp_path, capsys, statuses, code):
    from analysis.reports.runner import ReportResult

    def fake_run_reports(names, **kwargs):
        return [
            ReportResult(f"r{i}", s, DATE, {}, None, None, tmp_path / f"r{i}.json", 0.0, None)
            for i, s in enumerate(statuses)
        ]

    monkeypatch.setattr("analysis.reports.runner.run_reports", fake_run_reports)
    argv = ["report", "tiny", "--notebooks-dir", str(FIXTURES), "-o", str(tmp_path)]
    assert cli.main(argv) == code
    assert (
        capsys.readouterr()
        .out.strip()
        .splitlines()[-1]
        .startswith(f"{statuses.count('ok')} ok, {statuses.count('skipped')} up to date")
    )


def test_file_system_failure_is_one_line_naming_the_path(tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    root = tmp_path / "a_file" / "reports"
    assert cli.main(["index", "-o", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(root) in err and "Not a directory" in err


def test_columns_option_and_list_note(monkeypatch, tmp_path, capsys):
    seen = {}

    def fake_run_reports(names, **kwargs):
        seen.update(kwargs, names=names)
        return []

    monkeypatch.setattr("analysis.reports.runner.run_reports", fake_run_reports)
    argv = ["report", "tiny", "--notebooks-dir", str(FIXTURES), "-o", str(tmp_path)]
    argv += ["--columns", "category=section", "--columns", "text=body,url="]
    assert cli.main(argv) == 0
    assert seen["parameters"]["columns"] == {"category": "section", "text": "body", "url": None}
    assert cli.main([*argv[:6], "--columns", "section"]) == 2
    assert "expected FIELD=COLUMN" in capsys.readouterr().err
    assert cli.main(["list", "--notebooks-dir", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "query keeps only the articles containing it" in out and "kwic" in out


def test_jobs_option_reaches_the_runner_and_is_checked(monkeypatch, tmp_path, capsys):
    seen = {}

    def fake_run_reports(names, **kwargs):
        seen.update(kwargs)
        return []

    monkeypatch.setattr("analysis.reports.runner.run_reports", fake_run_reports)
    argv = ["report", "tiny", "--notebooks-dir", str(FIXTURES), "-o", str(tmp_path)]
    assert cli.main([*argv, "--jobs", "2"]) == 0 and seen["jobs"] == 2
    assert cli.main(argv) == 0 and seen["jobs"] is None  # the runner's default
    for bad in ("0", "two", "-1"):
        with pytest.raises(SystemExit) as exit_:
            cli.main([*argv, "-j", bad])
        assert exit_.value.code == 2
        assert "expected a whole number >= 1" in capsys.readouterr().err


def test_the_cli_skips_jsonschemas_iri_grammar_and_still_validates_notebooks():
    code = (
        "import sys; from analysis.reports import cli; cli._skip_unused_format_checkers(); "
        "import nbformat; nb = nbformat.v4.new_notebook(); nbformat.validate(nb); "
        "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
