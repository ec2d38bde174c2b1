"""Select the documents a report analyses: a date range or window, sources, categories, a query.

Dates are UTC. ``start`` and ``end`` are inclusive: a date-only ``end`` (``"2026-09-07"``) keeps
the whole of that day. ``window`` (``"12h"``, ``"7d"``, ``"4w"``) is a period that ends at ``end``
or, when ``end`` is None, at the newest dated document; day and week windows cover whole calendar
days (``"7d"`` ending on 7 September is 1-7 September). Documents without a date are excluded
whenever a date filter is active, and how many were excluded is recorded in the result's
``attrs["filter"]``. Month and quarter windows (``"1m"``, ``"3m"``, ``"1q"``) are calendar
months counted back from the same point (``"1m"`` ending on 7 September is 8 August to
7 September).

:func:`comparison_windows` gives the selected period and the equal-length period just before it,
for "rising / falling" comparisons.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis._validate import document_text, require_columns
from analysis.errors import AnalysisInputError, NoDatesError

__all__ = [
    "DateRange",
    "check_column",
    "comparison_periods",
    "comparison_windows",
    "empty_reason",
    "filter_corpus",
    "grouping_column",
    "parse_date_bound",
    "parse_window",
    "period_freq",
    "previous_window",
    "query_pattern",
    "resolve_date_range",
    "resolve_notebook_path",
]

_WINDOW = re.compile(r"^\s*(\d+)\s*([hdwmq])\s*$", re.IGNORECASE)
_WINDOW_FORMS = (
    '"<n>h" (hours), "<n>d" (days), "<n>w" (weeks), "<n>m" (months) or "<n>q" (quarters), '
    'e.g. "24h", "7d", "4w", "1m", "1q"'
)
_DATE_ONLY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
#: An ISO 8601 date or timestamp; pd.Timestamp alone also reads "1;" as the year 1.
_ISO = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)
_DATE_FORMS = '"YYYY-MM-DD" (e.g. "2026-09-01") or an ISO timestamp ("2026-09-01T12:00:00Z")'
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class DateRange:
    """A half-open UTC period ``[lo, hi)``; either bound may be None (unbounded).

    Attributes:
        lo: first instant included, or None.
        hi: first instant excluded, or None.
    """

    lo: pd.Timestamp | None = None
    hi: pd.Timestamp | None = None
    undated: bool = False  # a window was asked of a corpus without dates: selects nothing

    @property
    def bounded(self) -> bool:
        """True when both bounds are set."""
        return self.lo is not None and self.hi is not None

    @property
    def active(self) -> bool:
        """True when at least one bound is set (a date filter applies)."""
        return self.lo is not None or self.hi is not None

    def bounds(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """``(first, last)`` instants included (both inclusive), e.g. for
        :func:`analysis.keyness.distinctive_terms` periods."""
        return self.lo, None if self.hi is None else self.hi - pd.Timedelta(1, "ns")

    def label(self) -> str:
        """A readable description, e.g. ``"2026-09-01 to 2026-09-07"`` (inclusive dates)."""
        if self.undated:
            return "none (the corpus has no dates; a window needs dates)"
        return f"{_fmt_lo(self.lo)} to {_fmt_hi(self.hi)}"


def _fmt_lo(ts: pd.Timestamp | None) -> str:
    if ts is None:
        return "the beginning"
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M UTC")


def _fmt_hi(ts: pd.Timestamp | None) -> str:
    if ts is None:
        return "the end"
    if ts == ts.normalize():  # exclusive midnight: the day before is the last one included
        return (ts - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return ts.strftime("%Y-%m-%d %H:%M UTC") + " (exclusive)"


def parse_window(window: str, *, arg: str = "window") -> pd.Timedelta | pd.DateOffset:
    """Parse a window such as ``"24h"``, ``"7d"``, ``"4w"``, ``"1m"`` or ``"1q"``.

    Args:
        window: a positive whole number followed by ``h``, ``d``, ``w``, ``m`` (calendar
            months) or ``q`` (quarters: three calendar months).
        arg: the parameter name used in error messages.

    Returns:
        The length of the window: a Timedelta, or a ``pd.DateOffset(months=n)`` for months
        and quarters (their length depends on where they end).

    Raises:
        AnalysisInputError: when the value is not of that form or is zero.

    Example:
        >>> parse_window("2w")
        Timedelta('14 days 00:00:00')
    """
    m = _WINDOW.match(window) if isinstance(window, str) else None
    if not m:
        raise AnalysisInputError(
            f"{arg}={window!r} is not a valid window; expected {_WINDOW_FORMS}"
        )
    n, unit = int(m.group(1)), m.group(2).lower()
    if n <= 0:
        raise AnalysisInputError(
            f"{arg}={window!r} is not a valid window; it must be longer than 0"
        )
    if unit in ("m", "q"):
        return pd.DateOffset(months=n * (3 if unit == "q" else 1))
    return pd.Timedelta(**{_UNITS[unit]: n})


def parse_date_bound(value: Any, *, arg: str, upper: bool = False) -> pd.Timestamp | None:
    """Parse ``start``/``end`` into a UTC Timestamp bound of a half-open range.

    A date without a time (``"2026-09-01"`` or a ``datetime.date``) means the whole day: as a
    lower bound its midnight, as an upper bound (``upper=True``) the next midnight (exclusive).
    A timestamp with a time is used as given (an upper bound includes that instant). Naive
    times are taken as UTC.

    Args:
        value: None, a string, a ``datetime.date``/``datetime.datetime`` or a Timestamp.
        arg: the parameter name used in error messages.
        upper: True for the end of a range.

    Returns:
        The bound, or None when ``value`` is None or empty.

    Raises:
        AnalysisInputError: when the value cannot be read as a date.

    Example:
        >>> parse_date_bound("2026-09-07", arg="end", upper=True)
        Timestamp('2026-09-08 00:00:00+0000', tz='UTC')
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    date_only = False
    if isinstance(value, str):
        date_only = bool(_DATE_ONLY.match(value))
        try:
            if not _ISO.match(value):
                raise ValueError("not an ISO 8601 date")
            ts = pd.Timestamp(value.strip())
        except (ValueError, TypeError, OverflowError) as exc:
            raise AnalysisInputError(
                f"{arg}={value!r} is not a valid date; expected {_DATE_FORMS}"
            ) from exc
    elif isinstance(value, dt.date | pd.Timestamp):
        date_only = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        ts = pd.Timestamp(value)
    else:
        raise AnalysisInputError(
            f"{arg}={value!r} is not a valid date; expected {_DATE_FORMS} "
            f"(got a {type(value).__name__})"
        )
    if ts is pd.NaT or pd.isna(ts):
        raise AnalysisInputError(f"{arg}={value!r} is not a valid date; expected {_DATE_FORMS}")
    try:
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        ts = ts.as_unit("ns")
        if upper:
            return ts + pd.Timedelta(days=1) if date_only else ts + pd.Timedelta(1, "ns")
        return ts
    except (ValueError, OverflowError):  # e.g. the year 1: outside 1677-2262
        raise AnalysisInputError(
            f"{arg}={value!r} is not a valid date; expected a date between 1678 and 2261 "
            f"({_DATE_FORMS})"
        ) from None


