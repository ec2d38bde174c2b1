"""Tests for analysis.analyses.filters: date ranges, windows, sources, categories, queries."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.analyses.filters import (
    comparison_windows,
    empty_reason,
    filter_corpus,
    previous_window,
    query_pattern,
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
from analysis.reports.notebook import check_column, grouping_column, resolve_notebook_path


def _corpus() -> pd.DataFrame:
    rows = [
        (
            "a",
            "Budget vote",
            "The chancellor set out the budget.",
            "Wire",
            "business",
            "2026-09-07 18:30",
        ),
        ("b", "Cup final", "A late goal won the cup.", "wire", "sport", "2026-09-07 00:00"),
        (
            "c",
            "Rates held",
            "The central bank held rates.",
            "Daily",
            "business",
            "2026-09-01 00:00",
        ),
        ("d", "Old news", "Banking rules from August.", "Daily", "politics", "2026-08-31 23:59"),
        ("e", "Undated", "Budget talk with no date.", "Wire", "business", None),
        ("f", "Earlier", "The budget in late August.", "Wire", "business", "2026-08-26 09:00"),
        ("g", "Much earlier", "Nothing to see.", None, None, "2026-08-01 09:00"),
    ]
    df = pd.DataFrame(rows, columns=["doc_id", "title", "text", "source", "category", "published"])
    df["published"] = pd.to_datetime(df["published"]).dt.tz_localize("UTC")
    df["is_duplicate"] = [False, False, False, False, False, False, True]
    return df


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


def test_start_end_inclusive():
    out = filter_corpus(_corpus(), start="2026-09-01", end="2026-09-07")
    assert sorted(out["doc_id"]) == ["a", "b", "c"]
    info = out.attrs["filter"]
    assert info["n_in"] == 7
    assert info["n_out"] == 3
    assert info["n_undated_excluded"] == 1
    assert info["period"] == "2026-09-01 to 2026-09-07"


def test_end_only_and_start_only():
    assert sorted(filter_corpus(_corpus(), end="2026-08-31")["doc_id"]) == ["d", "f", "g"]
    assert sorted(filter_corpus(_corpus(), start="2026-09-07")["doc_id"]) == ["a", "b"]


def test_no_date_filter_keeps_undated():
    out = filter_corpus(_corpus())
    assert len(out) == 7
    assert out.attrs["filter"]["n_undated_excluded"] == 0
    assert out.attrs["filter"]["date_range"] == DateRange()


def test_window_relative_to_newest_document_whole_days():
    # newest is 2026-09-07 18:30 -> 7 days = 2026-09-01 .. 2026-09-07
    out = filter_corpus(_corpus(), window="7d")
    assert sorted(out["doc_id"]) == ["a", "b", "c"]
    assert out.attrs["filter"]["period"] == "2026-09-01 to 2026-09-07"


def test_window_relative_to_end():
    out = filter_corpus(_corpus(), end="2026-08-31", window="1w")
    assert sorted(out["doc_id"]) == ["d", "f"]


def test_hour_window_counts_back_from_newest_instant():
    out = filter_corpus(_corpus(), window="24h")
    # 2026-09-06 18:30 < t <= 2026-09-07 18:30
    assert sorted(out["doc_id"]) == ["a", "b"]
    out = filter_corpus(_corpus(), window="18h")
    assert sorted(out["doc_id"]) == ["a"]


def test_window_with_start_is_an_error():
    with pytest.raises(AnalysisInputError, match=r"start=.*window="):
        filter_corpus(_corpus(), start="2026-09-01", window="7d")


def test_start_after_end_is_an_error():
    with pytest.raises(AnalysisInputError, match="after end"):
        filter_corpus(_corpus(), start="2026-09-08", end="2026-09-01")


def test_window_on_undated_corpus_gives_empty_result():
    df = _corpus().assign(published=pd.NaT)
    df["published"] = pd.to_datetime(df["published"], utc=True)
    out = filter_corpus(df, window="7d")
    assert len(out) == 0
    assert out.attrs["filter"]["n_undated_excluded"] == 7


def test_sources_case_insensitive_and_unknown_reported():
    out = filter_corpus(_corpus(), sources=["WIRE", "Nowhere"])
    assert sorted(out["doc_id"]) == ["a", "b", "e", "f"]
    assert out.attrs["filter"]["unknown_sources"] == ["Nowhere"]
    # a single string is one source, not a list of characters
    assert len(filter_corpus(_corpus(), sources="Daily")) == 2


def test_categories():
    out = filter_corpus(_corpus(), categories=["business"])
    assert sorted(out["doc_id"]) == ["a", "c", "e", "f"]


def test_query_whole_word_case_insensitive_title_or_text():
    out = filter_corpus(_corpus(), query="budget")
    assert sorted(out["doc_id"]) == ["a", "e", "f"]
    # whole words: "bank" does not match "Banking"
    assert sorted(filter_corpus(_corpus(), query="bank")["doc_id"]) == ["c"]
    # phrases tolerate any whitespace
    assert sorted(filter_corpus(_corpus(), query="central   bank")["doc_id"]) == ["c"]
    # regex characters are literal
    assert len(filter_corpus(_corpus(), query="rate.")) == 0
    assert query_pattern("c++").search("I like C++ a lot")


def test_filters_combine_and_can_leave_nothing():
    out = filter_corpus(_corpus(), window="7d", sources=["Daily"], query="goal")
    assert len(out) == 0
    assert list(out.columns) == list(_corpus().columns)
    assert out.attrs["filter"]["n_out"] == 0


def test_drop_duplicates():
    out = filter_corpus(_corpus(), drop_duplicates=True)
    assert "g" not in set(out["doc_id"])
    assert out.attrs["filter"]["n_duplicates_dropped"] == 1


def test_input_not_mutated_and_new_frame():
    df = _corpus()
    before = df.copy()
    out = filter_corpus(df, window="7d")
    pd.testing.assert_frame_equal(df, before)
    out.loc[0, "title"] = "changed"
    pd.testing.assert_frame_equal(df, before)


def test_missing_columns():
    with pytest.raises(AnalysisInputError, match="missing column"):
        filter_corpus(pd.DataFrame({"doc_id": ["a"], "title": ["t"]}))
    df = _corpus().drop(columns=["source"])
    with pytest.raises(AnalysisInputError, match="source"):
        filter_corpus(df, sources=["Wire"])


def test_previous_window_equal_length():
    prev = previous_window(_corpus(), end="2026-09-07", window="7d")
    assert prev.attrs["filter"]["period"] == "2026-08-25 to 2026-08-31"
    assert sorted(prev["doc_id"]) == ["d", "f"]
    with pytest.raises(AnalysisInputError, match="not bounded"):
        previous_window(_corpus(), start="2026-09-01")


def test_comparison_windows_explicit_and_default():
    now, before = comparison_windows(_corpus(), start="2026-09-04", end="2026-09-07")
    assert sorted(now["doc_id"]) == ["a", "b"]
    assert before.attrs["filter"]["period"] == "2026-08-31 to 2026-09-03"
    assert sorted(before["doc_id"]) == ["c", "d"]
    # no period given: the default window ending at the newest document
    now, before = comparison_windows(_corpus(), default_window="7d", sources=["wire"])
    assert sorted(now["doc_id"]) == ["a", "b"]
    assert sorted(before["doc_id"]) == ["f"]


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


def test_resolve_notebook_path(tmp_path, monkeypatch):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(tmp_path)
    # relative to the notebooks folder when it does not exist from here
    assert Path(resolve_notebook_path("../data/sample")).resolve() == (root / "data" / "sample")
    # existing relative paths and absolute paths are kept
    (tmp_path / "mine").mkdir()
    assert resolve_notebook_path("mine") == "mine"
    assert resolve_notebook_path(str(tmp_path)) == str(tmp_path)
    # unknown paths are returned unchanged (the loader reports them)
    assert resolve_notebook_path("nowhere/at/all") == "nowhere/at/all"


def test_grouping_column():
    df = _corpus()
    assert grouping_column(df) == "source"
    one_source = df.assign(source="Wire")
    assert grouping_column(one_source) == "category"
    assert grouping_column(one_source.assign(category=None)) is None
    assert grouping_column(df.drop(columns=["source"])) == "category"


def test_comparison_periods_needs_dates_unless_bounded():
    df = _corpus().assign(published=pd.NaT)
    df["published"] = pd.to_datetime(df["published"], utc=True)
    with pytest.raises(AnalysisInputError, match="no document has a publication date"):
        comparison_periods(df)
    _now, before = comparison_periods(df, start="2026-09-01", end="2026-09-07")
    assert before.label() == "2026-08-25 to 2026-08-31"


# ----------------------------------------------------------------------------- issue 9


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


def _undated() -> pd.DataFrame:
    df = _corpus()
    df["published"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    return df


def test_window_on_an_undated_corpus_says_so_instead_of_1969():
    picked = filter_corpus(_undated(), window="7d")
    assert picked.empty
    period = picked.attrs["filter"]["period"]
    assert "1969" not in period and "1970" not in period and "no dates" in period
    assert empty_reason(picked) == "this corpus has no dates; a window needs dates"
    dated_only = filter_corpus(_undated(), start="2026-09-01")
    assert empty_reason(dated_only) == "this corpus has no dates; start and end need dates"


def test_empty_reason_names_what_left_nothing():
    df = _corpus()
    assert empty_reason(filter_corpus(df)) is None
    assert empty_reason(filter_corpus(df, sources=["Nowhere", "Elsewhere"])) == (
        "no source 'Nowhere', 'Elsewhere' in this corpus"
    )
    assert empty_reason(filter_corpus(df, categories=["weather"])) == (
        "no category 'weather' in this corpus"
    )
    reason = empty_reason(filter_corpus(df, query="zebra crossing", sources=["Wire"]))
    assert (
        reason == "no documents match the selected filters (sources Wire; query 'zebra crossing')"
    )
    assert empty_reason(filter_corpus(df.iloc[:0])) == "the corpus has no documents"


def test_check_column_names_the_columns_there():
    df = _corpus()
    assert check_column(df, "source") == "source"
    with pytest.raises(
        AnalysisInputError, match=r"by='nonexistent' is not a column.*doc_id, title"
    ):
        check_column(df, "nonexistent")


@pytest.mark.parametrize("bad", ["1;", "7", "0001-01-01", "9999-12-31", "20260907", "2026-13-45"])
def test_dates_must_be_iso_and_within_range(bad):
    """pd.Timestamp alone reads "1;" as the year 1, then adding a day overflows (found by
    tests/test_report_params_fuzz.py)."""
    for upper in (False, True):
        with pytest.raises(AnalysisInputError, match=r"end=.* is not a valid date"):
            parse_date_bound(bad, arg="end", upper=upper)
