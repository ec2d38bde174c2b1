"""Safe, readable HTML output for report notebooks: tables, figures with alt text, messages.

Article titles and text are untrusted: everything shown is escaped (the ``*_html``
builders of :mod:`analysis.reports._html`, re-exported here), so a title such as
``<script>alert(1)</script>`` appears as text, never as markup. Notebooks render through
these helpers only (never Markdown built from article text).

The ``*_html`` functions return :class:`Html` (a ``str`` that Jupyter displays as HTML); the
``show_*`` functions display it in the running notebook; :func:`report_section` runs one
section and :func:`report_header` / :func:`report_footer` frame a report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import platform
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from typing import Any, Literal

import pandas as pd

from analysis.reports._html import (
    _STYLE,
    Html,
    _esc,
    figure_html,
    file_link_html,
    heading_html,
    kwic_html,
    message_html,
    table_html,
)
from analysis.reports.status import record_section

__all__ = [
    "Html",
    "figure_html",
    "file_link_html",
    "heading_html",
    "kwic_html",
    "message_html",
    "report_footer",
    "report_header",
    "report_section",
    "require_documents",
    "show",
    "show_figure",
    "show_heading",
    "show_kwic",
    "show_message",
    "show_table",
    "table_html",
]


def show(block: str) -> None:
    """Display an :class:`Html` block (or any already-escaped HTML string) in the notebook."""
    from IPython.display import HTML, display

    display(HTML(str(block)))


# --------------------------------------------------------------------------------------- tables


def show_table(
    df: pd.DataFrame,
    *,
    max_rows: int | None = 20,
    max_colwidth: int | None = 80,
    caption: str | None = None,
    index: bool = False,
    float_digits: int = 3,
    columns: Sequence[str] | None = None,
    empty: str | None = None,
) -> None:
    """Display :func:`table_html`; when ``df`` is empty and ``empty`` is given, that message.

    Example:
        >>> show_table(pairs, max_rows=15, caption="Top pairs", empty="No pairs found.")
    """
    if len(df) == 0 and empty is not None:
        show_message(empty)
        return
    show(
        table_html(
            df,
            max_rows=max_rows,
            max_colwidth=max_colwidth,
            caption=caption,
            index=index,
            float_digits=float_digits,
            columns=columns,
        )
    )


# -------------------------------------------------------------------------------------- figures


def show_figure(fig: Any, *, alt: str, caption: str | None = None, dpi: int = 110) -> None:
    """Display :func:`figure_html` (and close the figure so it is not shown twice).

    Example:
        >>> show_figure(fig, alt="Weekly mentions of the top five entities")
    """
    show(figure_html(fig, alt=alt, caption=caption, dpi=dpi))


# ------------------------------------------------------------------------------------- messages


def show_message(text: str, *, kind: Literal["info", "warning", "error"] = "info") -> None:
    """Display :func:`message_html`.

    Example:
        >>> show_message("No entity pairs occur at least 2 times.")
    """
    show(message_html(text, kind=kind))


def show_heading(text: str, *, level: int = 2) -> None:
    """Display :func:`heading_html`."""
    show(heading_html(text, level=level))


def require_documents(corpus: pd.DataFrame) -> None:
    """Raise :class:`~analysis.errors.AnalysisInputError` when ``corpus`` has no rows.

    Inside :func:`report_section` this ends a section quietly when nothing was selected.

    Example:
        >>> with report_section(docs):
        ...     require_documents(docs)
    """
    from analysis.errors import AnalysisInputError

    if len(corpus) == 0:
        raise AnalysisInputError("no documents match the selected filters")


@contextlib.contextmanager
def report_section(corpus: pd.DataFrame | None = None) -> Iterator[None]:
    """Run one report section; a :class:`~analysis.errors.NewsdeskError` becomes a message.

    When ``corpus`` is given and empty, the section shows "no documents" once and any
    error from analysing nothing is not shown. Other exceptions (bugs) propagate.

    Example:
        >>> with report_section(docs):
        ...     show_table(term_frequencies(docs, top=20))
    """
    from analysis.errors import NewsdeskError, NoDatesError

    empty = corpus is not None and len(corpus) == 0
    if empty:
        show_message("Nothing to show: no documents match the selected filters.")
    try:
        yield
    except NewsdeskError as exc:
        if not empty:
            if isinstance(exc, NoDatesError):  # a normal state of a corpus: said plainly
                reason = str(exc).split("(): ", 1)[-1]
                show_message(
                    f"Not shown: the selected documents have no publication dates ({reason})."
                )
            else:
                show_message(f"This section could not be computed: {exc}", kind="warning")
            record_section("not_computed", str(exc))
            return
    record_section("empty" if empty else "ok")


# ----------------------------------------------------------------------------------------- KWIC


def show_kwic(hits: pd.DataFrame, **kwargs: Any) -> None:
    """Display :func:`kwic_html`; see there for the options."""
    show(kwic_html(hits, **kwargs))


# --------------------------------------------------------------------------------------- header


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _fmt_param(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_fmt_param(v) for v in value) + "]"
    return str(value)


def _date_span(corpus: pd.DataFrame | None) -> str:
    if corpus is None or "published" not in corpus or len(corpus) == 0:
        return "no documents"
    published = pd.to_datetime(corpus["published"], errors="coerce", utc=True)
    n_undated = int(published.isna().sum())
    if published.notna().sum() == 0:
        return "no dated documents"
    span = f"{published.min():%Y-%m-%d} to {published.max():%Y-%m-%d}"
    if n_undated:
        span += f" ({n_undated:,} undated)"
    return span


def _load_summary(load_report: Any) -> tuple[str | None, str | None]:
    """(summary line, fingerprint) from a LoadReport-like object or a mapping."""
    if load_report is None:
        return None, None
    if isinstance(load_report, Mapping):
        counts = load_report.get("counts", load_report)
        fingerprint = load_report.get("fingerprint")
        summary = load_report.get("summary")
    else:
        counts = getattr(load_report, "counts", None)
        fingerprint = getattr(load_report, "fingerprint", None)
        summary = getattr(load_report, "summary", None)
        summary = summary() if callable(summary) else summary
    if not summary and isinstance(counts, Mapping):
        summary = ", ".join(
            f"{k.replace('_', ' ')}: {v:,}" if isinstance(v, int) else f"{k.replace('_', ' ')}: {v}"
            for k, v in counts.items()
        )
    return (str(summary) if summary else None), (str(fingerprint) if fingerprint else None)


def report_header(
    *,
    title: str,
    parameters: Mapping[str, Any] | None = None,
    corpus: pd.DataFrame | None = None,
    load_report: Any = None,
    annotations: Any = None,
    started: dt.datetime | pd.Timestamp | None = None,
    description: str | None = None,
    packages: Sequence[str] = ("pandas", "spacy", "vaderSentiment", "networkx"),
) -> Html:
    """The block at the top of every report: what was analysed, how, with which versions.

    Args:
        title: the report title.
        parameters: the notebook's parameters (shown as ``name = value``).
        corpus: the analysed (filtered) documents; its ``attrs["filter"]`` (from
            :func:`analysis.analyses.filters.filter_corpus`) is summarised.
        load_report: the :class:`LoadReport` of the loaded corpus (or a mapping with
            ``counts``/``fingerprint``/``summary``): documents loaded, skipped, duplicates.
        annotations: an :class:`~analysis.annotations.Annotations`; its model and lexicon.
        started: when the run started (default: now).
        description: one sentence on what the report shows.
        packages: distributions whose versions are listed.

    Returns:
        The escaped HTML block.

    Example:
        >>> report_header(title="Term frequency", parameters={"top": 20}, corpus=docs,
        ...               load_report=load_report(raw))
    """
    started_ts = pd.Timestamp(started or dt.datetime.now(dt.UTC))
    if started_ts.tzinfo is None:
        started_ts = started_ts.tz_localize("UTC")
    rows: list[tuple[str, str]] = []
    if description:
        rows.append(("About", description))
    summary, fingerprint = _load_summary(load_report)
    if summary:
        rows.append(("Corpus loaded", summary))
    if fingerprint:
        rows.append(("Corpus fingerprint", fingerprint))
    if corpus is not None:
        info = corpus.attrs.get("filter") or {}
        analysed = f"{len(corpus):,} documents"
        if info:
            analysed += f" of {info.get('n_in', len(corpus)):,} after filtering"
            extra = []
            if info.get("n_undated_excluded"):
                extra.append(f"{info['n_undated_excluded']:,} undated excluded by the date filter")
            if info.get("n_duplicates_dropped"):
                extra.append(f"{info['n_duplicates_dropped']:,} duplicates left out")
            if extra:
                analysed += " (" + "; ".join(extra) + ")"
        rows.append(("Documents analysed", analysed))
        if info and info.get("date_range") is not None and info["date_range"].active:
            rows.append(("Period selected", str(info.get("period", ""))))
        rows.append(("Publication dates", _date_span(corpus)))
        for key, label in (("unknown_sources", "sources"), ("unknown_categories", "categories")):
            if info.get(key):
                rows.append(("Not in corpus", f"{label}: {', '.join(info[key])}"))
    if annotations is not None:
        model = getattr(annotations, "model", "") or "unknown"
        lexicon = getattr(annotations, "lexicon", "") or "unknown"
        rows.append(("Language model", model))
        rows.append(("Sentiment lexicon", lexicon))
    versions = [f"newsdesk-analysis {_version('newsdesk-analysis') or _pkg_version()}"]
    versions += [f"{p} {v}" for p in packages if (v := _version(p))]
    versions.append(f"Python {platform.python_version()}")
    rows.append(("Software", ", ".join(versions)))
    rows.append(("Run started", started_ts.tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%S UTC")))

    parts = [_STYLE, '<header class="nd-header">', f"<h1>{_esc(title)}</h1><dl>"]
    parts.extend(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in rows)
    if parameters:
        params = "; ".join(f"{k} = {_fmt_param(v)}" for k, v in parameters.items())
        parts.append(f"<dt>Parameters</dt><dd><code>{_esc(params)}</code></dd>")
    parts.append("</dl></header>")
    return Html("".join(parts))


def _pkg_version() -> str:
    from analysis._version import __version__

    return __version__


def report_footer(started: dt.datetime | pd.Timestamp) -> Html:
    """A closing line with the run time since ``started``.

    Example:
        >>> report_footer(started)  # "Report generated in 12.3 s at 2026-09-07 06:00 UTC."
    """
    started_ts = pd.Timestamp(started)
    if started_ts.tzinfo is None:
        started_ts = started_ts.tz_localize("UTC")
    now = pd.Timestamp.now(tz="UTC")
    seconds = (now - started_ts).total_seconds()
    return Html(
        f'{_STYLE}<p class="nd-footer">Report generated in {seconds:.1f} s, finished '
        f"{_esc(now.strftime('%Y-%m-%d %H:%M:%S UTC'))}.</p>"
    )
