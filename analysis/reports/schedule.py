"""Run a list of reports described in a YAML schedule file (for cron or systemd timers).

A schedule file::

    # relative paths in this file are relative to the file's own folder
    name: daily                      # optional run name; default: the file name (daily)
    output_root: ../reports          # optional; default: reports/ beside this file
    defaults:                        # optional; given to every report that declares them
      corpus: ../data/sample
    reports:
      - name: term_frequency
        parameters: {top: 30}
      - name: entity_cooccurrence
      - name: sentiment
        title: Sentiment this week
        parameters: {window: 7d}

Keys: ``name`` (the run name: outputs go to ``<output_root>/<name>/<date>/``; default the
file's name without extension), ``output_root`` (str), ``notebooks_dir`` (str), ``defaults`` (mapping),
``columns`` (mapping of field to table column, e.g. ``{category: section}``; given to every
report as the ``columns`` parameter), ``on_failure`` (a shell command run with the run's
summary on stdin when a report failed or the run was empty, e.g. a mail or webhook
command), ``reports`` (non-empty list of mappings with ``name`` and optional ``title``,
``parameters``; a bare report name is accepted too).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import NewsdeskError, ReportError
from analysis.reports._param_checks import validate_parameters
from analysis.reports._runs import check_run_name, run_name_for
from analysis.reports.runner import ReportResult, report_parameters, run_reports

__all__ = ["Schedule", "ScheduledReport", "load_schedule", "run_schedule"]

_TOP_KEYS = (
    "name",
    "output_root",
    "notebooks_dir",
    "defaults",
    "columns",
    "on_failure",
    "reports",
)
_ENTRY_KEYS = ("name", "title", "parameters")


@dataclass(frozen=True)
class ScheduledReport:
    """One ``reports:`` entry."""

    name: str
    title: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule file; paths are absolute."""

    path: Path
    reports: tuple[ScheduledReport, ...]
    defaults: dict[str, Any] = field(default_factory=dict)
    output_root: Path | None = None
    notebooks_dir: Path | None = None
    name: str | None = None
    on_failure: str | None = None


def _fail(path: Path, where: str, message: str) -> ReportError:
    return ReportError(f"{path}: {where}: {message}")


