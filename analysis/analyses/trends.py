"""Terms over time: how often given terms are used per day, week or month.

The terms and the text are tokenized alike (:mod:`analysis.analyses._tokenize`), and the
counts are normalised by the number of words published in each period.

Example:
    >>> from analysis.analyses.trends import term_trends
    >>> term_trends(corpus, ["inflation", "interest rate"], freq="month")  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis._validate import (
    document_text,
    require_choice,
    require_columns,
    require_nonempty,
    require_positive_int,
)
from analysis.analyses._counting import _FREQS, Freq, _as_datetime, _progress
from analysis.analyses._tokenize import StopwordsArg, _Tokenizer
from analysis.errors import AnalysisInputError, NoDatesError

__all__ = ["term_trends"]


def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    """Start of the day / week (Monday) / month of each date, in the dates' own time zone."""
    tz = getattr(dates.dtype, "tz", None)
    wall = dates.dt.tz_localize(None) if tz is not None else dates
    wall = wall.astype("datetime64[ns]").dt.normalize()
    if freq == "week":
        wall = wall - pd.to_timedelta(wall.dt.day_of_week, unit="D")
    elif freq == "month":
        wall = wall - pd.to_timedelta(wall.dt.day - 1, unit="D")
    if tz is not None:
        wall = wall.dt.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return wall


def _rate_column(per: int) -> str:
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if per % size == 0:
            return f"per_{per // size}{suffix}"
    return f"per_{per}"


