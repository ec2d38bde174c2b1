"""How a report notebook tells the runner it had nothing to analyse (status "empty").

A report whose filters leave no document (no match, sources that are not in the corpus, a
window on a corpus without dates) must not be published as "ok". The notebook calls
:func:`check_selection` right after filtering: when nothing is left it shows the reason at
the top of the report and leaves a machine-readable mark in the cell's output (a display
bundle of type :data:`STATUS_MIME`). The footer's :func:`show_run_status` marks how many
sections were computed. The runner (:mod:`analysis.reports`) reads both marks from the
executed notebook with :func:`read_status`:

- a cell raised: **failed** (exit 1);
- :func:`check_selection` found nothing to analyse: **empty** (exit 3), with the reason;
- no section could be computed (every :func:`analysis.reports.display.report_section` ended in
  "could not be computed"): **failed**, with the first section's message;
- otherwise **ok** (exit 0).

Invalid parameters are refused before any kernel starts (exit 2). When reports of one run
end differently, the exit code is the most serious: failed (1) > empty (3) > ok (0); see
:func:`exit_code`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.reports._html import message_html

__all__ = [
    "EXIT_CODES",
    "STATUS_MIME",
    "check_selection",
    "exit_code",
    "read_status",
    "record_section",
    "show_run_status",
]

#: The MIME type of the status marks in a report notebook's outputs.
STATUS_MIME = "application/vnd.newsdesk.status+json"
#: Exit code per status; a run's code is the most serious of its reports (see exit_code).
EXIT_CODES = {"ok": 0, "skipped": 0, "failed": 1, "invalid": 2, "empty": 3}
_SERIOUSNESS = ("failed", "invalid", "empty", "ok", "skipped")

_sections = {"ok": 0, "not_computed": 0, "empty": 0}
_first_problem: list[str] = []


def record_section(outcome: str, message: str | None = None) -> None:
    """Count one report section's outcome (``"ok"``, ``"not_computed"``, ``"empty"``);
    called by :func:`analysis.reports.display.report_section`."""
    _sections[outcome] = _sections.get(outcome, 0) + 1
    if outcome == "not_computed" and message and not _first_problem:
        _first_problem.append(message)


def _display(data: dict[str, Any], html_text: str) -> None:
    from IPython.display import display

    display({STATUS_MIME: data, "text/html": html_text}, raw=True)


def check_selection(docs: pd.DataFrame) -> str | None:
    """Mark the report **empty** when ``docs`` (from
    :func:`analysis.analyses.filters.filter_corpus`) has no rows: show why, as the first
    thing in the report, and return the reason.

    Also starts counting the report's sections afresh.

    Example:
        >>> check_selection(filter_corpus(undated, window="7d"))
        'this corpus has no dates; a window needs dates'
    """
    from analysis.analyses.filters import empty_reason

    _sections.update(ok=0, not_computed=0, empty=0)
    _first_problem.clear()
    reason = empty_reason(docs)
    if reason is not None:
        text = f"Nothing to analyse: {reason}. Every section below is empty."
        _display({"status": "empty", "reason": reason}, str(message_html(text, kind="warning")))
    return reason


def show_run_status() -> None:
    """Mark how many sections were computed (the runner fails a report none of whose
    sections could be computed). Shows nothing to readers."""
    data = {"sections": dict(_sections), "first_problem": next(iter(_first_problem), None)}
    _display(data, "")


def _marks(nb: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if isinstance(cell, dict) else []:
            data = out.get("data") if isinstance(out, dict) else None
            if isinstance(data, dict) and isinstance(data.get(STATUS_MIME), dict):
                yield data[STATUS_MIME]


def read_status(notebook: Path | dict[str, Any]) -> tuple[str, str | None]:
    """``(status, reason)`` of an executed report notebook that raised nothing:
    ``("empty", why)``, ``("failed", first problem)`` when no section could be computed,
    else ``("ok", None)``."""
    if not isinstance(notebook, dict):
        try:
            notebook = json.loads(Path(notebook).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "ok", None
    marks = list(_marks(notebook))
    for mark in marks:
        if mark.get("status") == "empty":
            return "empty", str(mark.get("reason") or "nothing to analyse")
    for mark in marks:
        sections = mark.get("sections")
        if isinstance(sections, dict) and not sections.get("ok") and sections.get("not_computed"):
            problem = mark.get("first_problem") or "see the report"
            return "failed", f"no section could be computed: {problem}"
    return "ok", None


def most_serious(statuses: Iterable[str], default: str = "ok") -> str:
    """The status that sums up several: failed > invalid > empty > ok > skipped.

    Example:
        >>> most_serious(["ok", "empty", "ok"])
        'empty'
    """
    found = set(statuses)
    return next((s for s in _SERIOUSNESS if s in found), default)


def exit_code(statuses: Iterable[str]) -> int:
    """The exit code of a run: the most serious status wins (failed 1 > invalid 2 >
    empty 3 > ok 0); no report is 0.

    Example:
        >>> exit_code(["ok", "empty", "ok"])
        3
    """
    found = set(statuses)
    for status in _SERIOUSNESS:
        if status in found:
            return EXIT_CODES[status]
    return 0


def failure_html(ename: str, evalue: str, source: str, where: str) -> str:
    """The block shown in a failed report's HTML instead of a traceback: the error and the
    code of the cell that raised (the traceback stays in the kept notebook)."""
    head = message_html(
        f"This report stopped with an error {where}: {ename}: {evalue}", kind="error"
    )
    code = html.escape(source)
    return (
        f"{head}<p>The cell that failed (the full traceback is in the executed notebook kept "
        f'beside this page):</p><pre class="nd-failed-cell">{code}</pre>'
    )


def hide_tracebacks(nb: Any) -> Any:
    """A failed notebook made fit to publish (in place; returns ``nb``): papermill's red
    banner cells are dropped and every error output becomes :func:`failure_html`."""
    cells = []
    for cell in nb.cells:
        if "papermill-error-cell-tag" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.get("cell_type") == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    outputs.append(out)
                    continue
                count = cell.get("execution_count")
                where = f"in cell [{count}]" if count else "in a cell"
                block = failure_html(
                    str(out.get("ename", "Error")), str(out.get("evalue", "")), cell.source, where
                )
                outputs.append(
                    {"output_type": "display_data", "data": {"text/html": block}, "metadata": {}}
                )
            cell["outputs"] = outputs
        cells.append(cell)
    nb.cells = cells
    return nb