def _check_keys(path: Path, where: str, data: Mapping[Any, Any], allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise _fail(path, where, f"unknown field {key!r}{hint} (valid: {', '.join(allowed)})")


def _mapping(path: Path, where: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(
            path, where, f"expected a mapping of name: value, got {type(value).__name__} {value!r}"
        )
    for key in value:
        if not isinstance(key, str):
            raise _fail(path, where, f"parameter names must be strings, got {key!r}")
    return dict(value)


def _folder(path: Path, where: str, value: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, f"expected a folder path (string), got {value!r}")
    return (path.parent / Path(value).expanduser()).resolve()


def load_schedule(path: str | os.PathLike[str]) -> Schedule:
    """Read and validate a schedule file.

    Raises:
        ReportError: The file is missing, not YAML, or breaks the schema; the message names
            the file, the entry index and the field.

    Example:
        >>> [r.name for r in load_schedule("schedules/daily.yml").reports]
        ['term_frequency', 'entity_cooccurrence', 'sentiment']
    """
    import yaml

    file = Path(path).expanduser().resolve()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(
            f"schedule file {str(path)!r} cannot be read: {exc.strerror or exc}"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReportError(f"{file}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise _fail(
            file,
            "top level",
            f"expected a mapping with a 'reports' list, got {type(data).__name__}",
        )
    _check_keys(file, "top level", data, _TOP_KEYS)
    entries = data.get("reports")
    if not isinstance(entries, list) or not entries:
        raise _fail(file, "reports", f"expected a non-empty list of reports, got {entries!r}")
    reports: list[ScheduledReport] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        where = f"reports[{i}]"
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, Mapping):
            raise _fail(
                file, where, f"expected a mapping with 'name', got {type(entry).__name__} {entry!r}"
            )
        _check_keys(file, where, entry, _ENTRY_KEYS)
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise _fail(file, f"{where}.name", f"expected a report name (string), got {name!r}")
        if name in seen:
            raise _fail(
                file, f"{where}.name", f"report {name!r} is already listed at reports[{seen[name]}]"
            )
        seen[name] = i
        title = entry.get("title")
        if title is not None and not isinstance(title, str):
            raise _fail(file, f"{where}.title", f"expected a string, got {title!r}")
        params = _mapping(file, f"{where}.parameters", entry.get("parameters"))
        reports.append(ScheduledReport(name=name, title=title, parameters=params))
    name = data.get("name")
    if name is not None:
        try:
            check_run_name(name)
        except ReportError as exc:
            raise _fail(file, "name", str(exc)) from None
    defaults = _mapping(file, "defaults", data.get("defaults"))
    columns = _mapping(file, "columns", data.get("columns"))
    if columns:
        from analysis.analyses.metadata import parse_column_mapping

        try:
            defaults["columns"] = parse_column_mapping(f"{k}={v or ''}" for k, v in columns.items())
        except NewsdeskError as exc:
            raise _fail(file, "columns", str(exc)) from None
    on_failure = data.get("on_failure")
    if on_failure is not None and (not isinstance(on_failure, str) or not on_failure.strip()):
        raise _fail(file, "on_failure", f"expected a shell command (string), got {on_failure!r}")
    return Schedule(
        path=file,
        name=name,
        reports=tuple(reports),
        on_failure=on_failure,
        defaults=defaults,
        output_root=_folder(file, "output_root", data.get("output_root")),
        notebooks_dir=_folder(file, "notebooks_dir", data.get("notebooks_dir")),
    )


def run_schedule(
    path: str | os.PathLike[str],
    *,
    output_root: str | os.PathLike[str] | None = None,
    run_date: str | dt.date | None = None,
    force: bool = False,
    progress: bool = True,
    timeout: float | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    quiet: bool = False,
    name: str | None = None,
    briefing: bool = True,
    jobs: int | None = None,
) -> list[ReportResult]:
    """Run every report of a schedule file; a failing report does not stop the others.

    Relative paths inside the file (``output_root``, ``notebooks_dir``, path parameters such
    as ``corpus``) are resolved against the file's folder, so cron can start it from anywhere.
    ``output_root``/``notebooks_dir`` arguments override the file (relative to the cwd).
    The run name is ``name``, else the file's ``name:``, else the file name without its
    extension (``daily.yml`` -> ``daily``): outputs go to ``<output_root>/<name>/<date>/``
    and ``briefing.html`` there says what changed since the previous run of that name.
    ``jobs`` reports run at once (see :func:`analysis.reports.runner.run_reports`).

    Example:
        >>> results = run_schedule("schedules/daily.yml")
        >>> all(r.ok for r in results)
        True
    """
    schedule = load_schedule(path)
    folder = notebooks_dir or schedule.notebooks_dir
    for i, entry in enumerate(schedule.reports):  # name the entry in parameter errors
        try:
            declared = report_parameters(entry.name, notebooks_dir=folder)
        except ReportError as exc:
            raise _fail(schedule.path, f"reports[{i}].name", str(exc)) from None
        try:
            validate_parameters(entry.name, entry.parameters, declared)
        except ReportError as exc:
            raise _fail(schedule.path, f"reports[{i}].parameters", str(exc)) from None
    root = (
        output_root
        if output_root is not None
        else schedule.output_root or (schedule.path.parent / "reports")
    )
    from analysis._runlog import running_as

    run_name = name or schedule.name or run_name_for(schedule.path.with_suffix(""))
    try:
        with running_as(run_name):
            results = run_reports(
                [r.name for r in schedule.reports],
                parameters=schedule.defaults,
                per_report={r.name: r.parameters for r in schedule.reports},
                titles={r.name: r.title for r in schedule.reports if r.title},
                output_root=root,
                run_date=run_date,
                force=force,
                progress=progress,
                timeout=timeout,
                notebooks_dir=folder,
                base_dir=schedule.path.parent,
                quiet=quiet,
                name=run_name,
                briefing=briefing,
                jobs=jobs,
            )
    except ReportError as exc:
        raise ReportError(f"{schedule.path}: {exc}") from None
    if schedule.on_failure:
        from analysis.reports._notify import notify_failure

        notify_failure(schedule.on_failure, results, schedule=schedule.path, quiet=quiet)
    return results
