"""Run the report notebooks with papermill and publish them as HTML without code.

Each report is a notebook ``notebooks/<name>.ipynb`` with one cell tagged ``parameters``
holding type-annotated defaults (``top: int = 20``). :func:`run_report` checks the
parameters against that cell *before* a kernel starts, executes the notebook with the
notebooks folder as working directory, and writes to ``<output_root>/<run name>/<run date>/``
(the run name is ``name=``, or a slug of the corpus path; see :mod:`analysis._report_runs`):

- ``<name>.ipynb`` the executed notebook (kept when a cell fails),
- ``<name>.html`` a self-contained page without code cells or prompts,
- ``<name>.json`` a small record (status, parameters, corpus fingerprint, timings, error),

plus, once per run, ``run.json`` (what the run saw: corpus fingerprint, doc ids, period) and
``briefing.html`` (what changed since the previous run of the same name, also shown at the
top of each report), then rebuilds ``<output_root>/index.html`` from every record found.
Outputs are written to temporary files and moved into place atomically, under a per-report file lock, so two runs
started at once do not corrupt each other. A report whose output for the same run date is
already ok, with the same parameters, notebook and corpus fingerprint, is skipped unless
``force=True``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from analysis._report_files import (
    atomic_write,
    fingerprint_path,
    kernel_for,
    load_record,
    render_html,
    sha_file,
    temp_name,
)
from analysis._report_fs import check_writable, clean_stale_temporaries
from analysis._report_params import (
    ReportParameter,
    read_parameters,
    validate_parameters,
)
from analysis._report_runs import (
    check_run_name,
    finish_run,
    insert_section,
    run_name_for,
    scan_runs,
    start_run,
)
from analysis._runlog import kernel_manager_class, say
from analysis._walk import mark_output_root
from analysis.errors import ReportError
from analysis.report_status import read_status

__all__ = [
    "REPORTS",
    "ReportParameter",
    "ReportResult",
    "available_reports",
    "default_jobs",
    "find_notebooks_dir",
    "format_summary",
    "rebuild_index",
    "report_parameters",
    "run_report",
    "run_reports",
]

#: The report notebooks, in the order ``--all`` runs them (when they exist).
REPORTS: tuple[str, ...] = ("term_frequency", "entity_cooccurrence", "sentiment")
#: Notebooks in the notebooks folder that are not reports.
NOT_REPORTS = frozenset({"explore"})
#: Parameters holding a path: a relative value is resolved against the caller's folder.
PATH_PARAMETERS = frozenset({"corpus", "cache_dir", "aliases", "sidecar", "output_dir"})
#: A notebook parameter that, when declared and not given, receives the run folder (for
#: files a report writes beside its HTML, e.g. the entity network).
OUTPUT_DIR_PARAMETER = "output_dir"

#: ok / empty (nothing to analyse, exit 3) / failed (exit 1) / skipped (up to date); see
#: analysis.report_status for how they are decided and the exit code of a run.
Status = Literal["ok", "empty", "failed", "skipped"]

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INDEX = "index.html"


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


@dataclass
class _Plan:
    name: str
    notebook: Path
    notebooks_dir: Path
    parameters: dict[str, Any]
    title: str
    out_dir: Path
    output_root: Path
    run_date: str
    corpus_fingerprint: str | None
    notebook_sha: str
    kernel_name: str | None
    effective: dict[str, Any] = field(default_factory=dict)
    corpus_path: Path | None = None
    declares_output_dir: bool = False
    run_name: str = ""
    section_html: str = ""


# --------------------------------------------------------------------------- locating


def find_notebooks_dir(notebooks_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the report notebooks.

    Order: the ``notebooks_dir`` argument, the ``NEWSDESK_NOTEBOOKS`` environment variable,
    then ``notebooks/`` beside the package (the repository layout).

    Example:
        >>> find_notebooks_dir().name
        'notebooks'
    """
    chosen = notebooks_dir or os.environ.get("NEWSDESK_NOTEBOOKS")
    path = (
        Path(chosen).expanduser()
        if chosen
        else Path(__file__).resolve().parent.parent / "notebooks"
    )
    path = path.resolve()
    if not path.is_dir():
        source = "notebooks_dir" if notebooks_dir else "NEWSDESK_NOTEBOOKS" if chosen else "default"
        raise ReportError(
            f"notebooks folder {str(path)!r} ({source}) does not exist; pass notebooks_dir= "
            "(--notebooks-dir) or set NEWSDESK_NOTEBOOKS to the folder with the report notebooks"
        )
    return path


