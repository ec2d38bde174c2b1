"""A failed or empty scheduled run runs the schedule's on_failure command (summary on stdin);
runner output: quiet with -q, timestamped and named otherwise, no kernel warning, no \\r."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import ReportError
from analysis.reports._notify import needs_notice, notify_failure
from analysis.reports.runner import ReportResult
from analysis.reports.schedule import load_schedule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
REPO = Path(__file__).resolve().parents[2]


def _result(tmp_path: Path, name: str, status: str, error: str | None = None) -> ReportResult:
    return ReportResult(
        name=name,
        status=status,  # type: ignore[arg-type]
        run_date="2026-03-04",
        parameters={},
        html_path=None,
        notebook_path=None,
        record_path=tmp_path / f"{name}.json",
        seconds=1.0,
        error=error,
    )


def test_command_gets_the_summary_on_stdin(tmp_path):
    out = tmp_path / "notice.txt"
    results = [_result(tmp_path, "tiny", "ok"), _result(tmp_path, "broken", "failed", "Boom")]
    code = notify_failure(
        f'cat > {out} && echo "status=$NEWSDESK_STATUS" >> {out}',
        results,
        schedule=tmp_path / "nightly.yml",
    )
    assert code == 0
    text = out.read_text()
    assert text.startswith(f"newsdesk schedule {tmp_path / 'nightly.yml'}: failed, ok")
    assert "broken  failed" in text and "Boom" in text
    assert "1 ok, 0 up to date, 1 failed" in text
    assert text.rstrip().endswith("status=failed,ok")


def test_no_command_when_everything_is_ok(tmp_path):
    out = tmp_path / "notice.txt"
    results = [_result(tmp_path, "tiny", "ok"), _result(tmp_path, "other", "skipped")]
    assert not needs_notice(results)
    assert notify_failure(f"cat > {out}", results, schedule=tmp_path / "s.yml") is None
    assert not out.exists()
    assert needs_notice([_result(tmp_path, "tiny", "empty")])  # an empty run is a notice too
    assert needs_notice([])


def test_failing_command_is_reported_not_raised(tmp_path, capsys):
    results = [_result(tmp_path, "broken", "failed", "Boom")]
    assert notify_failure("exit 7", results, schedule=tmp_path / "s.yml") == 7
    assert "on_failure command exited with 7" in capsys.readouterr().err


def test_schedule_file_on_failure_and_columns(tmp_path):
    path = tmp_path / "nightly.yml"
    path.write_text(
        f"notebooks_dir: {FIXTURES}\non_failure: cat > notice.txt\n"
        "columns: {category: section, url: null}\nreports: [tiny]\n"
    )
    schedule = load_schedule(path)
    assert schedule.on_failure == "cat > notice.txt"
    assert schedule.defaults["columns"] == {"category": "section", "url": None}
    path.write_text("on_failure: 3\nreports: [tiny]\n")
    with pytest.raises(ReportError, match="on_failure: expected a shell command"):
        load_schedule(path)
    path.write_text("columns: {colour: red}\nreports: [tiny]\n")
    with pytest.raises(ReportError, match=r"columns: .*'colour=red' is not valid"):
        load_schedule(path)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSDESK_NOTEBOOKS": str(FIXTURES)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_failed_schedule_notifies_and_quiet_prints_only_the_summary(tmp_path):
    path = tmp_path / "nightly.yml"
    path.write_text(
        f"output_root: out\nnotebooks_dir: {FIXTURES}\non_failure: cat > notice.txt\n"
        "reports: [tiny, broken]\n"
    )
    proc = _run(["schedule", str(path), "--date", "2026-03-04", "-q"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.lstrip().startswith("report ")  # only the summary
    assert "IPKernelApp" not in proc.stderr and "without encryption" not in proc.stderr
    assert "\r" not in proc.stdout + proc.stderr
    notice = (tmp_path / "notice.txt").read_text()
    assert "broken" in notice and "failed" in notice
    (tmp_path / "notice.txt").unlink()
    proc = _run(["schedule", str(path), "--date", "2026-03-04", "--force"], tmp_path)
    lines = [ln for ln in proc.stdout.splitlines() if "tiny:" in ln]
    assert lines and all(
        re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[nightly\] tiny: ", ln) for ln in lines
    )
    assert "without encryption" not in proc.stderr
    assert (tmp_path / "notice.txt").is_file()
