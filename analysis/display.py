"""Safe, readable HTML output for report notebooks: tables, figures with alt text, messages.

Article titles and text are untrusted: everything shown goes through :func:`html.escape` here,
so a title such as ``<script>alert(1)</script>`` appears as text, never as markup. Notebooks
render through these helpers only (never Markdown built from article text).

The ``*_html`` functions return :class:`Html` (a ``str`` that Jupyter displays as HTML); the
``show_*`` functions display it in the running notebook.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import io
import os
import platform
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

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

ELLIPSIS = "…"

# Selectors repeat a class (".nd-table.nd-table") to outrank JupyterLab's
# ":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td" (right-aligned cells) in the HTML export.

_STYLE = """<style>
table.nd-table{border-collapse:collapse;table-layout:auto;width:auto;max-width:100%;
 font-size:13px;margin:0.2em 0 1em 0}
table.nd-table.nd-table>thead>tr>th,table.nd-table.nd-table>tbody>tr>td{border:1px solid #d0d7de;
 padding:3px 7px;vertical-align:top;text-align:left;white-space:normal;
 overflow-wrap:anywhere;word-break:break-word;max-width:32em}
table.nd-table.nd-table>thead>tr>th{background:#f3f5f7;font-weight:600;white-space:nowrap;
 word-break:normal;overflow-wrap:normal}
table.nd-table.nd-table>tbody>tr>td.nd-num{text-align:right;white-space:nowrap;
 font-variant-numeric:tabular-nums}