def term_trends(
    corpus: pd.DataFrame,
    terms: str | Sequence[str],
    *,
    freq: Freq = "week",
    per: int = 10_000,
    date_column: str = "published",
    stopwords: StopwordsArg = "english",
    lowercase: bool = True,
    numbers: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """How often given terms are used per day, week or month, normalised by text volume.

    Each term is tokenized like the text (lower-cased, stop words removed), so
    "Interest rates" counts the bigram "interest rates" and "Bank of England" counts
    "bank england" (the stop word "of" is gone on both sides). A term that is only stop
    words raises an error (pass ``stopwords=None``).

    Documents without a date are left out: their number is in
    ``result.attrs["excluded_missing_dates"]`` and a warning says so. Every period
    between the first and the last dated document appears, with 0 when nothing was
    published then (``total_words`` 0 and a rate of 0.0), so plots are honest.

    Args:
        corpus: A corpus DataFrame with ``text`` and the ``date_column``.
        terms: One term or a list of terms (words or phrases).
        freq: "day", "week" (weeks start on Monday) or "month".
        per: The rate is per this many words (column ``per_10k`` for 10,000).
        date_column: The column with the dates (default "published").
        stopwords: Stop words removed before n-grams are formed (see
            :func:`analysis.analyses.terms.tokenize`).
        lowercase: Lower-case before tokenizing (False: case-sensitive terms).
        numbers: Keep tokens with digits.
        min_length: Minimum number of letters in a token.
        progress: Show a progress bar on long runs.

    Returns:
        One row per period x term: ``period`` (start of the period, a Timestamp in the
        dates' time zone), ``term`` (as you wrote it), ``count``, ``total_words`` (all
        word tokens of the period's documents, stop words included) and ``per_10k``
        (count / total_words * per). Sorted by period, then in the order of ``terms``.

    Example:
        >>> trends = term_trends(corpus, ["inflation", "interest rates"], freq="month")
        ...                                                     # doctest: +SKIP
        >>> trends.pivot(index="period", columns="term", values="per_10k").plot()
        ...                                                     # doctest: +SKIP
    """
    func = "term_trends"
    require_columns(corpus, ["text", date_column], func=func)
    require_nonempty(corpus, func=func)
    require_choice(freq, _FREQS, func=func, arg="freq")
    require_positive_int(per, func=func, arg="per")
    term_list = [terms] if isinstance(terms, str) else terms
    if not isinstance(term_list, (list, tuple, pd.Series, pd.Index)) or len(term_list) == 0:
        raise AnalysisInputError(
            f"{func}(): terms={terms!r} is not valid; expected a term or a non-empty list of terms"
        )
    tok = _Tokenizer(
        func=func,
        stopwords=stopwords,
        lowercase=lowercase,
        numbers=numbers,
        min_length=min_length,
    )
    keys = _term_keys(term_list, tok, func=func)
    dates, dated, n_missing = _dates(corpus, date_column, func=func)
    starts = _period_start(dates[dated], freq)
    texts = document_text(corpus)[dated].tolist()
    rows, words_in = _count_per_period(texts, starts, tok, keys, progress=progress)
    periods = _periods(starts, freq)
    n_p, n_t = len(periods), len(keys)
    out = pd.DataFrame(
        {
            "period": periods.repeat(n_t),
            "term": pd.array(np.tile(np.array(term_list, dtype=object), n_p), dtype="str"),
        }
    )
    counts = np.array([rows.get((p, k), 0) for p in periods for k in keys], dtype=np.int64)
    totals = np.array([words_in.get(p, 0) for p in periods], dtype=np.int64).repeat(n_t)
    out["count"] = counts
    out["total_words"] = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        out[_rate_column(per)] = np.where(totals > 0, counts / np.maximum(totals, 1) * per, 0.0)
    out.attrs.update(
        excluded_missing_dates=n_missing,
        normalized_terms=dict(zip(term_list, keys, strict=True)),
        freq=freq,
        token_pattern=tok.pattern,
    )
    return out


def _dates(
    corpus: pd.DataFrame, date_column: str, *, func: str
) -> tuple[pd.Series, np.ndarray, int]:
    """The dates, which rows have one, and how many have none (a warning says so)."""
    dates = _as_datetime(corpus[date_column], func=func, column=date_column)
    dated = dates.notna().to_numpy()
    n_missing = int((~dated).sum())
    if n_missing == len(corpus):
        raise NoDatesError(
            f"{func}(): no document has a date in column {date_column!r}; nothing to plot"
        )
    if n_missing:
        warnings.warn(
            f"{func}(): {n_missing} of {len(corpus)} documents have no {date_column!r} date "
            "and were left out",
            UserWarning,
            stacklevel=3,  # term_trends's caller
        )
    return dates, dated, n_missing


def _term_keys(term_list: Sequence[Any], tok: _Tokenizer, *, func: str) -> list[str]:
    """Each term as the text's tokens would spell it ("Bank of England" -> "bank england")."""
    keys: list[str] = []
    for term in term_list:
        if not isinstance(term, str) or not term.strip():
            raise AnalysisInputError(f"{func}(): every term must be a non-empty str; got {term!r}")
        words = tok.tokens(term)
        if not words:
            raise AnalysisInputError(
                f"{func}(): term {term!r} has no word left after tokenizing (stop words and "
                "tokens without letters are dropped); pass stopwords=None to count it"
            )
        keys.append(" ".join(words))
    return keys


def _count_per_period(
    texts: list[str], starts: pd.Series, tok: _Tokenizer, keys: list[str], *, progress: bool
) -> tuple[Counter[tuple[Any, str]], Counter[Any]]:
    """Counts of each term key per period start, and all word tokens per period start."""
    orders = sorted({k.count(" ") + 1 for k in keys})
    wanted = set(keys)
    rows: Counter[tuple[Any, str]] = Counter()
    words_in: Counter[Any] = Counter()
    stop = tok.stopwords
    for _, raw, start in zip(
        _progress(texts, progress=progress, desc="counting terms"),
        tok.raw_token_lists(texts),
        starts.tolist(),
        strict=True,
    ):
        words_in[start] += len(raw)
        toks = [w for w in raw if w not in stop] if stop else raw
        for n in orders:
            grams = (
                toks if n == 1 else map(" ".join, zip(*(toks[i:] for i in range(n)), strict=False))
            )
            for g in grams:
                if g in wanted:
                    rows[(start, g)] += 1
    return rows, words_in


def _periods(starts: pd.Series, freq: str) -> pd.DatetimeIndex:
    """Every period from the first start to the last (in the starts' time zone)."""
    step = {"day": "D", "week": "7D", "month": "MS"}[freq]
    tz = getattr(starts.dtype, "tz", None)
    first, last = starts.min(), starts.max()
    if tz is not None:
        grid = pd.date_range(first.tz_localize(None), last.tz_localize(None), freq=step)
        return grid.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return pd.date_range(first, last, freq=step)
