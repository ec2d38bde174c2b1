"""Run the report notebooks with papermill and publish them as HTML without code.

Each report is a notebook ``notebooks/<name>.ipynb`` with one cell tagged ``parameters``
holding type-annotated defaults (``top: int = 20``). :func:`run_report` checks the
parameters against that cell *before* a kernel starts, executes the notebook with the
notebooks folder as working directory, and writes to ``<output_root>/<run name>/<run date>/``
(the run name is ``name=``, or a slug of the corpus path; see :mod:`analysis.reports._runs`):

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
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from analysis._runlog import running_as, say
from analysis.corpus._walk import mark_output_root
from analysis.reports._execute import ReportResult, _execute, _show
from analysis.reports._files import atomic_write
from analysis.reports._fs import check_writable, clean_stale_temporaries
from analysis.reports._parallel import _check_jobs, _run_all, _start_renderer_warm_up, default_jobs
from analysis.reports._params import ReportParameter
from analysis.reports._plan import (
    REPORTS,
    _check_run_date,
    _output_root,
    _place,
    _Plan,
    available_reports,
    check_names,
    check_timeout,
    find_notebooks_dir,
    plan_reports,
    report_parameters,
)
from analysis.reports._runs import check_run_name, finish_run, run_name_for, scan_runs, start_run

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

_INDEX = "index.html"


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
        ``error``); nothing is raised for those (see :mod:`analysis.reports.status`).

    Raises:
        ReportError: Unknown report, bad parameter name, type or value (see
            :mod:`analysis.reports._param_checks`), bad date, unsafe path or an output folder
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
    names = check_names(names, folder)
    root = _output_root(output_root)
    date = _check_run_date(run_date)
    timeout = check_timeout(timeout)
    shared = dict(parameters or {})
    if corpus is not None and not _strict:  # like a shared parameter: for reports that take it
        shared["corpus"] = os.fspath(corpus)
        corpus = None
    plans = plan_reports(
        names,
        shared=shared,
        per_report=per_report,
        strict=_strict,
        corpus=corpus,
        root=root,
        run_date=date,
        folder=folder,
        base_dir=Path(base_dir).resolve() if base_dir else Path.cwd(),
        kernel_name=kernel_name,
        quiet=quiet,
        titles=titles or {},
    )
    check_writable(root)  # a one-line error before any kernel starts, not a traceback
    first = next((p for p in plans if p.corpus_path is not None), plans[0])
    run_name = check_run_name(name) if name is not None else run_name_for(first.corpus_path)
    for plan in plans:
        _place(plan, run_name)
    n_jobs = _check_jobs(jobs, len(plans))
    _start_renderer_warm_up(folder)
    return _run_planned(
        plans, root, run_name, date, briefing=briefing, force=force, progress=progress,
        timeout=timeout, quiet=quiet, jobs=n_jobs,
    )  # fmt: skip


def _run_planned(
    plans: list[_Plan],
    root: Path,
    run_name: str,
    date: str,
    *,
    briefing: bool,
    force: bool,
    progress: bool,
    timeout: int | None,
    quiet: bool,
    jobs: int = 1,
) -> list[ReportResult]:
    """Run the placed plans as one run, ``jobs`` at a time: its briefing first, the index
    after each report."""
    first = next((p for p in plans if p.corpus_path is not None), plans[0])
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
                parallel=jobs > 1,
            )

        # the index after each report, so a long schedule shows progress
        results = _run_all(plans, execute, jobs=jobs, after_each=lambda: rebuild_index(root))
        finish_run(run, results)
        index = rebuild_index(root)
        say(f"index: {_show(index)}", quiet=quiet)
    return results


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

    from analysis.reports._index import render_index

    root = _output_root(output_root)
    root.mkdir(parents=True, exist_ok=True)
    mark_output_root(root)  # a corpus walk over a folder holding it leaves it out
    index = root / _INDEX
    with FileLock(root / ".index.lock"):  # scan and write together: no stale index wins
        clean_stale_temporaries(root)
        atomic_write(index, render_index(scan_runs(root)))
    return index
