"""Private: runs that keep their history — run names, run records and the run's briefing.

Layout under the output root::

    <root>/<run name>/<run date>/<report>.{html,ipynb,json}   one report of one run
    <root>/<run name>/<run date>/run.json                     what the run saw (this module)
    <root>/<run name>/<run date>/briefing.html                what changed since the last run
    <root>/index.html                                         every run, grouped by run name

The run name is given (``--name``, a schedule's ``name:``) or derived from the corpus
path (:func:`run_name_for`), so a run on the sample corpus and one on the BBC folder on
the same day never share a folder. ``run.json`` records the corpus fingerprint, the
documents' ``doc_id`` values and their period; the next run of the same name on a later
date compares the corpus with it to say what is new.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
import traceback
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis._runlog import say
from analysis.errors import ReportError
from analysis.reports._files import atomic_write, load_record
from analysis.reports.status import most_serious

RUN_RECORD = "run.json"
BRIEFING_PAGE = "briefing.html"
_SECTION_FILE = ".briefing_section.html"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Bumped when what the briefing computes changes, so a same-day re-run recomputes it.
BRIEFING_VERSION = 1


def run_name_for(corpus: str | Path | None) -> str:
    """A run name from a corpus path: its last component, lower-cased, ``[a-z0-9_-]`` only.

    ``data/sample`` -> ``sample``; ``exports/BBC News.csv`` -> ``bbc-news``.

    Example:
        >>> run_name_for("/work/shared/corpora/bbc_rss/bbc_news.csv")
        'bbc_news'
    """
    if corpus is None:
        return "default"
    path = Path(corpus)
    stem = path.stem if path.suffix and not path.is_dir() else path.name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_stem.lower()).strip("-_")
    slug = slug[:64] or "corpus"
    return f"corpus-{slug}"[:64] if _DATE_RE.match(slug) else slug  # not a date folder


def check_run_name(name: Any) -> str:
    """``name`` when it is a safe folder name, else a ReportError saying what is valid."""
    if not isinstance(name, str) or not _NAME_RE.match(name) or name in {".", ".."}:
        raise ReportError(
            f"run name {name!r} is not valid; use 1-64 lower-case letters, digits, '_', '-' "
            "or '.', starting with a letter or digit (e.g. 'bbc-daily')"
        )
    if _DATE_RE.match(name):
        raise ReportError(f"run name {name!r} looks like a date; choose a name, e.g. 'daily'")
    return name


# --------------------------------------------------------------------------- records


def previous_run(root: Path, name: str, run_date: str) -> dict[str, Any] | None:
    """The newest run record of ``name`` from a date before ``run_date`` (None: first run)."""
    folder = root / name
    if not folder.is_dir():
        return None
    for day in sorted(folder.iterdir(), reverse=True):
        if not _DATE_RE.match(day.name) or day.name >= run_date or day.is_symlink():
            continue
        record = load_record(day / RUN_RECORD)
        if record and isinstance(record.get("doc_ids"), list):
            record["_dir"] = day.name
            return record
    return None


def scan_runs(root: Path) -> list[dict[str, Any]]:
    """Every run under ``root``: one dict per (run name, date) with its report records.

    Folders from before run names (``<root>/<date>/``) are listed under the name ``""``.
    """
    runs: list[dict[str, Any]] = []
    if not root.is_dir():
        return runs
    for top in sorted(root.iterdir()):
        if not top.is_dir() or top.is_symlink() or top.name.startswith("."):
            continue
        if _DATE_RE.match(top.name):  # the layout before run names
            runs.append(_scan_day(top, name="", rel=top.name))
            continue
        if not _NAME_RE.match(top.name):
            continue
        for day in sorted(top.iterdir()):
            if day.is_dir() and not day.is_symlink() and _DATE_RE.match(day.name):
                runs.append(_scan_day(day, name=top.name, rel=f"{top.name}/{day.name}"))
    return [r for r in runs if r["reports"] or r["run"]]


def _scan_day(day: Path, *, name: str, rel: str) -> dict[str, Any]:
    reports = []
    for path in sorted(day.glob("*.json")):
        if path.name == RUN_RECORD or not re.match(r"^[a-z][a-z0-9_]*$", path.stem):
            continue
        if (record := load_record(path)) is not None:
            record["_name"] = path.stem
            reports.append(record)
    run = load_record(day / RUN_RECORD) or {}
    run.pop("doc_ids", None)  # the index needs the counts, not the ids
    order = [r.get("report") for r in run.get("reports") or [] if isinstance(r, dict)]
    reports.sort(key=lambda r: order.index(r["_name"]) if r["_name"] in order else len(order))
    return {"name": name, "date": day.name, "rel": rel, "reports": reports, "run": run}


# --------------------------------------------------------------------------- the run


@dataclass
class RunContext:
    """What one run of reports shares: its folder, the briefing and the run record."""

    root: Path
    name: str
    run_date: str
    out_dir: Path
    corpus: Path | None
    corpus_fingerprint: str | None
    started: str = ""
    section_html: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    t0: float = 0.0


def start_run(
    root: Path,
    name: str,
    run_date: str,
    *,
    corpus: Path | None,
    corpus_fingerprint: str | None,
    parameters: Mapping[str, Any],
    briefing: bool,
    force: bool,
    quiet: bool,
) -> RunContext:
    """Load the corpus once, compare it with the previous run and write ``briefing.html``.

    Never raises for a bad corpus: the error goes into the run record and the reports
    run as before (they report the problem themselves).
    """
    out_dir = root / name / run_date
    ctx = RunContext(
        root=root,
        name=name,
        run_date=run_date,
        out_dir=out_dir,
        corpus=corpus,
        corpus_fingerprint=corpus_fingerprint,
        started=dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        t0=time.perf_counter(),
    )
    ctx.record = {
        "name": name,
        "run_date": run_date,
        "corpus": str(corpus) if corpus else None,
        "corpus_fingerprint": corpus_fingerprint,
        "started": ctx.started,
    }
    if corpus is None:
        return ctx
    from filelock import FileLock

    out_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(out_dir / ".run.lock"):  # two runs of one name at once: one computes
        _start_locked(ctx, parameters, briefing=briefing, force=force, quiet=quiet)
    return ctx


def _start_locked(
    ctx: RunContext, parameters: Mapping[str, Any], *, briefing: bool, force: bool, quiet: bool
) -> None:
    out_dir, corpus_fingerprint = ctx.out_dir, ctx.corpus_fingerprint
    old = load_record(out_dir / RUN_RECORD)
    section = out_dir / _SECTION_FILE
    if (
        not force
        and old
        and old.get("corpus_fingerprint") == corpus_fingerprint
        and old.get("briefing_version") == (BRIEFING_VERSION if briefing else None)
        and (not briefing or (section.is_file() and (out_dir / BRIEFING_PAGE).is_file()))
        and isinstance(old.get("doc_ids"), list)
    ):  # the same corpus as this run's earlier pass today: nothing to recompute
        ctx.record.update({k: v for k, v in old.items() if k not in ctx.record})
        ctx.section_html = section.read_text(encoding="utf-8") if briefing else ""
        return
    try:
        _look_at_corpus(ctx, parameters, briefing=briefing, quiet=quiet)
    except Exception as exc:  # the reports still run; the record says what went wrong
        message = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
        ctx.record["briefing_error"] = message
        if not quiet:
            say(f"briefing: FAILED: {message}", err=True)
            traceback.print_exc(limit=3, file=sys.stderr)


def _look_at_corpus(
    ctx: RunContext, parameters: Mapping[str, Any], *, briefing: bool, quiet: bool
) -> None:
    """Record what the run sees (ids, period); with ``briefing``, write the briefing too."""
    from analysis.analyses.metadata import load_report_corpus
    from analysis.analyses.timespan import chart_span

    t0 = time.perf_counter()
    corpus = load_report_corpus(  # as the reports of this run load it: once, from the snapshot
        ctx.corpus,
        cache_dir=parameters.get("cache_dir") or None,
        columns=parameters.get("columns") or None,
        url_section=parameters.get("url_section") or None,
    )
    corpus = corpus[~corpus["is_duplicate"].astype(bool)].reset_index(drop=True)
    previous = previous_run(ctx.root, ctx.name, ctx.run_date)
    dated = corpus["published"].dropna()
    span = chart_span(corpus)[1]  # the period the time charts show (stray end dates left out)
    ctx.record.update(
        {
            "n_docs": len(corpus),
            "n_dated": len(dated),
            "period": [
                span.start.date().isoformat() if span.start is not None else None,
                span.end.date().isoformat() if span.end is not None else None,
            ],
            "period_all": [
                dated.min().date().isoformat() if len(dated) else None,
                dated.max().date().isoformat() if len(dated) else None,
            ],
            "period_left_out": span.left_out,
            "previous_run": previous.get("_dir") if previous else None,
        }
    )
    if previous:
        seen = set(map(str, previous["doc_ids"]))
        ctx.record["n_new"] = int((~corpus["doc_id"].astype(str).isin(seen)).sum())
    ctx.record["doc_ids"] = sorted(map(str, corpus["doc_id"]))
    if briefing:
        from analysis.analyses.briefing import build_briefing
        from analysis.reports._briefing_html import briefing_page, briefing_section

        result = build_briefing(
            corpus,
            previous_ids=previous.get("doc_ids") if previous else None,
            previous_date=previous.get("_dir") if previous else None,
            cache_dir=parameters.get("cache_dir") or None,
            progress=False,
        )
        page = briefing_page(result, run_name=ctx.name, run_date=ctx.run_date)
        atomic_write(ctx.out_dir / BRIEFING_PAGE, page)
        ctx.section_html = briefing_section(result, briefing_href=BRIEFING_PAGE)
        atomic_write(ctx.out_dir / _SECTION_FILE, ctx.section_html)
        ctx.record.update(
            briefing=BRIEFING_PAGE,
            briefing_version=BRIEFING_VERSION,
            briefing_headline=result.headline,
            n_new=int(result.n_new),
        )
        say(f"briefing: {result.headline} ({time.perf_counter() - t0:.1f} s)", quiet=quiet)


def finish_run(ctx: RunContext, results: Sequence[Any]) -> None:
    """Write ``run.json``: what the run saw and how each report went."""
    if not ctx.out_dir.is_dir():
        return
    reports = [
        {
            "report": r.name,
            "status": r.status,
            "title": r.title,
            "html": r.html_path.name if r.html_path else None,
        }
        for r in results
    ]
    ctx.record["reports"] = reports
    ctx.record["status"] = most_serious(r.status for r in results)
    ctx.record["seconds"] = round(time.perf_counter() - ctx.t0, 2)
    if "doc_ids" in ctx.record:  # last: the long list after the fields a reader looks at
        ctx.record["doc_ids"] = ctx.record.pop("doc_ids")
    from filelock import FileLock

    with FileLock(ctx.out_dir / ".run.lock"):
        atomic_write(
            ctx.out_dir / RUN_RECORD, json.dumps(ctx.record, indent=1, ensure_ascii=False) + "\n"
        )


def insert_section(page: str, section: str) -> str:
    """``page`` (a rendered report) with ``section`` as the first thing in its body."""
    if not section:
        return page
    match = re.search(r"<main[^>]*>", page) or re.search(r"<body[^>]*>", page)
    if not match:
        return section + page
    return page[: match.end()] + "\n" + section + "\n" + page[match.end() :]
