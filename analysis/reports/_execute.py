"""Private: executing one planned report: papermill, the HTML page, the JSON record.

A report runs under a per-report file lock; an up-to-date report is skipped. The executed
notebook and its page are written atomically; a failing notebook is a ``failed`` result
(its notebook kept), never an exception.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from analysis._runlog import kernel_manager_class, say
from analysis.corpus._walk import mark_output_root
from analysis.reports._files import atomic_write, load_record, render_html, temp_name
from analysis.reports._fs import clean_stale_temporaries
from analysis.reports._plan import _Plan
from analysis.reports._runs import insert_section
from analysis.reports.status import read_status

#: ok / empty (nothing to analyse, exit 3) / failed (exit 1) / skipped (up to date); see
#: analysis.reports.status for how they are decided and the exit code of a run.
Status = Literal["ok", "empty", "failed", "skipped"]


@dataclass(frozen=True)
class ReportResult:
    """What one report run produced.

    Attributes:
        name: Report (notebook) name.
        status: ``"ok"``, ``"empty"`` (the filters left nothing to analyse), ``"failed"``
            or ``"skipped"`` (already up to date).
        run_date: The run date, ``YYYY-MM-DD``.
        parameters: The parameters passed to the notebook (paths absolute).
        html_path: The HTML page, or None when it could not be rendered.
        notebook_path: The executed notebook, or None when execution never started.
        record_path: The JSON record of the run.
        seconds: Wall time of execution plus rendering (0 when skipped).
        error: First line of the error for a failed run, the reason for an empty one,
            else None.
        title: Title shown in the page and the index.
    """

    name: str
    status: Status
    run_date: str
    parameters: dict[str, Any]
    html_path: Path | None
    notebook_path: Path | None
    record_path: Path
    seconds: float
    error: str | None = None
    title: str = ""
    run_name: str = ""

    @property
    def ok(self) -> bool:
        """True when the report is ok or up to date (not failed, not empty)."""
        return self.status in ("ok", "skipped")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}" if evalue else str(ename)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return (lines[0] if lines else type(exc).__name__)[:500]


def _result_from_record(plan: _Plan, record: Mapping[str, Any], status: Status) -> ReportResult:
    html = plan.out_dir / f"{plan.name}.html"
    ipynb = plan.out_dir / f"{plan.name}.ipynb"
    return ReportResult(
        name=plan.name,
        status=status,
        run_date=plan.run_date,
        parameters=dict(plan.parameters),
        html_path=html if html.exists() else None,
        notebook_path=ipynb if ipynb.exists() else None,
        record_path=plan.out_dir / f"{plan.name}.json",
        seconds=float(record.get("seconds", 0.0)) if status != "skipped" else 0.0,
        error=record.get("error"),
        title=plan.title,
        run_name=plan.run_name,
    )


def _up_to_date(plan: _Plan) -> dict[str, Any] | None:
    record = load_record(plan.out_dir / f"{plan.name}.json")
    if (
        record
        and record.get("status") == "ok"
        and record.get("effective_parameters") == _jsonable(plan.effective)
        and record.get("corpus_fingerprint") == plan.corpus_fingerprint
        and record.get("notebook_sha") == plan.notebook_sha
        and (plan.out_dir / f"{plan.name}.html").is_file()
        and (plan.out_dir / f"{plan.name}.ipynb").is_file()
    ):
        return record
    return None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _execute(
    plan: _Plan,
    *,
    force: bool,
    progress: bool,
    timeout: float | None,
    quiet: bool,
    parallel: bool = False,
) -> ReportResult:
    from filelock import FileLock, Timeout

    plan.out_dir.mkdir(parents=True, exist_ok=True)
    mark_output_root(plan.output_root)  # never read back as corpus input
    lock = FileLock(plan.out_dir / f".{plan.name}.lock")
    try:
        lock.acquire(timeout=0.2)
    except Timeout:
        say(f"{plan.name}: another run is writing {plan.out_dir}; waiting for it", quiet=quiet)
        lock.acquire()
    try:
        clean_stale_temporaries(plan.out_dir)  # left by runs killed with SIGTERM / kill -9
        if not force and (record := _up_to_date(plan)) is not None:
            say(
                f"{plan.name}: up to date, skipped ({_show(plan.out_dir / f'{plan.name}.html')})",
                quiet=quiet,
            )
            return _result_from_record(plan, record, "skipped")
        return _run_locked(plan, progress=progress, timeout=timeout, quiet=quiet, parallel=parallel)
    finally:
        lock.release()


def _run_locked(
    plan: _Plan, *, progress: bool, timeout: float | None, quiet: bool, parallel: bool = False
) -> ReportResult:
    final_ipynb = plan.out_dir / f"{plan.name}.ipynb"
    tmp_ipynb = temp_name(final_ipynb, ".tmp.ipynb")
    started = dt.datetime.now(dt.UTC).astimezone()
    t0 = time.perf_counter()
    say(
        f"{plan.name}: running {plan.notebook.name} ({_summarise(plan.parameters) or 'defaults'})",
        quiet=quiet,
    )
    error = _papermill(
        plan, tmp_ipynb, progress=progress, timeout=timeout, quiet=quiet, parallel=parallel
    )
    notebook_path, html_path, error = _publish(plan, tmp_ipynb, error)
    seconds = time.perf_counter() - t0
    status: Status = "failed" if error else "ok"
    if error is None and notebook_path is not None:
        status, error = read_status(notebook_path)  # type: ignore[assignment]
    record_path = _write_record(
        plan, status, error, started=started, seconds=seconds, html=html_path, ipynb=notebook_path
    )
    if not quiet:
        where = _show(html_path or notebook_path or record_path)
        if status == "empty":
            say(f"{plan.name}: EMPTY ({error}) -> {where}")
        elif error:
            kept = f"\n  executed notebook kept: {_show(notebook_path)}" if notebook_path else ""
            say(f"{plan.name}: FAILED after {seconds:.1f} s: {error}{kept}")
        else:
            say(f"{plan.name}: ok in {seconds:.1f} s -> {where}")
    return ReportResult(
        name=plan.name,
        status=status,
        run_date=plan.run_date,
        parameters=dict(plan.parameters),
        html_path=html_path,
        notebook_path=notebook_path,
        record_path=record_path,
        seconds=seconds,
        error=error,
        title=plan.title,
        run_name=plan.run_name,
    )


def _papermill(
    plan: _Plan,
    tmp_ipynb: Path,
    *,
    progress: bool,
    timeout: float | None,
    quiet: bool,
    parallel: bool = False,
) -> str | None:
    """Execute the notebook into ``tmp_ipynb``; the first line of its error, or None."""
    import papermill

    pm_logger = logging.getLogger("papermill")
    if _PAPERMILL_FILTER not in pm_logger.filters:
        pm_logger.addFilter(_PAPERMILL_FILTER)
    try:
        papermill.execute_notebook(
            str(plan.notebook),
            str(tmp_ipynb),
            parameters=plan.parameters,
            # The kernel starts in the notebooks folder (kernel_manager_class's cwd) rather
            # than through papermill's cwd=, which os.chdir()s this whole process: not
            # something threads running reports in parallel can share.
            cwd=None,
            kernel_name=plan.kernel_name,
            # no \r in logs, and no bars of parallel reports drawn over each other
            progress_bar=progress and not quiet and not parallel and sys.stderr.isatty(),
            execution_timeout=timeout,
            request_save_on_cell_execute=True,
            kernel_manager_class=kernel_manager_class(
                progress=not quiet, report=plan.name, cwd=plan.notebooks_dir
            ),
            # -q: not even the kernel's own log lines (e.g. the "KeyboardInterrupt
            # caught in kernel" it logs when shut down with a SIGINT while busy)
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"] if quiet else [],
        )
    except Exception as exc:  # a failing report must not stop the others
        return _first_line(exc)
    except BaseException:  # Ctrl-C, SystemExit: leave no temporary file behind
        tmp_ipynb.unlink(missing_ok=True)
        raise
    return None


def _publish(
    plan: _Plan, tmp_ipynb: Path, error: str | None
) -> tuple[Path | None, Path | None, str | None]:
    """Move the executed notebook into place and render its page: (notebook, page, error)."""
    final_ipynb = plan.out_dir / f"{plan.name}.ipynb"
    final_html = plan.out_dir / f"{plan.name}.html"
    notebook_path: Path | None = None
    html_path: Path | None = None
    if tmp_ipynb.exists():
        os.replace(tmp_ipynb, final_ipynb)
        notebook_path = final_ipynb
        try:
            page = render_html(final_ipynb, title=plan.title, resources_dir=plan.notebooks_dir)
            atomic_write(final_html, insert_section(page, plan.section_html))
            html_path = final_html
        except Exception as exc:
            error = error or f"HTML rendering failed: {_first_line(exc)}"
    elif error is None:
        error = "papermill wrote no output notebook"
    if html_path is None:
        final_html.unlink(missing_ok=True)  # never leave an older page that looks current
    return notebook_path, html_path, error


def _write_record(
    plan: _Plan,
    status: Status,
    error: str | None,
    *,
    started: dt.datetime,
    seconds: float,
    html: Path | None,
    ipynb: Path | None,
) -> Path:
    """The report's ``<name>.json`` record (what the index and up-to-date checks read)."""
    record = {
        "report": plan.name,
        "title": plan.title,
        "run_name": plan.run_name,
        "run_date": plan.run_date,
        "status": status,
        "parameters": _jsonable(plan.parameters),
        "effective_parameters": _jsonable(plan.effective),
        "corpus_fingerprint": plan.corpus_fingerprint,
        "notebook_sha": plan.notebook_sha,
        "notebook_source": str(plan.notebook),
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "error": error,
        "html": html.name if html else None,
        "ipynb": ipynb.name if ipynb else None,
        "kernel": plan.kernel_name or "(notebook's kernelspec)",
        "python": sys.executable,
    }
    record_path = plan.out_dir / f"{plan.name}.json"
    atomic_write(record_path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return record_path


class _DropUnknownParameterWarning(logging.Filter):
    """papermill's own scan misses ``x: str | None = ...`` and warns that the parameter is
    unknown; the parameters were validated against the cell already, so drop that line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.getMessage()).startswith("Passed unknown parameter")


_PAPERMILL_FILTER = _DropUnknownParameterWarning()


def _show(path: Path) -> str:
    """``path`` relative to the current folder when inside it (and that is not ``/``)."""
    cwd = Path.cwd()
    if cwd == Path(cwd.anchor):
        return str(path)
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _summarise(parameters: Mapping[str, Any], limit: int = 200) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in parameters.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"
