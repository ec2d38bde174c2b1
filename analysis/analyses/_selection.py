"""Private: the target and reference documents of
:func:`analysis.analyses.keyness.distinctive_terms`: values of a column, or periods of a
date column."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from analysis.analyses._counting import _as_datetime
from analysis.errors import AnalysisInputError

__all__ = ["select_sides"]


def _is_period(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2


def _bound(value: Any, tz: Any, *, func: str, arg: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise AnalysisInputError(
            f"{func}(): {arg} contains {value!r}, which is not a date; expected e.g. "
            "('2026-10-01', '2026-10-07')"
        ) from None
    if ts is pd.NaT:
        raise AnalysisInputError(f"{func}(): {arg} contains a missing date {value!r}")
    if tz is not None and ts.tz is None:
        ts = ts.tz_localize(tz)
    elif tz is None and ts.tz is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def _period_mask(dates: pd.Series, period: Any, *, func: str, arg: str) -> np.ndarray:
    """Documents dated within ``(start, end)``; both ends inclusive, None = open.

    An end given as a date (no time, or midnight) covers that whole day.
    """
    if not _is_period(period):
        raise AnalysisInputError(
            f"{func}(): {arg}={period!r} is not a period; expected a (start, end) tuple of "
            "dates such as ('2026-10-01', '2026-10-07')"
        )
    tz = getattr(dates.dtype, "tz", None)
    start = _bound(period[0], tz, func=func, arg=arg)
    end = _bound(period[1], tz, func=func, arg=arg)
    if start is not None and end is not None and end < start:
        raise AnalysisInputError(f"{func}(): {arg}={period!r} ends before it starts")
    mask = dates.notna().to_numpy().copy()
    if start is not None:
        mask &= (dates >= start).to_numpy()
    if end is not None:
        whole_day = isinstance(period[1], dt.date) and not isinstance(period[1], dt.datetime)
        if whole_day or end == end.normalize():
            mask &= (dates < end + pd.Timedelta(days=1)).to_numpy()
        else:
            mask &= (dates <= end).to_numpy()
    return mask


def _values(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple, set, frozenset, pd.Series, pd.Index, np.ndarray)):
        return list(value)
    return [value]


def select_sides(
    corpus: pd.DataFrame, by: str, target: Any, reference: Any, *, func: str
) -> tuple[np.ndarray, np.ndarray, int]:
    """Boolean masks of the target and reference documents, and the number of documents
    left out for lack of a date (period mode only)."""
    col = corpus[by]
    if by == "published" or pd.api.types.is_datetime64_any_dtype(col):
        dates = _as_datetime(col, func=func, column=by)
        t_mask = _period_mask(dates, target, func=func, arg="target")
        dated = dates.notna().to_numpy()
        if reference is None:
            r_mask = dated & ~t_mask
        else:
            r_mask = _period_mask(dates, reference, func=func, arg="reference")
        missing = int((~dated).sum())
    else:
        t_mask = col.isin(_values(target)).to_numpy()
        r_mask = ~t_mask if reference is None else col.isin(_values(reference)).to_numpy()
        missing = 0
        if not t_mask.any():
            known = pd.unique(col.dropna())[:20].tolist()
            raise AnalysisInputError(
                f"{func}(): target={target!r} matches no document in column {by!r}; "
                f"values there include {known}"
            )
    if (t_mask & r_mask).any():
        raise AnalysisInputError(
            f"{func}(): target={target!r} and reference={reference!r} overlap "
            f"({int((t_mask & r_mask).sum())} documents are in both)"
        )
    for name, mask in (("target", t_mask), ("reference", r_mask)):
        if not mask.any():
            raise AnalysisInputError(f"{func}(): the {name} selection has no documents")
    return t_mask, r_mask, missing
