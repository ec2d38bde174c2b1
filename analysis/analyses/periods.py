"""Date ranges of a selection: ``start``/``end``/``window`` as a half-open UTC period.

Dates are UTC. ``start`` and ``end`` are inclusive: a date-only ``end`` (``"2026-09-07"``) keeps
the whole of that day. ``window`` (``"12h"``, ``"7d"``, ``"4w"``) is a period that ends at ``end``
or, when ``end`` is None, at the newest dated document; day and week windows cover whole calendar
days (``"7d"`` ending on 7 September is 1-7 September). Month and quarter windows (``"1m"``,
``"3m"``, ``"1q"``) are calendar months counted back from the same point (``"1m"`` ending on
7 September is 8 August to 7 September).

:func:`comparison_periods` gives the selected period and the equal-length period just before
it, for "rising / falling" comparisons; :func:`period_freq` a time step for charts. The
documents of a period are selected by :mod:`analysis.analyses.filters`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis._validate import require_columns
from analysis.errors import AnalysisInputError, NoDatesError

__all__ = [
    "DateRange",
    "comparison_periods",
    "parse_date_bound",
    "parse_window",
    "period_freq",
    "resolve_date_range",
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
        :func:`analysis.analyses.keyness.distinctive_terms` periods."""
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
