"""Private: planning a run of reports, before any kernel starts.

Finding the notebooks, reading and checking each report's parameters (paths made
absolute), the run date, the output folders (checked to stay inside the output root) and
what an up-to-date check compares: one :class:`_Plan` per report.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import ReportError
from analysis.reports._files import fingerprint_path, kernel_for, sha_file
from analysis.reports._param_checks import unknown_parameter_error, validate_parameters
from analysis.reports._params import ReportParameter, read_parameters

#: The report notebooks, in the order ``--all`` runs them (when they exist).
REPORTS: tuple[str, ...] = ("term_frequency", "entity_cooccurrence", "sentiment")
#: Notebooks in the notebooks folder that are not reports.
NOT_REPORTS = frozenset({"explore"})
#: Parameters holding a path: a relative value is resolved against the caller's folder.
PATH_PARAMETERS = frozenset({"corpus", "cache_dir", "aliases", "sidecar", "output_dir"})
#: A notebook parameter that, when declared and not given, receives the run folder (for
#: files a report writes beside its HTML, e.g. the entity network).
OUTPUT_DIR_PARAMETER = "output_dir"


_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
        Path(chosen).expanduser() if chosen else Path(__file__).resolve().parents[2] / "notebooks"
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


def check_names(names: Iterable[str] | str, folder: Path) -> list[str]:
    """The reports to run: ``"all"``, one name or several, each once."""
    if isinstance(names, str):
        names = available_reports(notebooks_dir=folder) if names == "all" else [names]
    names = list(names)
    if not names:
        raise ReportError("no report to run: give report names or 'all'")
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ReportError(f"report(s) {dupes} listed twice; each report runs once per run date")
    return names


def check_timeout(timeout: Any) -> int | None:
    """Seconds per cell as nbclient wants them (whole), or None for no limit."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ReportError(f"timeout={timeout!r} is not valid; expected seconds > 0 or None")
    return math.ceil(timeout)


def plan_reports(
    names: list[str],
    *,
    shared: dict[str, Any],
    per_report: Mapping[str, Mapping[str, Any]] | None,
    strict: bool,
    titles: Mapping[str, str],
    **common: Any,
) -> list[_Plan]:
    """One plan per report. Not ``strict``: ``shared`` values go to the reports declaring
    them, and a name none declares is an error; ``strict``: every report gets them all.
    ``common``: the other keyword arguments of :func:`_plan`."""
    plans = []
    for report in names:
        own = dict((per_report or {}).get(report, {}))
        plans.append(
            _plan(
                report,
                parameters=own if not strict else {**shared, **own},
                defaults=None if strict else shared,
                title=titles.get(report),
                **common,
            )
        )
    if shared and not strict:
        used = set().union(*(read_parameters(p.notebook, report=p.name) for p in plans))
        unknown = sorted(set(shared) - used)
        if unknown:
            raise unknown_parameter_error(
                ", ".join(names), unknown[0], shared[unknown[0]], sorted(used)
            )
    return plans
