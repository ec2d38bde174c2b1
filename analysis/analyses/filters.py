"""Select the documents a report analyses: a date range or window, sources, categories, a query.

The date range is read by :mod:`analysis.analyses.periods` (``start``/``end`` inclusive,
``window`` counted back from ``end`` or the newest dated document, all in UTC). Documents
without a date are excluded whenever a date filter is active, and how many were excluded is
recorded in the result's ``attrs["filter"]``; :func:`empty_reason` says why a selection is
empty.

:func:`comparison_windows` gives the documents of the selected period and of the
equal-length period just before it, for "rising / falling" comparisons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from analysis._validate import document_text, require_columns
from analysis.analyses.periods import DateRange, _published, comparison_periods, resolve_date_range
from analysis.errors import AnalysisInputError

__all__ = [
    "comparison_windows",
    "empty_reason",
    "filter_corpus",
    "previous_window",
    "query_pattern",
]


def _as_list(value: Any, *, arg: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise AnalysisInputError(
            f"{arg}={value!r} is not valid; expected a list of names (or None for all)"
        )
    out = [str(v).strip() for v in value if v is not None and str(v).strip()]
    return out


def _match_names(column: pd.Series, names: list[str]) -> tuple[pd.Series, list[str]]:
    """Case-insensitive exact match; returns the mask and the names that matched nothing."""
    values = column.astype("string").str.strip().str.casefold()
    wanted = {n.casefold(): n for n in names}
    mask = values.isin(list(wanted)).fillna(False).astype(bool)
    present = set(values.dropna().unique())
    unknown = [orig for key, orig in wanted.items() if key not in present]
    return mask, unknown


def query_pattern(query: str) -> re.Pattern[str]:
    """The case-insensitive pattern a ``query`` filter uses: the phrase as a whole word/phrase.

    Example:
        >>> bool(query_pattern("bank").search("The Bank of England"))
        True
    """
    words = query.split()
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def filter_corpus(
    corpus: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    window: str | None = None,
    sources: list[str] | str | None = None,
    categories: list[str] | str | None = None,
    query: str | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """The documents of ``corpus`` that match every given filter (a new DataFrame).

    Args:
        corpus: one row per document with ``doc_id``, ``title``, ``text`` and, for the filters
            used, ``published`` (UTC datetimes), ``source``, ``category``.
        start: first day included (``"2026-09-01"``), or None.
        end: last day included, or None.
        window: keep the last ``"24h"``/``"7d"``/``"4w"`` before ``end`` (or before the
            newest document); cannot be combined with ``start``.
        sources: keep these sources (case-insensitive exact names); None keeps all.
        categories: keep these categories (case-insensitive exact names); None keeps all.
        query: keep documents whose title or text contains this word or phrase
            (case-insensitive, whole words); None keeps all.
        drop_duplicates: drop rows flagged ``is_duplicate`` by :func:`analysis.load_corpus`.

    Returns:
        The matching rows, index reset. ``attrs["filter"]`` describes what was done:
        ``n_in``, ``n_out``, ``n_undated_excluded``, ``n_duplicates_dropped``, ``date_range``
        (a :class:`DateRange`), ``period`` (its label), ``unknown_sources``,
        ``unknown_categories`` and the parameters.

    Raises:
        AnalysisInputError: on a missing column or an invalid parameter value.

    Example:
        >>> recent = filter_corpus(corpus, window="7d", sources=["BBC"], query="election")
        >>> recent.attrs["filter"]["n_out"]
        12
    """
    require_columns(corpus, ["doc_id", "title", "text"], func="filter_corpus")
    if query is not None and not isinstance(query, str):
        raise AnalysisInputError(
            f"filter_corpus(): query={query!r} is not valid; expected a string or None"
        )
    source_list = _as_list(sources, arg="sources")
    category_list = _as_list(categories, arg="categories")
    date_range = resolve_date_range(corpus, start=start, end=end, window=window)

    keep, n_undated = _in_range(corpus, date_range)
    unknown: dict[str, list[str]] = {"source": [], "category": []}
    for column, names in (("source", source_list), ("category", category_list)):
        if names is not None:
            require_columns(corpus, [column], func="filter_corpus")
            mask, unknown[column] = _match_names(corpus[column], names)
            keep &= mask

    query_clean = query.strip() if isinstance(query, str) else None
    if query_clean:
        pattern = query_pattern(query_clean)
        text = document_text(corpus)
        keep &= text.map(lambda t: bool(pattern.search(t))).astype(bool)

    n_dups = 0
    if drop_duplicates and "is_duplicate" in corpus:
        dup = corpus["is_duplicate"].fillna(False).astype(bool)
        n_dups = int((keep & dup).sum())
        keep &= ~dup

    out = corpus.loc[keep.to_numpy()].reset_index(drop=True)
    out.attrs = dict(corpus.attrs)
    out.attrs["filter"] = {
        "n_in": len(corpus),
        "n_out": len(out),
        "n_undated_excluded": n_undated,
        "n_duplicates_dropped": n_dups,
        "date_range": date_range,
        "period": date_range.label(),
        "start": start,
        "end": end,
        "window": window,
        "sources": source_list,
        "categories": category_list,
        "query": query_clean or None,
        "unknown_sources": unknown["source"],
        "unknown_categories": unknown["category"],
    }
    return out


def _in_range(corpus: pd.DataFrame, date_range: DateRange) -> tuple[pd.Series, int]:
    """Which rows the date range keeps (all when it is not active), and how many rows
    have no date (excluded when it is)."""
    keep = pd.Series(True, index=corpus.index)
    if not date_range.active:
        return keep, 0
    require_columns(corpus, ["published"], func="filter_corpus")
    published = _published(corpus)
    undated = published.isna()
    in_range = ~undated
    if date_range.lo is not None:
        in_range &= published >= date_range.lo
    if date_range.hi is not None:
        in_range &= published < date_range.hi
    return keep & in_range.fillna(False).astype(bool), int(undated.sum())


def comparison_windows(
    corpus: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    window: str | None = None,
    default_window: str = "7d",
    **filters: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents of the periods from :func:`comparison_periods` (selected, previous).

    Args:
        corpus: as for :func:`filter_corpus`.
        start: as for :func:`filter_corpus`.
        end: as for :func:`filter_corpus`.
        window: as for :func:`filter_corpus`.
        default_window: the period used when the selection is not bounded.
        **filters: ``sources``, ``categories``, ``query``, ``drop_duplicates``.

    Returns:
        ``(current, previous)`` frames, each with ``attrs["filter"]`` (see
        :func:`filter_corpus`); ``attrs["filter"]["period"]`` labels each period.

    Example:
        >>> now, before = comparison_windows(corpus, window="7d")
        >>> now.attrs["filter"]["period"], before.attrs["filter"]["period"]
        ('2026-09-01 to 2026-09-07', '2026-08-25 to 2026-08-31')
    """
    current, previous = comparison_periods(
        corpus, start=start, end=end, window=window, default_window=default_window
    )
    return _filter_range(corpus, current, **filters), _filter_range(corpus, previous, **filters)


