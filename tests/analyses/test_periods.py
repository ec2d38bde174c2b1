"""Tests for analysis.analyses.periods: windows, date bounds, ranges, comparison periods."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from _filter_data import dated_corpus as _corpus

from analysis.analyses.filters import (
    filter_corpus,
)
from analysis.analyses.periods import (
    DateRange,
    comparison_periods,
    parse_date_bound,
    parse_window,
    period_freq,
    resolve_date_range,
)
from analysis.errors import AnalysisInputError


def test_parse_window_units():
    assert parse_window("24h") == pd.Timedelta(hours=24)
    assert parse_window("7d") == pd.Timedelta(days=7)
    assert parse_window(" 4W ") == pd.Timedelta(weeks=4)


@pytest.mark.parametrize("bad", ["", "7", "d7", "7 days", "1y", "0m", "0d", "-3d", "1.5d", 7, None])
def test_parse_window_rejects_with_parameter_name(bad):
    with pytest.raises(AnalysisInputError, match=r"window=.*(expected|longer than 0)"):
        parse_window(bad)


def test_parse_date_bound_date_only_end_is_whole_day():
    assert parse_date_bound("2026-09-07", arg="end", upper=True) == pd.Timestamp(
        "2026-09-08", tz="UTC"
    )
    assert parse_date_bound("2026-09-07", arg="start") == pd.Timestamp("2026-09-07", tz="UTC")
    assert parse_date_bound(dt.date(2026, 9, 7), arg="end", upper=True) == pd.Timestamp(
        "2026-09-08", tz="UTC"
    )


def test_parse_date_bound_timestamps_and_zones():
    got = parse_date_bound("2026-09-07T12:00:00+02:00", arg="start")
    assert got == pd.Timestamp("2026-09-07 10:00", tz="UTC")
    assert str(got.tz) == "UTC"
    # a time-of-day upper bound includes that instant
    hi = parse_date_bound("2026-09-07T10:00:00Z", arg="end", upper=True)
    assert hi > pd.Timestamp("2026-09-07 10:00", tz="UTC")
    assert hi < pd.Timestamp("2026-09-07 10:00:01", tz="UTC")
    assert parse_date_bound(None, arg="start") is None
    assert parse_date_bound("  ", arg="start") is None


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "07/09/2026x", 3.5])
def test_parse_date_bound_rejects(bad):
    with pytest.raises(AnalysisInputError, match=r"start=.*YYYY-MM-DD"):
        parse_date_bound(bad, arg="start")


def test_resolve_date_range_label():
    r = resolve_date_range(_corpus(), end="2026-09-07", window="2w")
    assert r.bounded
    assert r.label() == "2026-08-25 to 2026-09-07"
    assert DateRange().label() == "the beginning to the end"


def test_comparison_periods_and_inclusive_bounds():
    now, before = comparison_periods(_corpus(), end="2026-09-07", window="7d")
    assert now.label() == "2026-09-01 to 2026-09-07"
    assert before.hi == now.lo
    assert before.hi - before.lo == now.hi - now.lo
    first, last = now.bounds()
    assert first == pd.Timestamp("2026-09-01", tz="UTC")
    assert last == pd.Timestamp("2026-09-08", tz="UTC") - pd.Timedelta(1, "ns")
    # start only: up to the newest document's day
    now, before = comparison_periods(_corpus(), start="2026-09-05")
    assert now.label() == "2026-09-05 to 2026-09-07"
    assert before.label() == "2026-09-02 to 2026-09-04"


def test_period_freq():
    df = _corpus()
    assert period_freq(filter_corpus(df, window="7d")) == "day"
    assert period_freq(df) == "week"  # 2026-08-01 .. 2026-09-07: 37 days
    long = df.copy()
    long.loc[0, "published"] = pd.Timestamp("2027-06-01", tz="UTC")
    assert period_freq(long) == "month"
    assert period_freq(df.iloc[:0]) == "week"


def test_comparison_periods_needs_dates_unless_bounded():
    df = _corpus().assign(published=pd.NaT)
    df["published"] = pd.to_datetime(df["published"], utc=True)
    with pytest.raises(AnalysisInputError, match="no document has a publication date"):
        comparison_periods(df)
    _now, before = comparison_periods(df, start="2026-09-01", end="2026-09-07")
    assert before.label() == "2026-08-25 to 2026-08-31"


def test_month_and_quarter_windows_are_calendar_months():
    assert parse_window("1m") == pd.DateOffset(months=1)
    assert parse_window("3M") == pd.DateOffset(months=3)
    assert parse_window("1q") == pd.DateOffset(months=3)
    df = _corpus()
    month = resolve_date_range(df, end="2026-09-07", window="1m")
    assert month.label() == "2026-08-08 to 2026-09-07"
    quarter = resolve_date_range(df, end="2026-09-30", window="1q")
    assert quarter.label() == "2026-07-01 to 2026-09-30"
    picked = filter_corpus(df, window="1m")  # ends on the newest article's day, 7 September
    assert picked.attrs["filter"]["period"] == "2026-08-08 to 2026-09-07"
    assert "g" not in set(picked["doc_id"]) and "f" in set(picked["doc_id"])
    current, previous = comparison_periods(df, end="2026-09-30", window="1m")
    assert (current.label(), previous.label()) == (  # September, then all of August
        "2026-09-01 to 2026-09-30",
        "2026-08-01 to 2026-08-31",
    )


@pytest.mark.parametrize("bad", ["1;", "7", "0001-01-01", "9999-12-31", "20260907", "2026-13-45"])
def test_dates_must_be_iso_and_within_range(bad):
    """pd.Timestamp alone reads "1;" as the year 1, then adding a day overflows (found by
    tests/reports/test_params_fuzz.py)."""
    for upper in (False, True):
        with pytest.raises(AnalysisInputError, match=r"end=.* is not a valid date"):
            parse_date_bound(bad, arg="end", upper=upper)
