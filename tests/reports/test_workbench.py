"""The explore notebook's workbench without a frontend: filters from widget values,
click-through from a term or an entity to its lines in context and articles, CSV export."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from analysis._validate import document_text
from analysis.analyses.entities import top_entities
from analysis.analyses.filters import filter_corpus
from analysis.analyses.terms import term_frequencies
from analysis.corpus.load import load_corpus
from analysis.reports.workbench import (
    Workbench,
    entity_context,
    export_csv,
    filter_widgets,
    select,
    term_context,
)


@pytest.fixture(scope="module")
def articles(sample_dir):
    raw = load_corpus(sample_dir, quiet=True, progress=False)
    return filter_corpus(raw, drop_duplicates=True)


@pytest.fixture(scope="module")
def ann(articles, tmp_path_factory):
    from analysis.nlp.annotator import annotate

    return annotate(articles, cache_dir=tmp_path_factory.mktemp("cache"), progress=False)


def _values(controls):
    return {key: control.value for key, control in controls.items()}


# --------------------------------------------------------------------------- filters


def test_filter_widgets_span_the_corpus(articles):
    controls = filter_widgets(articles, query="port")
    assert set(controls) == {"period", "sources", "categories", "query"}
    days = controls["period"].options
    published = articles["published"].dropna()
    assert days[0][1] == published.min().date() and days[-1][1] == published.max().date()
    assert controls["period"].value == (days[0][1], days[-1][1])  # the whole span at first
    assert list(controls["sources"].options) == sorted(articles["source"].dropna().unique())
    assert controls["sources"].value == () and controls["categories"].value == ()
    assert controls["query"].value == "port"


def test_default_values_select_every_article(articles):
    """The whole period does not filter by date: undated articles stay in."""
    assert articles["published"].isna().any()  # the sample has an unreadable date
    docs = select(articles, **_values(filter_widgets(articles)))
    assert len(docs) == len(articles)
    assert not docs.attrs["filter"]["date_range"].active


def test_values_narrow_the_selection(articles):
    controls = filter_widgets(articles)
    controls["period"].index = (7, 20)
    controls["sources"].value = ("Meridian Wire",)
    controls["query"].value = "  election "
    first, last = controls["period"].value
    docs = select(articles, **_values(controls))
    assert 0 < len(docs) < len(articles)
    assert set(docs["source"]) == {"Meridian Wire"}
    days = docs["published"].dt.date
    assert days.between(first, last).all()
    assert document_text(docs).str.contains("election", case=False).all()
    expected = filter_corpus(
        articles,
        start=first,
        end=last,
        sources=["Meridian Wire"],
        query="election",
        drop_duplicates=True,
    )
    assert docs["doc_id"].tolist() == expected["doc_id"].tolist()


def test_categories_and_duplicates(articles, sample_dir):
    raw = load_corpus(sample_dir, quiet=True, progress=False)
    controls = filter_widgets(raw)
    controls["categories"].value = ("business",)
    docs = select(raw, **_values(controls))
    assert set(docs["category"]) == {"business"}
    assert not docs["is_duplicate"].any()  # duplicates are left out, as in the reports


def test_an_undated_corpus_has_no_period(articles):
    undated = articles.assign(published=pd.NaT, source="Only One")
    controls = filter_widgets(undated)
    assert controls["period"].disabled
    assert controls["sources"].disabled  # one source: nothing to choose
    assert len(select(undated, **_values(controls))) == len(undated)


# --------------------------------------------------------------------------- click-through


def test_term_context_finds_every_counted_use(articles):
    for ngrams in ((1, 1), (2, 2)):
        counts = term_frequencies(
            articles, ngram_range=ngrams, top=10, stopwords="news", progress=False
        )
        for term, n, n_docs in counts[["term", "count", "doc_count"]].itertuples(index=False):
            found = term_context(articles, term)
            assert len(found.lines) == n, term
            assert len(found.articles) == n_docs, term
            assert found.articles["hits"].sum() == n
            assert found.articles["hits"].is_monotonic_decreasing


def test_a_phrase_is_found_with_the_stop_words_between():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "title": ["Bank of England holds rates", "Nothing here"],
            "text": ["The bank said England. Bank 2 England.", "A bank, in Wales."],
        }
    )
    counts = term_frequencies(docs, ngram_range=(2, 2), stopwords="news", progress=False)
    found = term_context(docs, "bank england")
    assert found.lines["keyword"].tolist() == [
        "Bank of England",
        "bank said England",
        "Bank 2 England",
    ]
    assert len(found.lines) == counts.set_index("term").loc["bank england", "count"]
    assert found.articles["doc_id"].tolist() == ["a"]
    without = term_context(docs, "bank england", stopwords=None)  # numbers are still dropped
    assert without.lines["keyword"].tolist() == ["Bank 2 England"]


def test_entity_context_lists_every_mention(articles, ann):
    entities = top_entities(articles, annotations=ann, top=5, progress=False)
    texts = dict(zip(articles["doc_id"], document_text(articles), strict=True))
    for name, mentions, n_docs in entities[["name", "mentions", "doc_count"]].itertuples(
        index=False
    ):
        found = entity_context(articles, name, annotations=ann)
        assert len(found.lines) == mentions
        assert len(found.articles) == n_docs
        for row in found.lines.itertuples():
            assert "\n" not in row.keyword and row.keyword.strip() == row.keyword
            assert row.keyword in " ".join(texts[row.doc_id].split())


def test_click_through_html_is_escaped():
    docs = pd.DataFrame(
        {
            "doc_id": ["x"],
            "title": ["<script>alert(1)</script>"],
            "text": ["The <b>port</b> & the $5bn deal."],
        }
    )
    page = term_context(docs, "port")._repr_html_()
    assert "<script>" not in page and "<b>port" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "No use of" in term_context(docs, "harbour")._repr_html_()


def test_nothing_selected_means_nothing_found(articles, ann):
    none = articles.iloc[:0]
    assert term_context(none, "port").lines.empty
    assert entity_context(none, "Port Halden", annotations=ann).articles.empty


# --------------------------------------------------------------------------- export


def test_export_csv_writes_the_table_and_links_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    table = pd.DataFrame(
        {
            "entity_a": ["<Acme>"],
            "examples": [[{"text": "Acme met\nBob."}, {"text": "Again."}]],
            "when": [dt.date(2026, 9, 1)],
        }
    )
    link = export_csv(table, 'pairs <"top">', folder="exports")
    path = tmp_path / "exports" / "pairs_top.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {"entity_a": "<Acme>", "examples": "Acme met Bob. | Again.", "when": "2026-09-01"}
    ]
    assert 'href="exports/pairs_top.csv"' in link and "download=" in link
    assert "pairs &lt;&quot;top&quot;&gt;" in link and '<"top">' not in link


# --------------------------------------------------------------------------- wiring


def test_panels_are_drawn_again_when_a_filter_changes(articles, tmp_path):
    bench = Workbench(articles, export_dir=tmp_path)
    seen = []

    @bench.panel
    def count(docs):
        seen.append(len(docs))
        bench.keep("articles", docs[["doc_id", "title"]])

    assert seen == [len(articles)]
    bench.controls["query"].value = "flood"
    assert seen[-1] == len(bench.docs) == len(select(articles, query="flood"))
    assert "query &#x27;flood&#x27;" in bench.status.value
    bench.controls["period"].index = (0, 20)
    first, last = bench.controls["period"].value
    undated = articles["published"].isna().sum()
    assert f"period {first} to {last}; {undated} undated left out" in bench.status.value
    assert bench.period.value == f"{first} to {last}"
    calls = len(seen)
    bench.controls["query"].value = "no such words anywhere"
    assert len(bench.docs) == 0 and len(seen) == calls  # nothing selected: said, not drawn
    bench._export()
    assert (tmp_path / "articles.csv").is_file()