def previous_window(
    corpus: pd.DataFrame,
    *,
    date_range: DateRange | None = None,
    start: Any = None,
    end: Any = None,
    window: str | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """The documents of the equal-length period that ends where the selected one begins.

    Args:
        corpus: as for :func:`filter_corpus`.
        date_range: the current period; or give ``start``/``end``/``window`` instead.
        start: as for :func:`filter_corpus`.
        end: as for :func:`filter_corpus`.
        window: as for :func:`filter_corpus`.
        **filters: ``sources``, ``categories``, ``query``, ``drop_duplicates``.

    Returns:
        A new frame as from :func:`filter_corpus` for the previous period.

    Raises:
        AnalysisInputError: when the current period is not bounded on both sides.

    Example:
        >>> previous_window(corpus, end="2026-09-07", window="7d").attrs["filter"]["period"]
        '2026-08-25 to 2026-08-31'
    """
    if date_range is None:
        date_range = resolve_date_range(corpus, start=start, end=end, window=window)
    if not date_range.bounded:
        raise AnalysisInputError(
            "previous_window(): the selected period is not bounded; give window (e.g. '7d') "
            "or both start and end"
        )
    length = date_range.hi - date_range.lo
    prev = DateRange(date_range.lo - length, date_range.lo)
    return _filter_range(corpus, prev, **filters)


def _filter_range(corpus: pd.DataFrame, date_range: DateRange, **filters: Any) -> pd.DataFrame:
    """filter_corpus with a resolved range (given as inclusive timestamps)."""
    bad = set(filters) - {"sources", "categories", "query", "drop_duplicates"}
    if bad:
        raise AnalysisInputError(
            f"unexpected filter argument(s) {sorted(bad)}; expected sources, categories, "
            "query, drop_duplicates"
        )
    out = filter_corpus(
        corpus,
        start=date_range.lo,
        end=date_range.hi - pd.Timedelta(1, "ns"),
        **filters,
    )
    out.attrs["filter"]["date_range"] = date_range
    out.attrs["filter"]["period"] = date_range.label()
    return out


def empty_reason(docs: pd.DataFrame) -> str | None:
    """Why a filtered corpus has nothing to analyse, or None when it has documents.

    Reads ``docs.attrs["filter"]`` from :func:`filter_corpus`: a corpus without documents,
    a window or dates on a corpus without dates, sources or categories that are not in the
    corpus, or filters that together match nothing.

    Example:
        >>> empty_reason(filter_corpus(undated_corpus, window="7d"))
        'this corpus has no dates; a window needs dates'
    """
    if len(docs):
        return None
    info = docs.attrs.get("filter") or {}
    if not info:
        return "there are no documents to analyse"
    if info.get("n_in", 0) == 0:
        return "the corpus has no documents"
    date_range = info.get("date_range")
    n_undated = info.get("n_undated_excluded", 0)
    if isinstance(date_range, DateRange) and date_range.undated:
        return "this corpus has no dates; a window needs dates"
    if isinstance(date_range, DateRange) and date_range.active and n_undated == info["n_in"]:
        return "this corpus has no dates; start and end need dates"
    for key, what in (("sources", "source"), ("categories", "category")):
        asked, unknown = info.get(key) or [], info.get(f"unknown_{key}") or []
        if asked and len(unknown) == len(asked):
            return f"no {what} {', '.join(map(repr, unknown))} in this corpus"
    parts = []
    if isinstance(date_range, DateRange) and date_range.active:
        parts.append(f"period {date_range.label()}")
    for key in ("sources", "categories"):
        if info.get(key):
            parts.append(f"{key} {', '.join(info[key])}")
    if info.get("query"):
        parts.append(f"query {info['query']!r}")
    what = "; ".join(parts) or "the filters"
    return f"no documents match the selected filters ({what})"
