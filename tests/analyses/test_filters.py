"""Tests for analysis.analyses.filters: sources, categories, queries, date filters, empty reasons."""

from __future__ import annotations

import pandas as pd
import pytest
from _filter_data import dated_corpus as _corpus

from analysis.analyses.filters import (
    comparison_windows,
    empty_reason,
    filter_corpus,
    previous_window,
    query_pattern,
)
from analysis.analyses.periods import (
    DateRange,
)
from analysis.errors import AnalysisInputError


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
