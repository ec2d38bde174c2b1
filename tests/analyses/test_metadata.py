"""Extra table columns survive loading; sections from URL paths; column mappings."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.analyses.metadata import parse_column_mapping, url_section, with_url_sections
from analysis.corpus.load import CORPUS_COLUMNS, load_corpus
from analysis.errors import AnalysisInputError


def _feed(tmp_path):
    path = tmp_path / "feed.csv"
    pd.DataFrame(
        {
            "headline": ["Tide mill reopens", "Quay crane fails", "Ferry fares frozen"],
            "body": [
                "The restored tide mill ground its first flour in forty years.",
                "Unloading stopped for six hours when the new crane jammed.",
                "The island ferry will keep this year's fares through the winter.",
            ],
            "section": ["local", "business", "transport"],
            "author": ["R. Castell", None, "M. Penhale"],
            "link": [
                "https://example.org/news/local-101",
                "https://example.org/news/business-102",
                "https://example.org/travel/ferries/103",
            ],
            "path": ["a", "b", "c"],  # clashes with the corpus's own column
        }
    ).to_csv(path, index=False)
    return path


def test_extra_columns_survive_loading(tmp_path):
    corpus = load_corpus(_feed(tmp_path), quiet=True, progress=False)
    assert list(corpus.columns[: len(CORPUS_COLUMNS)]) == CORPUS_COLUMNS
    assert list(corpus.columns[len(CORPUS_COLUMNS) :]) == ["author", "extra_path"]
    assert corpus["author"].tolist()[0] == "R. Castell"
    assert corpus["author"].isna().tolist() == [False, True, False]
    assert corpus["category"].tolist() == ["local", "business", "transport"]  # mapped field


def test_columns_map_a_field_and_free_the_old_column(tmp_path):
    corpus = load_corpus(
        _feed(tmp_path), columns={"category": "author"}, quiet=True, progress=False
    )
    assert corpus["category"].tolist()[0] == "R. Castell"
    assert corpus["section"].tolist() == ["local", "business", "transport"]  # kept as extra


def test_url_section_rules():
    assert url_section("https://www.bbc.co.uk/news/world-europe-60638042") == "world-europe"
    assert url_section("https://www.bbc.co.uk/sport/football/60640428") == "football"
    assert url_section("https://www.bbc.co.uk/news/uk-politics-60641234?at_medium=RSS") == (
        "uk-politics"
    )
    assert url_section("https://example.org/travel/ferries/103.html") == "ferries"
    assert url_section("https://example.org/") is None
    assert url_section(None) is None


def test_with_url_sections_fills_missing_only(tmp_path):
    corpus = load_corpus(_feed(tmp_path), quiet=True, progress=False)
    out = with_url_sections(corpus, into="url_section")
    assert out["url_section"].tolist() == ["local", "business", "ferries"]
    assert "url_section" not in corpus.columns  # input untouched
    kept = with_url_sections(corpus, into="category")
    assert kept["category"].tolist() == ["local", "business", "transport"]
    replaced = with_url_sections(corpus, into="category", overwrite=True)
    assert replaced["category"].tolist()[2] == "ferries"
    with pytest.raises(AnalysisInputError, match="no 'url' column"):
        with_url_sections(corpus.drop(columns=["url"]))


def test_url_sections_on_bbc_rss(rss_csv):
    corpus = load_corpus(rss_csv, quiet=True, progress=False)
    sections = with_url_sections(corpus)["section"]
    assert sections.notna().all()
    top = sections.value_counts()
    # the feed's largest desks, read from the guid URLs
    assert {"world-europe", "football", "uk", "business", "uk-politics"} <= set(top.index[:8])
    ukraine = corpus["title"].str.contains("Ukraine", na=False)
    assert (sections[ukraine] == "world-europe").mean() > 0.5


def test_parse_column_mapping():
    assert parse_column_mapping(["category=section", "text=body,url="]) == {
        "category": "section",
        "text": "body",
        "url": None,
    }
    with pytest.raises(AnalysisInputError, match="FIELD=COLUMN"):
        parse_column_mapping("section")
    with pytest.raises(AnalysisInputError, match="'colour=red'"):
        parse_column_mapping("colour=red")


def test_load_report_corpus_maps_columns_and_fills_url_sections(tmp_path):
    from analysis.analyses.metadata import load_report_corpus
    from analysis.corpus.load import load_corpus

    feed = tmp_path / "feed.csv"
    feed.write_text(
        "headline,body,link,desk\n"
        "Harbour vote,The council voted on the harbour dues.,"
        "https://example.org/news/harbour-town-101,Politics\n"
        "Rail strike ends,The strike ended after talks overnight.,"
        "https://example.org/sport/rail-202,Transport\n",
        encoding="utf-8",
    )
    got = load_report_corpus(
        str(feed), cache_dir=str(tmp_path / "cache"), columns={"category": "desk"},
        url_section="section",
    )  # fmt: skip
    fresh = load_corpus(feed, columns={"category": "desk"}, quiet=True, progress=False)
    assert got["doc_id"].tolist() == fresh["doc_id"].tolist()
    assert got["category"].tolist() == ["Politics", "Transport"]
    assert got["section"].tolist() == ["harbour-town", "rail"]  # as url_section reads them
