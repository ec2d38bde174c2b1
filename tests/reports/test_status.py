"""Tests for analysis.reports.status: an empty or all-failing report is never "ok", exit
codes of mixed runs, failed reports published without tracebacks."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from analysis.reports._index import render_index
from analysis.reports.runner import ReportResult, format_summary


def _status():
    import analysis.reports.status as status  # new in this change

    return status


def _nb(*outputs: dict) -> dict:
    return {"cells": [{"cell_type": "code", "source": "", "outputs": list(outputs)}]}


def _mark(data: dict) -> dict:
    mime = _status().STATUS_MIME
    return {"output_type": "display_data", "data": {mime: data, "text/html": ""}}


def test_read_status_empty_failed_ok():
    read = _status().read_status
    empty = _mark({"status": "empty", "reason": "this corpus has no dates; a window needs dates"})
    ok_sections = _mark({"sections": {"ok": 3, "not_computed": 1, "empty": 0}})
    none_computed = _mark(
        {"sections": {"ok": 0, "not_computed": 4, "empty": 0}, "first_problem": "top=0 bad"}
    )
    assert read(_nb(empty, ok_sections)) == (
        "empty",
        "this corpus has no dates; a window needs dates",
    )
    assert read(_nb(ok_sections)) == ("ok", None)
    assert read(_nb(none_computed)) == ("failed", "no section could be computed: top=0 bad")
    assert read(_nb()) == ("ok", None)  # a notebook without marks (e.g. a custom report)


def test_exit_code_precedence_failed_then_empty_then_ok():
    code = _status().exit_code
    assert code([]) == 0
    assert code(["ok", "skipped"]) == 0
    assert code(["ok", "empty"]) == 3
    assert code(["empty", "failed", "ok"]) == 1
    assert code(["invalid"]) == 2


def test_sections_are_counted_and_reset_by_check_selection(monkeypatch):
    status = _status()
    from analysis.analyses.filters import filter_corpus
    from analysis.errors import AnalysisInputError
    from analysis.reports.display import report_section

    shown: list[dict] = []
    monkeypatch.setattr(status, "_display", lambda data, html: shown.append(data))
    monkeypatch.setattr("analysis.reports.display.show", lambda block: None)
    docs = pd.DataFrame({"doc_id": ["a"], "title": ["t"], "text": ["x"], "published": [pd.NaT]})
    assert status.check_selection(filter_corpus(docs)) is None
    for _ in range(2):
        with report_section(docs):
            raise AnalysisInputError("top=0 is not valid")
    status.show_run_status()
    assert shown[-1] == {
        "sections": {"ok": 0, "not_computed": 2, "empty": 0},
        "first_problem": "top=0 is not valid",
    }
    with report_section(docs):
        pass
    status.show_run_status()
    assert shown[-1]["sections"]["ok"] == 1
    reason = status.check_selection(filter_corpus(docs, window="7d"))
    assert reason == "this corpus has no dates; a window needs dates"
    assert shown[-1] == {"status": "empty", "reason": reason}


def _failed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    banner = nbformat.v4.new_markdown_cell("<span>An Exception was encountered</span>")
    banner.metadata["tags"] = ["papermill-error-cell-tag"]
    cell = nbformat.v4.new_code_cell('check_column(raw, by, arg="by")')
    cell.execution_count = 4
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="before\n"),
        nbformat.v4.new_output(
            "error",
            ename="AnalysisInputError",
            evalue="by='nope' is not a column of the corpus",
            traceback=['File "/home/someone/newsdesk/analysis/filters.py", line 9', "<b>"],
        ),
    ]
    nb.cells = [banner, cell]
    return nb


def test_hide_tracebacks_shows_error_and_cell_not_the_traceback():
    nb = _status().hide_tracebacks(_failed_notebook())
    assert len(nb.cells) == 1  # papermill's banner dropped
    outputs = nb.cells[0].outputs
    assert outputs[0]["output_type"] == "stream"
    html = outputs[1]["data"]["text/html"]
    assert "/home/someone" not in html and "filters.py" not in html
    assert "in cell [4]: AnalysisInputError: by=&#x27;nope&#x27; is not a column" in html
    assert "check_column(raw, by, arg=&quot;by&quot;)" in html


def test_failed_html_has_no_traceback(tmp_path):
    from analysis.reports._files import render_html

    path = tmp_path / "failed.ipynb"
    nbformat.write(_failed_notebook(), path)
    html = render_html(path, title="t", resources_dir=tmp_path)
    assert "/home/someone" not in html and "An Exception was encountered" not in html
    assert "is not a column of the corpus" in html and "The cell that failed" in html


def _result(tmp_path, status: str, error: str | None = None) -> ReportResult:
    return ReportResult(
        name=f"r_{status}",
        status=status,  # type: ignore[arg-type]
        run_date="2026-01-02",
        parameters={},
        html_path=tmp_path / "x.html",
        notebook_path=None,
        record_path=tmp_path / "x.json",
        seconds=1.0,
        error=error,
    )


def test_empty_is_shown_in_summary_and_index(tmp_path):
    results = [_result(tmp_path, "ok"), _result(tmp_path, "empty", "no source 'X' in this corpus")]
    assert not results[1].ok
    text = format_summary(results)
    assert "empty" in text.splitlines()[2] and "no source 'X' in this corpus" in text
    assert text.splitlines()[-1] == "1 ok, 0 up to date, 0 failed, 1 empty"
    run = {"name": "sample", "date": "2026-01-02", "rel": "sample/2026-01-02", "run": {}}
    index = render_index([{**run, "reports": [{"_name": "r", "status": "empty"}]}])
    assert index.count('class="empty">empty') == 2  # the run's status and the report's
    mixed = [{"_name": "a", "status": "empty"}, {"_name": "b", "status": "failed"}]
    assert '<td class="failed">failed</td>' in render_index([{**run, "reports": mixed}])


@pytest.mark.parametrize("status", ["ok", "skipped"])
def test_ok_and_up_to_date_are_ok(tmp_path, status):
    assert _result(tmp_path, status).ok
