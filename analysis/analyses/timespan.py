"""The date range a time chart shows: stray dates at the ends are left out, and said so.

A feed from 2022 with a handful of items dated 2019 would stretch every chart over three
years of empty periods. The rule (:func:`chart_span`):

1. Count the dated articles per calendar week (Monday to Sunday, UTC).
2. From each end, drop weeks with fewer than ``min_share`` (5%) of the median weekly
   count of the weeks that have articles (and always weeks with a single article when
   the median is above 20), one week at a time, while the dropped articles stay within
   ``max_left_out`` (1%) of all dated articles.
3. The chart covers the remaining weeks; the articles left out are counted and the
   report says so (with their dates). Empty periods *inside* the range are real gaps
   and stay in the chart.

Undated articles are never in a time chart; they are counted separately by the charts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.errors import AnalysisInputError

__all__ = ["ChartSpan", "chart_span"]


@dataclass(frozen=True)
class ChartSpan:
    """What :func:`chart_span` kept and left out.

    Attributes:
        start, end: first and last day shown (UTC dates), or None without dated articles.
        left_out: number of dated articles outside the range.
        left_out_dates: their publication days, oldest first (at most 10).
        dated: number of dated articles.
    """

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    left_out: int
    left_out_dates: tuple[str, ...]
    dated: int

    def message(self) -> str | None:
        """A sentence for the report, or None when nothing was left out."""
        if not self.left_out:
            return None
        share = self.left_out / self.dated
        days = ", ".join(self.left_out_dates)
        more = "…" if self.left_out > len(self.left_out_dates) else ""
        return (
            f"Time charts cover {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}: "
            f"{self.left_out:,} of {self.dated:,} dated articles ({share:.1%}) fall in sparse "
            f"weeks at the ends of the corpus and are not plotted ({days}{more}). Rule: end "
            "weeks with under 5% of the median weekly count are left out while that stays "
            "within 1% of the articles."
        )


def chart_span(
    corpus: pd.DataFrame,
    *,
    min_share: float = 0.05,
    max_left_out: float = 0.01,
    column: str = "published",
) -> tuple[pd.DataFrame, ChartSpan]:
    """The articles a time chart should show, and what was left out.

    Args:
        corpus: articles with a datetime ``column`` (UTC; NaT = undated).
        min_share: an end week with fewer articles than this share of the median weekly
            count is sparse.
        max_left_out: at most this share of the dated articles is left out.
        column: the date column.

    Returns:
        ``(rows kept, ChartSpan)``; undated rows are kept (the charts count them apart).

    Example:
        >>> shown, span = chart_span(corpus)  # doctest: +SKIP
        >>> span.message()  # doctest: +SKIP
        'Time charts cover 2022-02-28 to 2022-08-02: 11 of 5,954 dated articles (0.2%) ...'
    """
    if column not in corpus.columns:
        raise AnalysisInputError(
            f"chart_span(): argument 'corpus' has no {column!r} column; columns are "
            f"{list(corpus.columns)}"
        )
    if not 0 <= min_share < 1 or not 0 <= max_left_out < 1:
        raise AnalysisInputError(
            f"chart_span(): min_share={min_share!r}, max_left_out={max_left_out!r}; "
            "expected shares 0 <= x < 1"
        )
    dates = pd.to_datetime(corpus[column], utc=True)
    dated = dates.dropna()
    if dated.empty:
        return corpus, ChartSpan(None, None, 0, (), 0)
    weeks = dated.dt.tz_localize(None).dt.to_period("W-SUN")
    counts = weeks.value_counts().sort_index()
    median = float(counts.median())
    sparse = (counts < min_share * median) | ((counts == 1) & (median > 20))
    budget = max_left_out * len(dated)
    lo, hi, used = 0, len(counts) - 1, 0
    while lo < hi:
        left, right = sparse.iloc[lo], sparse.iloc[hi]
        if left and used + counts.iloc[lo] <= budget:
            used += int(counts.iloc[lo])
            lo += 1
        elif right and used + counts.iloc[hi] <= budget:
            used += int(counts.iloc[hi])
            hi -= 1
        else:
            break
    first, last = counts.index[lo], counts.index[hi]
    keep_dated = (weeks >= first) & (weeks <= last)
    start = dated[keep_dated].min().normalize()
    end = dated[keep_dated].max().normalize()
    out_days = sorted({f"{d:%Y-%m-%d}" for d in dated[~keep_dated]})
    mask = dates.isna() | (
        (dates.dt.tz_localize(None).dt.to_period("W-SUN") >= first)
        & (dates.dt.tz_localize(None).dt.to_period("W-SUN") <= last)
    )
    span = ChartSpan(
        start=start,
        end=end,
        left_out=int((~keep_dated).sum()),
        left_out_dates=tuple(out_days[:10]),
        dated=len(dated),
    )
    return corpus[mask.to_numpy()], span
