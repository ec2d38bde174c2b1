"""Time charts leave out stray dates at the ends of a corpus, by a stated rule."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.analyses.timespan import chart_span
from analysis.corpus.load import load_corpus
from analysis.errors import AnalysisInputError


def _frame(dates: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"published": pd.to_datetime(dates, utc=True, format="mixed")})


def test_a_stray_old_article_is_left_out_and_reported():
    days = pd.date_range("2022-03-01", "2022-05-31", freq="D", tz="UTC")
    dates = [str(d) for d in days for _ in range(8)]  # 8 a day, 13 weeks
    corpus = _frame(["2019-10-29 10:00", *dates, None])
    shown, span = chart_span(corpus)
    assert len(shown) == len(corpus) - 1  # the 2019 item goes, the undated one stays
    assert shown["published"].isna().sum() == 1
    assert (span.start, span.end) == (days[0], days[-1])
    assert span.left_out == 1 and span.left_out_dates == ("2019-10-29",)
    message = span.message()
    assert "2022-03-01 to 2022-05-31" in message and "2019-10-29" in message
    assert "1 of 737 dated articles" in message


def test_nothing_left_out_beyond_one_percent():
    days = pd.date_range("2022-03-01", "2022-03-28", freq="D", tz="UTC")
    dates = [str(d) for d in days for _ in range(3)]  # 84 articles: 1% is under one
    shown, span = chart_span(_frame(["2019-10-29", *dates]))
    assert len(shown) == 85 and span.left_out == 0 and span.message() is None


def test_gaps_inside_the_range_are_kept():
    early = [str(d) for d in pd.date_range("2022-03-01", "2022-03-14", tz="UTC") for _ in range(5)]
    late = [str(d) for d in pd.date_range("2022-05-01", "2022-05-14", tz="UTC") for _ in range(5)]
    shown, span = chart_span(_frame(early + late))
    assert len(shown) == 140 and span.left_out == 0


def test_undated_and_bad_input():
    shown, span = chart_span(_frame([None, None]))
    assert len(shown) == 2 and span.start is None and span.message() is None
    with pytest.raises(AnalysisInputError, match="no 'published' column"):
        chart_span(pd.DataFrame({"x": [1]}))
    with pytest.raises(AnalysisInputError, match="min_share=2"):
        chart_span(_frame([None]), min_share=2)


def test_bbc_rss_feed_is_charted_over_2022_only(rss_csv):
    corpus = load_corpus(rss_csv, quiet=True, progress=False, drop_duplicates=True)
    shown, span = chart_span(corpus)
    dated = shown["published"].dropna()
    assert dated.min() >= pd.Timestamp("2022-02-28", tz="UTC")
    assert dated.max().date().isoformat() == "2022-08-02"  # the feed's real last day kept
    assert 0 < span.left_out <= 0.01 * span.dated
    assert "2019-10-29" in span.left_out_dates
    # the same rule by hand: weekly counts, median, sparse end weeks
    weeks = corpus["published"].dropna().dt.tz_localize(None).dt.to_period("W-SUN")
    counts = weeks.value_counts().sort_index()
    assert counts[counts.index < pd.Period("2022-02-28", "W-SUN")].sum() == span.left_out