def resolve_date_range(
    corpus: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    window: str | None = None,
) -> DateRange:
    """Turn ``start``/``end``/``window`` into a concrete half-open UTC :class:`DateRange`.

    ``window`` counts back from ``end`` or, when ``end`` is None, from the newest dated document
    of ``corpus`` (for day/week windows, from the end of that document's day). ``window`` and
    ``start`` cannot be combined.

    Args:
        corpus: a DataFrame with a ``published`` column (needed only when ``window`` is given
            without ``end``).
        start: first day included (inclusive), or None.
        end: last day included (inclusive), or None.
        window: a length such as ``"7d"`` (see :func:`parse_window`), or None.

    Returns:
        The range; unbounded sides are None. When a window is asked of a corpus with no dated
        document, the range is empty (``lo == hi``, ``undated`` True).

    Raises:
        AnalysisInputError: on an invalid value, ``start`` after ``end``, or start + window.

    Example:
        >>> resolve_date_range(df, end="2026-09-07", window="7d").label()
        '2026-09-01 to 2026-09-07'
    """
    lo = parse_date_bound(start, arg="start")
    hi = parse_date_bound(end, arg="end", upper=True)
    if window is not None and not (isinstance(window, str) and not window.strip()):
        length = parse_window(window)
        if lo is not None:
            raise AnalysisInputError(
                f"start={start!r} and window={window!r} cannot both be given: a window counts "
                "back from end (or from the newest document); give start and end instead"
            )
        if hi is None:
            require_columns(corpus, ["published"], func="resolve_date_range")
            if _published(corpus).isna().all():  # nothing dated: the window selects nothing
                epoch = pd.Timestamp(0, tz="UTC")
                return DateRange(epoch, epoch, undated=True)
            hi = _newest_bound(corpus, by_day=not window.strip().lower().endswith("h"))
        try:
            lo = hi - length
        except (ValueError, OverflowError):  # before 1677: outside what pandas can hold
            raise AnalysisInputError(
                f"window={window!r} before end={end!r} starts before 1678; give a later end"
            ) from None
    if lo is not None and hi is not None and lo > hi:
        raise AnalysisInputError(
            f"start={start!r} is after end={end!r}; expected start <= end ({_DATE_FORMS})"
        )
    return DateRange(lo, hi)