def available_reports(*, notebooks_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the report notebooks (``--all``): known reports first, then the rest sorted.

    Example:
        >>> available_reports()
        ['term_frequency', 'entity_cooccurrence', 'sentiment']
    """
    folder = find_notebooks_dir(notebooks_dir)
    found = {
        p.stem
        for p in folder.glob("*.ipynb")
        if _NAME_RE.match(p.stem) and p.stem not in NOT_REPORTS and p.is_file()
    }
    return [n for n in REPORTS if n in found] + sorted(found - set(REPORTS))


def _notebook_path(name: Any, folder: Path) -> Path:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ReportError(
            f"report name {name!r} is not valid: use lower-case letters, digits and '_', "
            "starting with a letter (e.g. 'term_frequency')"
        )
    path = (folder / f"{name}.ipynb").resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        known = available_reports(notebooks_dir=folder)
        import difflib

        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ReportError(
            f"report {name!r} not found: no notebook {name}.ipynb in {str(folder)!r}{hint} "
            f"Available reports: {', '.join(known) or '(none)'}"
        )
    return path


def report_parameters(
    name: str, *, notebooks_dir: str | os.PathLike[str] | None = None
) -> dict[str, ReportParameter]:
    """The parameters a report notebook declares, by name (type, default, help).

    Example:
        >>> report_parameters("term_frequency")["top"].type
        'int'
    """
    folder = find_notebooks_dir(notebooks_dir)
    return read_parameters(_notebook_path(name, folder), report=name)


# --------------------------------------------------------------------------- checks


def _check_run_date(run_date: str | dt.date | None) -> str:
    if run_date is None:
        return dt.date.today().isoformat()
    if isinstance(run_date, dt.datetime):
        return run_date.date().isoformat()
    if isinstance(run_date, dt.date):
        return run_date.isoformat()
    if isinstance(run_date, str) and _DATE_RE.match(run_date):
        try:
            return dt.date.fromisoformat(run_date).isoformat()
        except ValueError:
            pass
    raise ReportError(f"run_date={run_date!r} is not valid; expected a date YYYY-MM-DD")


def _inside(root: Path, path: Path, what: str) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise ReportError(
            f"{what} {str(path)!r} resolves to {str(resolved)!r}, outside the output root "
            f"{str(root)!r}; refusing to write there (check for '..' or a symlink)"
        )
    return resolved


def _output_root(output_root: str | os.PathLike[str]) -> Path:
    root = Path(output_root).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise ReportError(f"output_root={str(output_root)!r} exists and is not a folder")
    return root


def _plan(
    name: str,
    *,
    parameters: Mapping[str, Any] | None,
    defaults: Mapping[str, Any] | None,
    corpus: str | os.PathLike[str] | None,
    root: Path,
    run_date: str,
    folder: Path,
    title: str | None,
    base_dir: Path,
    kernel_name: str | None,
    quiet: bool = False,
) -> _Plan:
    notebook = _notebook_path(name, folder)
    declared = read_parameters(notebook, report=name)
    given: dict[str, Any] = {k: v for k, v in (defaults or {}).items() if k in declared}
    given.update(parameters or {})
    if corpus is not None:
        if "corpus" not in declared:
            raise ReportError(f"report {name!r} has no 'corpus' parameter; --corpus does not apply")
        given["corpus"] = os.fspath(corpus)
    values = validate_parameters(name, given, declared)
    for key, value in values.items():
        if key in PATH_PARAMETERS and isinstance(value, str) and value:
            values[key] = str((base_dir / Path(value).expanduser()).resolve())
    corpus_path: Path | None = None
    if "corpus" in values and isinstance(values["corpus"], str):
        corpus_path = Path(values["corpus"])
    elif "corpus" in declared and isinstance(declared["corpus"].default, str):
        corpus_path = (folder / declared["corpus"].default).resolve()
    if corpus_path is not None and not corpus_path.exists():
        raise ReportError(
            f"report {name!r}: parameter corpus={str(corpus_path)!r} does not exist; "
            "give an existing corpus folder or file (relative paths are from your current folder)"
        )
    return _Plan(
        name=name,
        notebook=notebook,
        notebooks_dir=folder,
        parameters=values,
        title=title or _default_title(name),
        out_dir=root,  # set by _place once the run name is known
        output_root=root,
        run_date=run_date,
        corpus_fingerprint=fingerprint_path(corpus_path) if corpus_path else None,
        notebook_sha=sha_file(notebook),
        effective={**{k: p.default for k, p in declared.items()}, **values},
        kernel_name=kernel_for(notebook, kernel_name, quiet=quiet),
        corpus_path=corpus_path,
        declares_output_dir=OUTPUT_DIR_PARAMETER in declared and OUTPUT_DIR_PARAMETER not in values,
    )


def _place(plan: _Plan, run_name: str) -> None:
    """Put the plan's outputs in ``<root>/<run name>/<run date>/`` (checked to stay inside)."""
    root = plan.output_root
    plan.run_name = run_name
    plan.out_dir = _inside(root, root / run_name / plan.run_date, "run folder")
    for suffix in (".ipynb", ".html", ".json"):
        _inside(root, plan.out_dir / f"{plan.name}{suffix}", "output file")
    if plan.declares_output_dir:
        plan.parameters[OUTPUT_DIR_PARAMETER] = str(plan.out_dir)
        plan.effective[OUTPUT_DIR_PARAMETER] = str(plan.out_dir)


def _default_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


# --------------------------------------------------------------------------- running


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
    import papermill

    pm_logger = logging.getLogger("papermill")
    if _PAPERMILL_FILTER not in pm_logger.filters:
        pm_logger.addFilter(_PAPERMILL_FILTER)
    final_ipynb = plan.out_dir / f"{plan.name}.ipynb"
    final_html = plan.out_dir / f"{plan.name}.html"
    tmp_ipynb = temp_name(final_ipynb, ".tmp.ipynb")
    started = dt.datetime.now(dt.UTC).astimezone()
    t0 = time.perf_counter()
    error: str | None = None
    say(
        f"{plan.name}: running {plan.notebook.name} ({_summarise(plan.parameters) or 'defaults'})",
        quiet=quiet,
    )
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
        error = _first_line(exc)
    except BaseException:  # Ctrl-C, SystemExit: leave no temporary file behind
        tmp_ipynb.unlink(missing_ok=True)
        raise
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
    seconds = time.perf_counter() - t0
    status: Status = "failed" if error else "ok"
    if error is None and notebook_path is not None:
        status, error = read_status(notebook_path)  # type: ignore[assignment]
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
        "html": final_html.name if html_path else None,
        "ipynb": final_ipynb.name if notebook_path else None,
        "kernel": plan.kernel_name or "(notebook's kernelspec)",
        "python": sys.executable,
    }
    record_path = plan.out_dir / f"{plan.name}.json"
    atomic_write(record_path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
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


# --------------------------------------------------------------------------- public


def run_report(
    name: str,
    *,
    parameters: Mapping[str, Any] | None = None,
    corpus: str | os.PathLike[str] | None = None,
    output_root: str | os.PathLike[str] = "reports",
    run_date: str | dt.date | None = None,
    title: str | None = None,
    force: bool = False,
    progress: bool = True,
    timeout: float | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    kernel_name: str | None = None,
    quiet: bool = False,
    name_of_run: str | None = None,
    briefing: bool = True,
) -> ReportResult:
    """Execute one report notebook and publish it as HTML under ``output_root/<name>/<date>/``.

    Args:
        name: Report name, the notebook's file name without ``.ipynb``.
        parameters: Values for the notebook's ``parameters`` cell; checked against its
            declared names and annotated types before any kernel starts.
        corpus: Shortcut for the ``corpus`` parameter. Relative paths (this one and other
            path parameters) are resolved against the current folder.
        output_root: Folder receiving ``<run name>/<run date>/<name>.{ipynb,html,json}`` and
            ``index.html``.
        run_date: ``YYYY-MM-DD`` (default today).
        title: Page title (default from the name).
        force: Run even when the same output is already up to date.
        progress: Show papermill's progress bar.
        timeout: Per-cell timeout in seconds (None: no limit).
        notebooks_dir: Folder with the notebooks (default ``NEWSDESK_NOTEBOOKS`` or the repo's).
        kernel_name: Kernel to use instead of the one named in the notebook.
        quiet: Print nothing.
        name_of_run: The run name (folder under ``output_root``); default: a slug of the
            corpus path (``data/sample`` -> ``sample``).
        briefing: Compare the corpus with the previous run of that name and write
            ``briefing.html`` plus a "What changed" section at the top of the report.

    Returns:
        A ReportResult; ``status`` is ``"failed"`` when a cell raised or no section could
        be computed, ``"empty"`` when the filters left nothing to analyse (the reason is in
        ``error``); nothing is raised for those (see :mod:`analysis.report_status`).

    Raises:
        ReportError: Unknown report, bad parameter name, type or value (see
            :mod:`analysis._report_validate`), bad date, unsafe path or an output folder
            that cannot be written.

    Example:
        >>> result = run_report("sentiment", corpus="data/sample", parameters={"top": 10})
        >>> result.status, result.html_path
        ('ok', PosixPath('/.../reports/sample/2026-11-25/sentiment.html'))
    """
    return run_reports(
        [name],
        parameters=parameters,
        corpus=corpus,
        output_root=output_root,
        run_date=run_date,
        titles={name: title} if title else None,
        force=force,
        progress=progress,
        timeout=timeout,
        notebooks_dir=notebooks_dir,
        kernel_name=kernel_name,
        quiet=quiet,
        name=name_of_run,
        briefing=briefing,
        _strict=True,
    )[0]


def run_reports(
    names: Iterable[str] | Literal["all"] = "all",
    *,
    parameters: Mapping[str, Any] | None = None,
    per_report: Mapping[str, Mapping[str, Any]] | None = None,
    corpus: str | os.PathLike[str] | None = None,
    output_root: str | os.PathLike[str] = "reports",
    run_date: str | dt.date | None = None,
    titles: Mapping[str, str] | None = None,
    force: bool = False,
    progress: bool = True,
    timeout: float | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    kernel_name: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    quiet: bool = False,
    name: str | None = None,
    briefing: bool = True,
    jobs: int | None = None,
    _strict: bool = False,
) -> list[ReportResult]:
    """Run several reports; one failing does not stop the others.

    Every report is validated first (a ReportError stops everything before any kernel
    starts). ``parameters`` apply to each report that declares them; a name that no
    selected report declares is an error. ``per_report`` gives each report its own values
    (checked strictly) on top.

    Args:
        names: Report names, or ``"all"`` for :func:`available_reports`.
        parameters: Shared parameter values.
        per_report: ``{report: {parameter: value}}``.
        base_dir: Folder relative path parameters are resolved against (default: cwd).
        name: The run name: outputs go to ``<output_root>/<name>/<run date>/``; default a
            slug of the (first) corpus path. Runs of different names never overwrite each
            other; the same name on the same date is the same run (re-run or skipped).
        briefing: Write ``briefing.html`` (what changed since the previous run of this name,
            from ``run.json``) and put its summary at the top of each report.
        jobs: How many reports run at once (each in its own kernel); None: one more than
            the CPUs this process may use, at most 3 (:func:`default_jobs`). A failing
            report does not stop the others; results, records, ``run.json`` and the index
            are the same as in a run one after the other.
        **others: As for :func:`run_report`; ``titles`` maps report name to page title.

    Returns:
        One ReportResult per report, in order.

    Example:
        >>> results = run_reports("all", corpus="data/sample")
        >>> [r.status for r in results]
        ['ok', 'ok', 'ok']
    """
    folder = find_notebooks_dir(notebooks_dir)
    if isinstance(names, str):
        names = available_reports(notebooks_dir=folder) if names == "all" else [names]
    names = list(names)
    if not names:
        raise ReportError("no report to run: give report names or 'all'")
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ReportError(f"report(s) {dupes} listed twice; each report runs once per run date")
    root = _output_root(output_root)
    date = _check_run_date(run_date)
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise ReportError(f"timeout={timeout!r} is not valid; expected seconds > 0 or None")
        timeout = math.ceil(timeout)  # nbclient wants whole seconds
    base = Path(base_dir).resolve() if base_dir else Path.cwd()
    shared = dict(parameters or {})
    if corpus is not None and not _strict:  # like a shared parameter: for reports that take it
        shared["corpus"] = os.fspath(corpus)
        corpus = None
    plans = []
    for report in names:
        own = dict((per_report or {}).get(report, {}))
        plans.append(
            _plan(
                report,
                parameters=own if not _strict else {**shared, **own},
                defaults=None if _strict else shared,
                corpus=corpus,
                root=root,
                run_date=date,
                folder=folder,
                title=(titles or {}).get(report),
                base_dir=base,
                kernel_name=kernel_name,
                quiet=quiet,
            )
        )
    if shared and not _strict:
        used = set().union(*(read_parameters(p.notebook, report=p.name) for p in plans))
        unknown = sorted(set(shared) - used)
        if unknown:
            from analysis._report_params import unknown_parameter_error

            raise unknown_parameter_error(
                ", ".join(names), unknown[0], shared[unknown[0]], sorted(used)
            )
    check_writable(root)  # a one-line error before any kernel starts, not a traceback
    first = next((p for p in plans if p.corpus_path is not None), plans[0])
    run_name = check_run_name(name) if name is not None else run_name_for(first.corpus_path)
    for plan in plans:
        _place(plan, run_name)
    from analysis._runlog import running_as

    n_jobs = _check_jobs(jobs, len(plans))
    _start_renderer_warm_up(folder)
    with running_as(run_name):
        run = start_run(
            root,
            run_name,
            date,
            corpus=first.corpus_path,
            corpus_fingerprint=first.corpus_fingerprint,
            parameters=first.parameters,
            briefing=briefing,
            force=force,
            quiet=quiet,
        )
        for plan in plans:
            plan.section_html = run.section_html

        def execute(plan: _Plan) -> ReportResult:
            return _execute(
                plan,
                force=force,
                progress=progress,
                timeout=timeout,
                quiet=quiet,
                parallel=n_jobs > 1,
            )

        # the index after each report, so a long schedule shows progress
        results = _run_all(plans, execute, jobs=n_jobs, after_each=lambda: rebuild_index(root))
        finish_run(run, results)
        index = rebuild_index(root)
        say(f"index: {_show(index)}", quiet=quiet)
    return results


# --------------------------------------------------------------------------- parallel

#: The most reports :func:`default_jobs` runs at once (each kernel holds the corpus and
#: its annotations in memory).
MAX_DEFAULT_JOBS = 3


def default_jobs(n_reports: int) -> int:
    """How many of ``n_reports`` reports run at once by default: one more than the CPUs this
    process may use (its affinity mask, so a container's or ``taskset``'s limit counts)
    when there are two or more, else one; at most :data:`MAX_DEFAULT_JOBS` and at most
    ``n_reports``. The extra report keeps the CPUs busy while the others start their
    kernels or wait for the runner to write their pages (on 2 cores the BBC suite took
    20 s with 3 at once against 23-26 s with 2, with another job on the machine).

    Example:
        >>> default_jobs(3)  # on a 2-core machine
        3
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    wanted = cpus + 1 if cpus >= 2 else 1
    return max(1, min(n_reports, wanted, MAX_DEFAULT_JOBS))


def _start_renderer_warm_up(resources_dir: Path) -> None:
    """Warm nbconvert up in a daemon thread (see :func:`warm_up_renderer`): the runner waits
    on its kernels meanwhile, and the first report's page is then rendered at once."""
    import contextlib
    import threading

    from analysis._report_files import warm_up_renderer

    def warm() -> None:
        # only a head start: a real failure shows when a page is rendered
        with contextlib.suppress(Exception):
            warm_up_renderer(resources_dir)

    threading.Thread(target=warm, name="newsdesk-warm-up", daemon=True).start()


def _check_jobs(jobs: Any, n_reports: int) -> int:
    if jobs is None:
        return default_jobs(n_reports)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ReportError(f"jobs={jobs!r} is not valid; expected a whole number >= 1 or None")
    return min(jobs, n_reports)


def _run_all(
    plans: Sequence[_Plan],
    execute: Any,
    *,
    jobs: int,
    after_each: Any,
) -> list[ReportResult]:
    """``execute(plan)`` for every plan, ``jobs`` at a time; results in the plans' order.

    With ``jobs > 1`` the reports run in worker threads (each waits on its own kernel
    process, so the threads cost no CPU), started in the plans' order. A report whose
    notebook fails is a ``failed`` result, as one after the other; an exception that
    escapes ``execute`` (a disk error writing the record) does not stop the reports
    already running or queued, and the first one is raised when all have finished.
    ``after_each`` runs in the calling thread after each report. On Ctrl-C no further
    report starts; the threads are daemons, and the kernels they wait on end with this
    process (ipykernel watches its parent), leaving temporaries the next run removes.
    """
    if jobs <= 1:
        results = []
        for plan in plans:
            results.append(execute(plan))
            after_each()
        return results
    import queue
    import threading

    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(plans)):
        todo.put(i)
    done: queue.SimpleQueue[int] = queue.SimpleQueue()
    out: list[ReportResult | None] = [None] * len(plans)
    errors: list[BaseException | None] = [None] * len(plans)
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            try:
                out[i] = execute(plans[i])
            except BaseException as exc:  # handed to the calling thread
                errors[i] = exc
            done.put(i)

    threads = [
        threading.Thread(target=worker, name=f"newsdesk-report-{k + 1}", daemon=True)
        for k in range(jobs)
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in plans:
            while True:
                try:
                    done.get(timeout=0.5)  # a timeout: Ctrl-C is seen at once
                    break
                except queue.Empty:
                    continue
            after_each()
    except BaseException:
        stop.set()
        raise
    for thread in threads:
        thread.join()
    for error in errors:
        if error is not None:
            raise error
    return [r for r in out if r is not None]


def format_summary(results: Sequence[ReportResult]) -> str:
    """A plain-text table of results: name, status, seconds, output path, first error line.

    Example:
        >>> print(format_summary(results))
        report     status  seconds  output                            error
        sentiment  ok          8.2  reports/sample/2026-11-25/sentiment.html
    """
    rows = [("report", "status", "seconds", "output", "error")]
    for r in results:
        out = r.html_path or r.notebook_path or r.record_path
        rows.append((r.name, r.status, f"{r.seconds:.1f}", _show(out), r.error or ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2])]
        cells += [row[3].ljust(widths[3]), row[4]]
        lines.append("  ".join(cells).rstrip())
    ok = sum(r.status == "ok" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    failed = sum(r.status == "failed" for r in results)
    empty = sum(r.status == "empty" for r in results)
    lines.append(
        f"{ok} ok, {skipped} up to date, {failed} failed" + (f", {empty} empty" if empty else "")
    )
    return "\n".join(lines)


def rebuild_index(output_root: str | os.PathLike[str] = "reports") -> Path:
    """Rewrite ``output_root/index.html`` listing every run recorded under it.

    Example:
        >>> rebuild_index("reports")
        PosixPath('/.../reports/index.html')
    """
    from filelock import FileLock

    from analysis._report_index import render_index

    root = _output_root(output_root)
    root.mkdir(parents=True, exist_ok=True)
    mark_output_root(root)  # a corpus walk over a folder holding it leaves it out
    index = root / _INDEX
    with FileLock(root / ".index.lock"):  # scan and write together: no stale index wins
        clean_stale_temporaries(root)
        atomic_write(index, render_index(scan_runs(root)))
    return index
