"""The explore notebook's workbench: filter widgets, panels that redraw, click-through, export.

``notebooks/explore.ipynb`` builds a :class:`Workbench` from the loaded articles; each panel
is a function of the selected articles (``@bench.panel``), drawn at once and again whenever a
filter changes. The parts that need no frontend are plain functions:
:func:`filter_widgets` and :func:`select` (the filters and the articles they select),
:func:`term_context` and :func:`entity_context` (the lines in context and the articles
behind a term or an entity) and :func:`export_csv` (a table to a CSV file, with a link).
Article text reaches the page only through :mod:`analysis.reports._html` (HTML-escaped).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis._validate import document_text
from analysis.analyses._tokenize import _resolve_stopwords
from analysis.analyses.entities import DEFAULT_TYPES, entity_mentions
from analysis.analyses.filters import empty_reason, filter_corpus
from analysis.analyses.kwic import kwic
from analysis.errors import NewsdeskError
from analysis.reports._html import _STYLE, Html, kwic_html, message_html, table_html
from analysis.reports.display import show

__all__ = [
    "ClickThrough", "Workbench", "entity_context", "export_csv", "filter_widgets", "present",
    "select", "term_context",
]  # fmt: skip

_ARTICLE_COLUMNS = ("doc_id", "title", "source", "category", "published", "url")
_LABEL = {"description_width": "80px"}


def _days(corpus: pd.DataFrame) -> list[dt.date]:
    """Every day from the first to the last publication date (none for an undated corpus)."""
    dates = pd.to_datetime(corpus.get("published"), utc=True, errors="coerce")
    dates = dates.dropna() if dates is not None else pd.Series(dtype="datetime64[ns, UTC]")
    if dates.empty:
        return []
    days = pd.date_range(dates.min().normalize(), dates.max().normalize(), freq="D")
    return [d.date() for d in days]


def filter_widgets(corpus: pd.DataFrame, *, query: str | None = None) -> dict[str, Any]:
    """The filter controls of ``corpus``, keyed by the :func:`select` argument they set.

    Args:
        corpus: the articles (``published``, ``source``, ``category`` when present).
        query: the query box's starting text.

    Returns:
        ``period`` (a SelectionRangeSlider over every day from the first to the last date;
        disabled for an undated corpus), ``sources`` and ``categories`` (SelectMultiple;
        none selected means all; disabled with fewer than two names) and ``query`` (Text).
    """
    import ipywidgets as w

    days = _days(corpus)
    wide = {"style": _LABEL, "layout": w.Layout(width="min(100%, 520px)")}
    controls: dict[str, Any] = {
        "period": w.SelectionRangeSlider(
            options=[(f"{d:%Y-%m-%d}", d) for d in days] or [("undated corpus", None)],
            index=(0, max(len(days) - 1, 0)),
            description="Period",
            disabled=not days,
            readout=False,  # too narrow for two dates: the workbench shows them beside it
            continuous_update=False,
            **wide,
        )
    }
    for key, column in (("sources", "source"), ("categories", "category")):
        names = sorted(corpus[column].dropna().astype(str).unique()) if column in corpus else []
        controls[key] = w.SelectMultiple(
            options=names,
            rows=min(max(len(names), 2), 6),
            description=key.capitalize(),
            disabled=len(names) < 2,
            style=_LABEL,
            layout=w.Layout(width="min(100%, 340px)"),
        )
    hint = "a word or phrase, then Enter"
    controls["query"] = w.Text(
        value=query or "", placeholder=hint, description="Query", continuous_update=False, **wide
    )
    return controls


def select(
    corpus: pd.DataFrame,
    *,
    period: tuple[dt.date | None, dt.date | None] | None = None,
    sources: Sequence[str] = (),
    categories: Sequence[str] = (),
    query: str | None = "",
) -> pd.DataFrame:
    """The articles matching the filter controls' values, duplicates left out.

    Args:
        corpus: the articles.
        period: ``(first day, last day)``, both included; the corpus's whole span does not
            filter, so undated articles stay in.
        sources: keep these sources; none keeps all.
        categories: keep these categories; none keeps all.
        query: keep articles containing this word or phrase; empty keeps all.

    Returns:
        :func:`analysis.analyses.filters.filter_corpus`'s frame; ``attrs["filter"]`` says
        what it did.

    Example:
        >>> select(corpus, sources=["Meridian Wire"], query="flood")  # doctest: +SKIP
    """
    days = _days(corpus)
    start, end = period if period is not None and days else (None, None)
    return filter_corpus(
        corpus,
        start=None if start in (None, days[0] if days else None) else start,
        end=None if end in (None, days[-1] if days else None) else end,
        sources=list(sources) or None,
        categories=list(categories) or None,
        query=(query or "").strip() or None,
        drop_duplicates=True,
    )


def present(table: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """Those of ``columns`` that ``table`` has with at least one value (no empty columns)."""
    return [c for c in columns if c in table.columns and table[c].notna().any()]


@dataclass(frozen=True)
class ClickThrough:
    """What lies behind a term or an entity (shown as HTML when it is a cell's value).

    Attributes:
        label: what was looked up, as captions name it.
        lines: one row per use: doc_id, title, published, source, left, keyword, right.
        articles: one row per article using it, most uses (``hits``) first.
    """

    label: str
    lines: pd.DataFrame
    articles: pd.DataFrame

    def _repr_html_(self) -> str:
        if self.lines.empty:
            return message_html(f"No use of {self.label} in the selected articles.")
        caption = f"{self.label}: {len(self.lines):,} uses in {len(self.articles):,} articles"
        extra = present(self.lines, ["title", "source", "published"])
        cols = present(self.articles, ["hits", "title", "source", "category", "published", "url"])
        return kwic_html(self.lines, extra=extra, max_rows=20, caption=caption) + table_html(
            self.articles, columns=cols, max_rows=10, caption=f"Articles using {self.label}"
        )


def _click_through(label: str, docs: pd.DataFrame, lines: pd.DataFrame) -> ClickThrough:
    hits = lines["doc_id"].value_counts()
    columns = [c for c in _ARTICLE_COLUMNS if c in docs.columns]
    articles = docs.loc[docs["doc_id"].isin(hits.index), columns]
    articles.insert(1, "hits", articles["doc_id"].map(hits).astype("int64"))
    articles = articles.sort_values("hits", ascending=False, kind="stable")
    return ClickThrough(label, lines, articles.reset_index(drop=True))


def term_context(
    docs: pd.DataFrame, term: str, *, stopwords: Any = "news", window: int = 8
) -> ClickThrough:
    """Every use of a word or phrase counted by ``term_frequencies``, and its articles.

    Phrases are counted without stop words (``stopwords``, as counted), numbers and
    one-letter words, so such words may stand between a phrase's words: "bank england"
    finds "Bank of England".

    Example:
        >>> term_context(docs, "port").lines[["left", "keyword", "right"]]  # doctest: +SKIP
    """
    words = str(term).split()
    if not len(docs) or not words:
        return _click_through(repr(str(term)), docs, pd.DataFrame({"doc_id": []}))
    if len(words) == 1:
        return _click_through(repr(words[0]), docs, kwic(docs, words[0], window=window))
    skip = _resolve_stopwords(stopwords, lowercase=True, func="term_context") or ()
    dropped = "|".join([*map(re.escape, sorted(skip, key=len, reverse=True)), r"\w*\d\w*", r"\w"])
    gap = rf"(?:\W+(?:{dropped})(?!\w))*\W+"
    pattern = r"(?<!\w)" + gap.join(map(re.escape, words)) + r"(?!\w)"
    lines = kwic(docs, pattern, window=window, regex=True)
    return _click_through(repr(" ".join(words)), docs, lines)


def entity_context(
    docs: pd.DataFrame,
    name: str,
    *,
    annotations: Any,
    types: Sequence[str] | None = DEFAULT_TYPES,
    window: int = 8,
) -> ClickThrough:
    """Every mention of an entity (its normalised ``name``; document layer), and its articles.

    Example:
        >>> entity_context(docs, "Helena Marsh", annotations=ann).articles  # doctest: +SKIP
    """
    cols = ["doc_id", "title", "published", "source", "left", "keyword", "right"]
    if not len(docs):
        return _click_through(name, docs, pd.DataFrame(columns=cols))
    found = entity_mentions(docs, annotations=annotations, types=types, progress=False)
    found = found[found["name"] == name].reset_index(drop=True)
    texts = dict(zip(docs["doc_id"], document_text(docs), strict=True))
    rows = []
    for doc_id, start, end in zip(found["doc_id"], found["start"], found["end"], strict=True):
        text = texts[doc_id]
        left = text[max(0, start - 60 * window) : start].split()[-window:]
        right = text[end : end + 60 * window].split()[:window]
        rows.append((" ".join(left), " ".join(text[start:end].split()), " ".join(right)))
    lines = found[cols[:4]].copy()
    lines[cols[4:]] = pd.DataFrame(rows, columns=cols[4:], dtype=object)
    return _click_through(name, docs, lines)


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        items = (v.get("text", v) if isinstance(v, Mapping) else v for v in value)
        return " | ".join(" ".join(str(v).split()) for v in items)
    return value


def export_csv(table: pd.DataFrame, name: str, *, folder: str | os.PathLike[str] = ".") -> Html:
    """Write ``table`` to ``<folder>/<name>.csv`` (UTF-8) and return a link to the file.

    List cells (e.g. evidence sentences) are joined with " | ". The link is relative to the
    current folder (the notebook's), so JupyterLab downloads it; all text is HTML-escaped.

    Example:
        >>> show(export_csv(words, "top words", folder="exports"))  # doctest: +SKIP
    """
    slug = re.sub(r"[^\w.-]+", "_", str(name), flags=re.ASCII).strip("._")[:80] or "table"
    path = Path(folder) / f"{slug}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    table.map(_flat).to_csv(path, index=False, encoding="utf-8")
    href = urllib.parse.quote(Path(os.path.relpath(path.resolve(), Path.cwd())).as_posix())
    esc = html.escape
    link = f'<a href="{esc(href)}" download="{esc(path.name)}">{esc(path.name)}</a>'
    return Html(
        f'{_STYLE}<div class="nd-msg" role="note">{len(table):,} rows of {esc(str(name))} '
        f"written to {link} ({esc(str(path.resolve()))})</div>"
    )


class Workbench:
    """Filter controls, panels drawn from the selected articles, pick lists and CSV export.

    Args:
        corpus: the articles to explore, one row per document.
        query: the query box's starting text.
        export_dir: the folder the export bar writes CSV files to.

    Example:
        >>> bench = Workbench(articles)  # doctest: +SKIP
        >>> @bench.panel  # drawn now, and again whenever a filter changes
        ... def words(docs):
        ...     show_table(bench.keep("words", term_frequencies(docs, top=20)))
    """

    def __init__(
        self,
        corpus: pd.DataFrame,
        *,
        query: str | None = None,
        export_dir: str | os.PathLike[str] = "exports",
    ) -> None:
        import ipywidgets as w

        self.corpus, self.export_dir = corpus, export_dir
        self.controls = filter_widgets(corpus, query=query)
        self.tables: dict[str, pd.DataFrame] = {}
        self.status, self.period = w.HTML(), w.HTML()
        self._panels: list[tuple[Callable[[pd.DataFrame], Any], Any]] = []
        self._made: list[Any] = []  # widgets made by panels: closed when they are redrawn
        self._choice = w.Dropdown(description="Table", options=[], style=_LABEL)
        self._button = w.Button(description="Export CSV", icon="download")
        self._exported = w.Output()
        self._button.on_click(self._export)
        for control in self.controls.values():
            control.observe(self._refresh, names="value")
        self.docs = self._select()

    def values(self) -> dict[str, Any]:
        """The filter controls' values: the arguments of :func:`select`."""
        return {key: control.value for key, control in self.controls.items()}

    def _select(self) -> pd.DataFrame:
        docs = select(self.corpus, **self.values())
        info = docs.attrs["filter"]
        lo, hi = self.controls["period"].value
        self.period.value = html.escape(f"{lo} to {hi}" if lo else "no dates")
        chosen = [f"period {lo} to {hi}"] if info["date_range"].active else []
        if info["n_undated_excluded"]:
            chosen.append(f"{info['n_undated_excluded']:,} undated left out")
        chosen += [f"{k}: {', '.join(info[k])}" for k in ("sources", "categories") if info[k]]
        chosen += [f"query {info['query']!r}"] if info["query"] else []
        text = f"{len(docs):,} of {info['n_in']:,} articles selected"
        self.status.value = f"<b>{html.escape(text)}</b> ({html.escape('; '.join(chosen))})"
        self.status.value = self.status.value.replace(" ()", " (no filter)")
        return docs

    def filters(self) -> Any:
        """The filter controls and a line saying what is selected, to display."""
        import ipywidgets as w

        c = self.controls
        lists = w.HBox([c["sources"], c["categories"]])
        return w.VBox([w.HBox([c["period"], self.period]), lists, c["query"], self.status])

    def panel(self, draw: Callable[[pd.DataFrame], Any]) -> Callable[[pd.DataFrame], Any]:
        """Decorator: display an area drawn by ``draw(docs)`` now and after every change."""
        import ipywidgets as w
        from IPython.display import display

        out = w.Output()
        self._panels.append((draw, out))
        display(out)
        self._draw(draw, out)
        return draw

    def _draw(self, draw: Callable[[pd.DataFrame], Any], out: Any) -> None:
        with out:
            out.clear_output(wait=True)
            show(self.status.value)
            if not len(self.docs):
                reason = empty_reason(self.docs) or "no article matches the filters"
                return show(message_html(f"Nothing to show: {reason}.", kind="warning"))
            try:
                draw(self.docs)
            except NewsdeskError as exc:
                show(message_html(f"Not shown: {exc}", kind="warning"))

    def _refresh(self, _change: Any = None) -> None:
        self.docs = self._select()
        for widget in self._made:
            widget.close()
        self._made.clear()
        for draw, out in self._panels:
            self._draw(draw, out)

    def keep(self, name: str, table: pd.DataFrame) -> pd.DataFrame:
        """Offer ``table`` for CSV export as ``name`` (until a redraw replaces it); returns it."""
        self.tables[name] = table
        current = self._choice.value
        self._choice.options = list(self.tables)
        self._choice.value = current if current in self.tables else name
        return table

    def export_bar(self) -> Any:
        """A table chooser and an "Export CSV" button; the link to the file shows below."""
        import ipywidgets as w

        return w.VBox([w.HBox([self._choice, self._button]), self._exported])

    def _export(self, _button: Any = None) -> None:
        with self._exported:
            self._exported.clear_output()
            name = self._choice.value
            if name in self.tables:
                show(export_csv(self.tables[name], name, folder=self.export_dir))

    def picker(
        self, table: pd.DataFrame, column: str, open_item: Callable[[str], Any], *, count: str
    ) -> Any:
        """A list of ``table[column]`` with ``count``; picking one displays ``open_item(it)``.

        The first item is open from the start, so a run without a frontend shows it too.
        """
        import ipywidgets as w
        from IPython.display import display

        pairs = zip(table[column], table[count], strict=True)
        pick = w.Select(options=[(f"{v} ({n:,})", str(v)) for v, n in pairs])
        pick.rows, pick.layout.width = min(max(len(pick.options), 2), 12), "240px"
        shown = w.Output(layout=w.Layout(flex="1 1 auto", overflow="auto"))

        def opened(_change: Any = None) -> None:
            with shown:
                shown.clear_output(wait=True)
                if pick.value is not None:
                    display(open_item(pick.value))

        pick.observe(opened, names="value")
        opened()
        box = w.HBox([pick, shown])
        self._made += [pick, shown, box]
        return box