def _newest_bound(corpus: pd.DataFrame, *, by_day: bool) -> pd.Timestamp:
    require_columns(corpus, ["published"], func="resolve_date_range")
    published = _published(corpus)
    newest = published.max()
    if pd.isna(newest):  # nothing dated: an empty range at the epoch
        return pd.Timestamp(0, tz="UTC")
    if by_day:
        return newest.normalize() + pd.Timedelta(days=1)
    return newest + pd.Timedelta(1, "ns")


def _published(corpus: pd.DataFrame) -> pd.Series:
    published = pd.to_datetime(corpus["published"], errors="coerce", utc=True)
    return published


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

    keep = pd.Series(True, index=corpus.index)
    n_undated = 0
    if date_range.active:
        require_columns(corpus, ["published"], func="filter_corpus")
        published = _published(corpus)
        undated = published.isna()
        n_undated = int(undated.sum())
        in_range = ~undated
        if date_range.lo is not None:
            in_range &= published >= date_range.lo
        if date_range.hi is not None:
            in_range &= published < date_range.hi
        keep &= in_range.fillna(False).astype(bool)

    unknown_sources: list[str] = []
    if source_list is not None:
        require_columns(corpus, ["source"], func="filter_corpus")
        mask, unknown_sources = _match_names(corpus["source"], source_list)
        keep &= mask
    unknown_categories: list[str] = []
    if category_list is not None:
        require_columns(corpus, ["category"], func="filter_corpus")
        mask, unknown_categories = _match_names(corpus["category"], category_list)
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
        "unknown_sources": unknown_sources,
        "unknown_categories": unknown_categories,
    }
    return out