table.nd-table.nd-table>tbody>tr:nth-child(even)>td{background:#fafbfc}
table.nd-kwic.nd-table>tbody>tr>td.nd-left{text-align:right}
table.nd-kwic.nd-table>tbody>tr>td.nd-kw{font-weight:700;white-space:nowrap;text-align:center}
p.nd-caption{font-weight:600;margin:0.8em 0 0.2em 0}
p.nd-note{color:#57606a;font-size:12px;margin:-0.6em 0 1em 0}
p.nd-footer{color:#57606a;font-size:12px;margin:1.5em 0 0.5em 0}
div.nd-msg{border-left:4px solid #0969da;background:#f0f6fc;padding:8px 12px;margin:0.6em 0}
div.nd-msg.nd-warning{border-color:#bf8700;background:#fff8c5}
div.nd-msg.nd-error{border-color:#cf222e;background:#ffebe9}
figure.nd-fig{margin:0.6em 0 1.2em 0}
figure.nd-fig img{max-width:100%;height:auto}
figure.nd-fig figcaption{color:#57606a;font-size:12px}
header.nd-header{border:1px solid #d0d7de;border-radius:6px;padding:10px 16px;margin:0 0 1em 0}
header.nd-header h1{font-size:1.5em;margin:0 0 0.4em 0}
header.nd-header dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:0}
header.nd-header dt{font-weight:600;white-space:nowrap;margin:0}
header.nd-header dd{margin:0;overflow-wrap:anywhere}
</style>"""


class Html(str):
    """A string of safe HTML that Jupyter renders as HTML when it is a cell's value."""

    def _repr_html_(self) -> str:
        return str(self)


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def show(block: str) -> None:
    """Display an :class:`Html` block (or any already-escaped HTML string) in the notebook."""
    from IPython.display import HTML, display

    display(HTML(str(block)))


# --------------------------------------------------------------------------------------- tables


def _truncate(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return text


def _format_cell(value: Any, *, float_digits: int) -> tuple[str, bool]:
    """(text, is_number) for one cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "", False
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, int | np.integer):
        return f"{int(value):,}", True
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return "", True
        if np.isinf(value):
            return ("∞" if value > 0 else "-∞"), True
        if float(value).is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}", True
        if value != 0 and abs(value) < 0.5 * 10**-float_digits:
            return f"{value:.1e}", True  # e.g. small p-values: 3.2e-07, not 0.000
        return f"{value:.{float_digits}f}", True
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts == ts.normalize():
            return ts.strftime("%Y-%m-%d"), False
        return ts.strftime("%Y-%m-%d %H:%M"), False
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = [v.get("text", v) if isinstance(v, Mapping) else v for v in value]
        sep = " | " if any(isinstance(v, Mapping) for v in value) else ", "
        return sep.join(" ".join(str(v).split()) for v in items), False
    return str(value), False


def table_html(
    df: pd.DataFrame,
    *,
    max_rows: int | None = 20,
    max_colwidth: int | None = 80,
    caption: str | None = None,
    index: bool = False,
    float_digits: int = 3,
    columns: Sequence[str] | None = None,
) -> Html:
    """Render a DataFrame as an escaped HTML table that wraps text instead of scrolling.

    Cells longer than ``max_colwidth`` characters are cut with an ellipsis; rows beyond
    ``max_rows`` are left out with a note saying how many. Every value, column name and the
    caption are HTML-escaped.

    Args:
        df: the table.
        max_rows: most rows shown (None: all).
        max_colwidth: most characters per cell (None: no limit).
        caption: a title shown above the table.
        index: include the index as the first column(s).
        float_digits: decimals shown for floats.
        columns: show only these columns, in this order.

    Returns:
        The HTML.

    Example:
        >>> show(table_html(top_terms, max_rows=10, caption="Top terms"))
    """
    if columns is not None:
        df = df.loc[:, list(columns)]
    if index:
        df = df.reset_index()
    n_total = len(df)
    shown = df if max_rows is None else df.head(max_rows)
    parts = [_STYLE]
    if caption:
        parts.append(f'<p class="nd-caption">{_esc(caption)}</p>')
    label = f' aria-label="{_esc(caption)}"' if caption else ""
    parts.append(f'<table class="nd-table"{label}><thead><tr>')
    parts.extend(f"<th>{_esc(_truncate(str(c), max_colwidth))}</th>" for c in shown.columns)
    parts.append("</tr></thead><tbody>")
    for row in shown.itertuples(index=False, name=None):
        parts.append("<tr>")
        for value in row:
            text, is_num = _format_cell(value, float_digits=float_digits)
            full = text
            text = _truncate(text, max_colwidth)
            title = f' title="{_esc(full)}"' if text != full else ""
            cls = ' class="nd-num"' if is_num else ""
            parts.append(f"<td{cls}{title}>{_esc(text)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    if n_total > len(shown):
        parts.append(f'<p class="nd-note">Showing {len(shown):,} of {n_total:,} rows.</p>')
    return Html("".join(parts))


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


def figure_html(fig: Any, *, alt: str, caption: str | None = None, dpi: int = 110) -> Html:
    """Render a matplotlib figure as an ``<img>`` with alt text (PNG, base64), then close it.

    Args:
        fig: a :class:`matplotlib.figure.Figure`.
        alt: a description of what the figure shows, for screen readers (required).
        caption: optional text shown under the figure.
        dpi: resolution of the PNG.

    Returns:
        The HTML.

    Example:
        >>> fig, ax = plt.subplots(); ax.plot([1, 2]); show(figure_html(fig, alt="A line"))
    """
    import matplotlib.pyplot as plt

    if not isinstance(alt, str) or not alt.strip():
        from analysis.errors import AnalysisInputError

        raise AnalysisInputError(
            f"figure_html(): alt={alt!r} is not valid; describe the figure in words"
        )
    import matplotlib as mpl

    from analysis.plots import literal_text

    buf = io.BytesIO()
    try:  # text drawn literally: a "$" in a title or name is not math text
        with mpl.rc_context({"text.parse_math": False}):
            literal_text(fig).savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{_esc(caption)}</figcaption>" if caption else ""
    return Html(
        f'{_STYLE}<figure class="nd-fig"><img alt="{_esc(alt.strip())}" '
        f'src="data:image/png;base64,{data}">{cap}</figure>'
    )


def show_figure(fig: Any, *, alt: str, caption: str | None = None, dpi: int = 110) -> None:
    """Display :func:`figure_html` (and close the figure so it is not shown twice).

    Example:
        >>> show_figure(fig, alt="Weekly mentions of the top five entities")
    """
    show(figure_html(fig, alt=alt, caption=caption, dpi=dpi))


# ------------------------------------------------------------------------------------- messages


def message_html(text: str, *, kind: Literal["info", "warning", "error"] = "info") -> Html:
    """An escaped message box, e.g. for an empty result.

    Example:
        >>> message_html("No documents match the filters.")
    """
    return Html(f'{_STYLE}<div class="nd-msg nd-{_esc(kind)}" role="note">{_esc(text)}</div>')


def show_message(text: str, *, kind: Literal["info", "warning", "error"] = "info") -> None:
    """Display :func:`message_html`.

    Example:
        >>> show_message("No entity pairs occur at least 2 times.")
    """
    show(message_html(text, kind=kind))


def heading_html(text: str, *, level: int = 2) -> Html:
    """An escaped heading (``level`` 1-6)."""
    level = min(max(int(level), 1), 6)
    return Html(f"<h{level}>{_esc(text)}</h{level}>")


def show_heading(text: str, *, level: int = 2) -> None:
    """Display :func:`heading_html`."""
    show(heading_html(text, level=level))


def file_link_html(path: str | os.PathLike[str], *, text: str | None = None) -> Html:
    """A message linking a file written beside the report (the link is its bare file name).

    Example:
        >>> file_link_html("reports/sample/2026-09-07/entity_network.gexf", text="Network for Gephi")
    """
    name = Path(path).name
    href = urllib.parse.quote(name)
    label = _esc(text or "File written")
    return Html(
        f'{_STYLE}<div class="nd-msg" role="note">{label}: '
        f'<a href="{_esc(href)}" download>{_esc(name)}</a></div>'
    )


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
    from analysis.report_status import record_section

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


def kwic_html(
    hits: pd.DataFrame,
    *,
    left: str = "left",
    keyword: str = "keyword",
    right: str = "right",
    extra: Sequence[str] = (),
    max_rows: int | None = 30,
    max_context: int = 90,
    caption: str | None = None,
) -> Html:
    """Keyword-in-context lines: left context right-aligned, the keyword bold, right context.

    Contexts are cut to ``max_context`` characters next to the keyword; everything is escaped.

    Args:
        hits: one row per hit with the ``left``, ``keyword`` and ``right`` columns.
        left: column with the text before the keyword.
        keyword: column with the keyword as found.
        right: column with the text after the keyword.
        extra: further columns shown after the context (e.g. ``"title"``, ``"published"``).
        max_rows: most lines shown.
        max_context: most characters of context each side.
        caption: a title above the lines.

    Returns:
        The HTML.

    Example:
        >>> show(kwic_html(kwic(corpus, "bank"), extra=["title"]))
    """
    n_total = len(hits)
    shown = hits if max_rows is None else hits.head(max_rows)
    parts = [_STYLE]
    if caption:
        parts.append(f'<p class="nd-caption">{_esc(caption)}</p>')
    label = f' aria-label="{_esc(caption)}"' if caption else ""
    parts.append(
        f'<table class="nd-table nd-kwic"{label}><thead><tr>'
        "<th>before</th><th>keyword</th><th>after</th>"
    )
    parts.extend(f"<th>{_esc(c)}</th>" for c in extra)
    parts.append("</tr></thead><tbody>")
    for _, row in shown.iterrows():
        lt = " ".join(str(row.get(left, "") or "").split())
        rt = " ".join(str(row.get(right, "") or "").split())
        if len(lt) > max_context:
            lt = ELLIPSIS + lt[-(max_context - 1) :].lstrip()
        rt = _truncate(rt, max_context)
        parts.append(
            f'<tr><td class="nd-left">{_esc(lt)}</td>'
            f'<td class="nd-kw">{_esc(row.get(keyword, ""))}</td><td>{_esc(rt)}</td>'
        )
        for c in extra:
            text, _ = _format_cell(row.get(c), float_digits=3)
            parts.append(f"<td>{_esc(_truncate(text, 60))}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    if n_total > len(shown):
        parts.append(f'<p class="nd-note">Showing {len(shown):,} of {n_total:,} lines.</p>')
    return Html("".join(parts))


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
            :func:`analysis.filters.filter_corpus`) is summarised.
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
    from analysis import __version__

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