def comparison_periods(
    corpus: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    window: str | None = None,
    default_window: str = "7d",
) -> tuple[DateRange, DateRange]:
    """The selected period and the equal-length period just before it.

    When the selection has no bounded period (no ``window`` and not both ``start`` and
    ``end``), the period is ``default_window`` ending at ``end`` or at the newest document
    (with only ``start``: from ``start`` to the newest document's day).

    Args:
        corpus: a DataFrame with ``published`` (used to find the newest document).
        start: as for :func:`filter_corpus`.
        end: as for :func:`filter_corpus`.
        window: as for :func:`filter_corpus`.
        default_window: the period used when the selection is not bounded.

    Returns:
        ``(current, previous)`` :class:`DateRange` objects, both bounded.

    Example:
        >>> now, before = comparison_periods(corpus, end="2026-09-07", window="7d")
        >>> before.label()
        '2026-08-25 to 2026-08-31'
    """
    date_range = resolve_date_range(corpus, start=start, end=end, window=window)
    if not date_range.bounded:
        require_columns(corpus, ["published"], func="comparison_periods")
        if _published(corpus).isna().all():
            raise NoDatesError(
                "comparison_periods(): no document has a publication date ('published'); "
                "comparing periods needs dates, or give both start and end"
            )
        if date_range.lo is not None:  # start without end: up to the newest document's day
            hi = max(date_range.lo, _newest_bound(corpus, by_day=True))
            date_range = DateRange(date_range.lo, hi)
        else:
            date_range = resolve_date_range(corpus, end=end, window=default_window)
    length = date_range.hi - date_range.lo
    if isinstance(window, str) and window.strip() and date_range.hi is not None:
        offset = parse_window(window)
        if isinstance(offset, pd.DateOffset):  # the calendar months before, not as many days
            return date_range, DateRange(date_range.lo - offset, date_range.lo)
    return date_range, DateRange(date_range.lo - length, date_range.lo)


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


def period_freq(corpus: pd.DataFrame) -> str:
    """A sensible time step for charts of ``corpus``: "day", "week" or "month".

    Up to 31 days between the first and last dated document: "day"; up to 26 weeks:
    "week"; longer: "month".

    Example:
        >>> period_freq(filter_corpus(corpus, window="7d"))
        'day'
    """
    if "published" not in corpus or len(corpus) == 0:
        return "week"
    published = _published(corpus).dropna()
    if published.empty:
        return "week"
    span = published.max() - published.min()
    if span <= pd.Timedelta(days=31):
        return "day"
    if span <= pd.Timedelta(weeks=26):
        return "week"
    return "month"


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


def resolve_notebook_path(path: str | os.PathLike[str]) -> str:
    """A path parameter of a report notebook, found from wherever the kernel runs.

    Report notebooks give paths relative to the ``notebooks/`` folder (``"../data/sample"``)
    and the report runner starts them there. When the kernel runs elsewhere (e.g.
    ``papermill notebooks/term_frequency.ipynb out.ipynb`` from the repository root), a
    relative path that does not exist from the working folder is looked up beside the
    package's ``notebooks/`` folder instead. Absolute and existing paths are returned as given.

    Example:
        >>> resolve_notebook_path("../data/sample")  # doctest: +SKIP
        '/home/me/newsdesk/notebooks/../data/sample'
    """
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return str(given)
    beside = Path(__file__).resolve().parents[2] / "notebooks" / given
    return str(beside) if beside.exists() else str(given)


def grouping_column(
    corpus: pd.DataFrame, candidates: tuple[str, ...] = ("source", "category")
) -> str | None:
    """The first of ``candidates`` that splits ``corpus`` into at least two groups, or None.

    Reports compare sources; a corpus of one source (e.g. folders of one site) is compared
    by category instead.

    Example:
        >>> grouping_column(load_corpus("bbc/"))  # one source, five category folders
        'category'
    """
    for column in candidates:
        if column in corpus and corpus[column].dropna().nunique() >= 2:
            return column
    return None


def check_column(corpus: pd.DataFrame, column: Any, *, arg: str = "by") -> str:
    """``column`` when it is a column of ``corpus``; else an error naming the columns there.

    Report notebooks call this right after loading, so a misspelt ``by`` fails the report
    with one line instead of a traceback in the middle of it.

    Raises:
        AnalysisInputError: when ``column`` is not a column name of ``corpus``.

    Example:
        >>> check_column(load_corpus("data/sample"), "source")
        'source'
    """
    if not isinstance(column, str) or column not in corpus.columns:
        columns = ", ".join(str(c) for c in corpus.columns)
        raise AnalysisInputError(
            f"{arg}={column!r} is not a column of the corpus; expected one of: {columns}"
        )
    return column


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
