"""Tests for analysis.analyses.entities on a hand-made corpus whose counts are checked by hand."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import pandas as pd
import pytest
from _corpora import bbc_per_category, reference_annotations

from analysis._validate import document_text
from analysis.analyses.cooccurrence import entity_cooccurrence
from analysis.analyses.entities import DEFAULT_TYPES, entity_mentions, entity_trends, top_entities
from analysis.errors import AnalysisInputError
from analysis.nlp.annotations import Annotations
from analysis.nlp.nationalities import is_own_demonym_pair

# doc_id -> (published, source, [(sentence, [(surface form, label, name)])]); the first
# sentence is the title. Window sets (DEFAULT_TYPES; names):
#   d1: s0 {Alice Smith, Bob Jones, Paris}  s1 {Alice Smith, Paris}  s2 {}
#   d2: s0 {Bob Jones, Paris}  s1 {Acme Corp, Bob Jones}
#   d3: s0 {Alice Smith}  s1 {Acme Corp, London}  s2 {} (a DATE only)
#   d4: s0 {}            d5: s0 {Carol Ng}  (d5 has no date and no source)
DOCS = {
    "d1": (
        "2024-01-01 09:00",
        "A",
        [
            (
                "Alice Smith met Bob Jones in Paris.",
                [
                    ("Alice Smith", "PERSON", "Alice Smith"),
                    ("Bob Jones", "PERSON", "Bob Jones"),
                    ("Paris", "GPE", "Paris"),
                ],
            ),
            (
                "Smith praised Paris.",
                [("Smith", "PERSON", "Alice Smith"), ("Paris", "GPE", "Paris")],
            ),
            ("It rained.", []),
        ],
    ),
    "d2": (
        "2024-01-09 12:00",
        "B",
        [
            (
                "Bob Jones visited Paris and Paris again.",
                [
                    ("Bob Jones", "PERSON", "Bob Jones"),
                    ("Paris", "GPE", "Paris"),
                    ("Paris", "ORG", "Paris"),
                ],
            ),
            (
                "Acme Corp hired Bob Jones.",
                [("Acme Corp", "ORG", "Acme Corp"), ("Bob Jones", "PERSON", "Bob Jones")],
            ),
        ],
    ),
    "d3": (
        "2024-01-20 18:30",
        "A",
        [
            ("Alice Smith spoke.", [("Alice Smith", "PERSON", "Alice Smith")]),
            (
                "Acme Corp fell in London.",
                [("Acme Corp", "ORG", "Acme Corp"), ("London", "GPE", "London")],
            ),
            ("It was 5 May.", [("5 May", "DATE", "5 May")]),
        ],
    ),
    "d4": ("2024-02-05 07:00", "B", [("Nothing happened.", [])]),
    "d5": (None, None, [("Carol Ng left.", [("Carol Ng", "PERSON", "Carol Ng")])]),
}
N_SENTENCES = 10
N_DOCS = 5


def _build():
    rows, sents, ents = [], [], []
    for doc_id, (published, source, sentences) in DOCS.items():
        title = sentences[0][0]
        body = " ".join(s for s, _ in sentences[1:])
        rows.append(
            {
                "doc_id": doc_id,
                "title": title,
                "text": body,
                "source": source,
                "published": published,
            }
        )
    corpus = pd.DataFrame(rows)
    corpus["published"] = pd.to_datetime(corpus["published"], utc=True)
    corpus["source"] = corpus["source"].astype("string")
    texts = dict(zip(corpus["doc_id"], document_text(corpus), strict=True))
    for doc_id, (_, _, sentences) in DOCS.items():
        full, pos = texts[doc_id], 0
        for sent_id, (sentence, mentions) in enumerate(sentences):
            start = full.index(sentence, pos)
            pos = start + len(sentence)
            sents.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "start": start,
                    "end": pos,
                    "text": sentence,
                    "neg": 0.0,
                    "neu": 1.0,
                    "pos": 0.0,
                    "compound": 0.0,
                }
            )
            at = 0
            for surface, label, name in mentions:
                s = sentence.index(surface, at)
                at = s + len(surface)
                ents.append(
                    {
                        "doc_id": doc_id,
                        "sent_id": sent_id,
                        "start": start + s,
                        "end": start + at,
                        "text": surface,
                        "label": label,
                        "name": name,
                    }
                )
    return corpus, Annotations(sentences=pd.DataFrame(sents), entities=pd.DataFrame(ents))


@pytest.fixture()
def data():
    return _build()


def test_fixture_offsets_match_document_text(data):
    corpus, ann = data
    texts = dict(zip(corpus["doc_id"], document_text(corpus), strict=True))
    for row in ann.entities.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
    assert len(ann.sentences) == N_SENTENCES


def test_entity_mentions(data):
    corpus, ann = data
    out = entity_mentions(corpus, annotations=ann)
    assert list(out.columns) == [
        "doc_id",
        "name",
        "label",
        "text",
        "sent_id",
        "start",
        "end",
        "published",
        "source",
        "title",
    ]
    assert len(out) == 14  # 15 mentions minus the DATE
    assert "DATE" not in set(out["label"])
    first = out.iloc[0]
    assert (first["doc_id"], first["name"], first["source"]) == ("d1", "Alice Smith", "A")
    assert first["title"] == "Alice Smith met Bob Jones in Paris."
    assert first["published"] == pd.Timestamp("2024-01-01 09:00", tz="UTC")
    assert len(entity_mentions(corpus, annotations=ann, types=None)) == 15
    raw_org = entity_mentions(corpus, annotations=ann, types=["ORG"], layer="raw")
    assert raw_org["name"].tolist() == ["Paris", "Acme Corp", "Acme Corp"]
    # The document layer gives "Paris" one label in d2 (GPE, then ORG: a tie, the first wins).
    doc_org = entity_mentions(corpus, annotations=ann, types=["ORG"])
    assert doc_org["name"].tolist() == ["Acme Corp", "Acme Corp"]


def test_top_entities(data):
    corpus, ann = data
    out = top_entities(corpus, annotations=ann)
    assert list(out.columns) == ["name", "label", "mentions", "doc_count", "surface_forms"]
    assert out["name"].tolist() == [
        "Paris",
        "Alice Smith",
        "Bob Jones",
        "Acme Corp",
        "Carol Ng",
        "London",
    ]
    assert out["mentions"].tolist() == [4, 3, 3, 2, 1, 1]
    assert out["doc_count"].tolist() == [2, 2, 2, 2, 1, 1]
    paris = out.iloc[0]
    assert paris["label"] == "GPE"  # 3 GPE vs 1 ORG
    assert out.set_index("name").loc["Alice Smith", "surface_forms"] == "Alice Smith; Smith"
    assert len(top_entities(corpus, annotations=ann, top=2)) == 2


def test_top_entities_by_source(data):
    corpus, ann = data
    out = top_entities(corpus, annotations=ann, by="source", top=2)
    assert list(out.columns)[:2] == ["source", "name"]
    a = out[out["source"] == "A"]
    assert a["name"].tolist() == ["Alice Smith", "Paris"]
    assert a["mentions"].tolist() == [3, 2]
    b = out[out["source"] == "B"]
    assert b["name"].tolist() == ["Bob Jones", "Paris"]
    assert b["mentions"].tolist() == [2, 2]
    assert out["source"].isna().sum() == 1  # d5 has no source: its own group


def test_cooccurrence_sentence_window_by_hand(data):
    corpus, ann = data
    out = entity_cooccurrence(corpus, annotations=ann, window="sentence", min_count=1)
    assert out.attrs == {"window": "sentence", "n_windows": N_SENTENCES}
    got = {(r.entity_a, r.entity_b): r.count for r in out.itertuples()}
    assert got == {
        ("Alice Smith", "Paris"): 2,
        ("Bob Jones", "Paris"): 2,  # d2 s0 mentions Paris twice: counted once
        ("Alice Smith", "Bob Jones"): 1,
        ("Acme Corp", "Bob Jones"): 1,
        ("Acme Corp", "London"): 1,
    }
    row = out.set_index(["entity_a", "entity_b"]).loc[("Alice Smith", "Paris")]
    n = N_SENTENCES
    assert (row["count_a"], row["count_b"], row["doc_count"]) == (3, 3, 1)
    assert row["pmi"] == pytest.approx(math.log2((2 / n) / ((3 / n) * (3 / n))))
    assert row["npmi"] == pytest.approx(row["pmi"] / -math.log2(2 / n))
    assert row["jaccard"] == pytest.approx(2 / (3 + 3 - 2))
    assert (row["label_a"], row["label_b"]) == ("PERSON", "GPE")
    bob = out.set_index(["entity_a", "entity_b"]).loc[("Bob Jones", "Paris")]
    assert bob["doc_count"] == 2
    assert [e["text"] for e in bob["examples"]] == [
        "Alice Smith met Bob Jones in Paris.",
        "Bob Jones visited Paris and Paris again.",
    ]
    assert [e["doc_id"] for e in bob["examples"]] == ["d1", "d2"]
    # sorted by count desc, then npmi desc
    assert out["count"].tolist() == sorted(out["count"], reverse=True)
    top2 = out.head(2)
    assert top2["npmi"].iloc[0] >= top2["npmi"].iloc[1]


def test_cooccurrence_min_count_and_examples_limit(data):
    corpus, ann = data
    out = entity_cooccurrence(corpus, annotations=ann, examples=1)
    assert len(out) == 2 and (out["count"] >= 2).all()
    assert all(len(e) == 1 for e in out["examples"])
    none = entity_cooccurrence(corpus, annotations=ann, examples=0)
    assert all(e == [] for e in none["examples"])
    empty = entity_cooccurrence(corpus, annotations=ann, min_count=5)
    assert empty.empty and "npmi" in empty.columns


def test_cooccurrence_document_window_by_hand(data):
    corpus, ann = data
    out = entity_cooccurrence(corpus, annotations=ann, window="document", min_count=1)
    assert out.attrs["n_windows"] == N_DOCS
    got = {(r.entity_a, r.entity_b): r.count for r in out.itertuples()}
    assert got == {
        ("Bob Jones", "Paris"): 2,
        ("Alice Smith", "Bob Jones"): 1,
        ("Alice Smith", "Paris"): 1,
        ("Acme Corp", "Bob Jones"): 1,
        ("Acme Corp", "Paris"): 1,
        ("Acme Corp", "Alice Smith"): 1,
        ("Acme Corp", "London"): 1,
        ("Alice Smith", "London"): 1,
    }
    idx = out.set_index(["entity_a", "entity_b"])
    bob = idx.loc[("Bob Jones", "Paris")]
    n = N_DOCS
    assert (bob["count_a"], bob["count_b"]) == (2, 2)
    assert bob["pmi"] == pytest.approx(math.log2((2 / n) / ((2 / n) * (2 / n))))
    assert bob["npmi"] == pytest.approx(bob["pmi"] / -math.log2(2 / n))
    assert bob["jaccard"] == pytest.approx(1.0)
    assert out.iloc[0][["entity_a", "entity_b"]].tolist() == ["Bob Jones", "Paris"]
    # both-mentioning sentences first (d1 s0, d2 s0), then either (d1 s1)
    assert [(e["doc_id"], e["sent_id"]) for e in bob["examples"]] == [
        ("d1", 0),
        ("d2", 0),
        ("d1", 1),
    ]
    acme_alice = idx.loc[("Acme Corp", "Alice Smith")]
    assert [(e["doc_id"], e["sent_id"]) for e in acme_alice["examples"]] == [("d3", 0), ("d3", 1)]
    london = idx.loc[("Acme Corp", "London")]
    # c(a,b) = c(b) = 1: jaccard 1/2, pmi = log2(N/c(a))
    assert london["jaccard"] == pytest.approx(1 / (2 + 1 - 1))
    assert london["pmi"] == pytest.approx(math.log2(n / 2))


def test_cooccurrence_npmi_is_one_when_always_together():
    corpus = pd.DataFrame({"doc_id": ["x"], "title": ["T"], "text": ["A and B."]})
    sents = pd.DataFrame(
        {
            "doc_id": ["x"],
            "sent_id": [0],
            "start": [0],
            "end": [1],
            "text": ["T"],
            "neg": [0.0],
            "neu": [1.0],
            "pos": [0.0],
            "compound": [0.0],
        }
    )
    ents = pd.DataFrame(
        {
            "doc_id": ["x", "x"],
            "sent_id": [0, 0],
            "start": [3, 9],
            "end": [4, 10],
            "text": ["A", "B"],
            "label": ["ORG", "ORG"],
            "name": ["A", "B"],
        }
    )
    out = entity_cooccurrence(corpus, annotations=Annotations(sents, ents), min_count=1)
    assert out["npmi"].tolist() == [1.0]
    assert out["pmi"].tolist() == [0.0]


def test_missing_name_column_is_normalised(data):
    corpus, ann = data
    ents = ann.entities.drop(columns="name")
    ents.loc[ents["text"] == "Smith", "text"] = "Smith\u2019s"
    out = top_entities(corpus, annotations=Annotations(ann.sentences, ents))
    assert out.set_index("name").loc["Alice Smith", "mentions"] == 3


def test_entity_trends_weekly_with_zero_weeks(data):
    corpus, ann = data
    out = entity_trends(corpus, annotations=ann, freq="week", top=2)
    assert list(out.columns) == ["period", "name", "mentions"]
    weeks = pd.date_range("2024-01-01", "2024-02-05", freq="7D", tz="UTC")
    assert out["period"].drop_duplicates().tolist() == list(weeks)
    paris = out[out["name"] == "Paris"]["mentions"].tolist()
    alice = out[out["name"] == "Alice Smith"]["mentions"].tolist()
    assert paris == [2, 2, 0, 0, 0, 0]
    assert alice == [2, 0, 1, 0, 0, 0]
    assert set(out["name"]) == {"Paris", "Alice Smith"}


def test_entity_trends_names_and_month(data):
    corpus, ann = data
    out = entity_trends(corpus, annotations=ann, freq="month", names=["Carol Ng", "Acme Corp"])
    assert out["period"].drop_duplicates().tolist() == [
        pd.Timestamp("2024-01-01", tz="UTC"),
        pd.Timestamp("2024-02-01", tz="UTC"),
    ]
    got = out.set_index(["period", "name"])["mentions"]
    assert got[(pd.Timestamp("2024-01-01", tz="UTC"), "Acme Corp")] == 2
    assert (out[out["name"] == "Carol Ng"]["mentions"] == 0).all()  # undated doc left out
    day = entity_trends(corpus, annotations=ann, freq="day", top=1)
    assert len(day) == 36  # 2024-01-01 .. 2024-02-05


def test_errors(data):
    corpus, ann = data
    with pytest.raises(AnalysisInputError, match="window='paragraph'"):
        entity_cooccurrence(corpus, annotations=ann, window="paragraph")
    with pytest.raises(AnalysisInputError, match="freq='year'"):
        entity_trends(corpus, annotations=ann, freq="year")
    with pytest.raises(AnalysisInputError, match="empty"):
        top_entities(corpus.iloc[:0], annotations=ann)
    with pytest.raises(AnalysisInputError, match="text"):
        entity_mentions(corpus.drop(columns="text"), annotations=ann)
    with pytest.raises(AnalysisInputError, match="min_count"):
        entity_cooccurrence(corpus, annotations=ann, min_count=0)
    with pytest.raises(AnalysisInputError, match="types"):
        top_entities(corpus, annotations=ann, types=[])
    with pytest.raises(AnalysisInputError, match="annotations"):
        top_entities(corpus, annotations="nope")
    with pytest.raises(AnalysisInputError, match="name"):
        top_entities(corpus, annotations=ann, by="nope")
    with pytest.raises(AnalysisInputError, match="published"):
        entity_trends(corpus.drop(columns="published"), annotations=ann)
    undated = corpus.assign(published=pd.NaT)
    with pytest.raises(AnalysisInputError, match="no dates"):
        entity_trends(undated, annotations=ann)
    other = corpus.assign(doc_id=["x1", "x2", "x3", "x4", "x5"])
    with pytest.raises(AnalysisInputError, match="none of the corpus"):
        top_entities(other, annotations=ann)
    dup = pd.concat([corpus, corpus.iloc[:1]])
    with pytest.raises(AnalysisInputError, match="duplicate doc_id"):
        top_entities(dup, annotations=ann)


def test_inputs_not_mutated(data):
    corpus, ann = data
    c0, s0, e0 = corpus.copy(), ann.sentences.copy(), ann.entities.copy()
    entity_mentions(corpus, annotations=ann)
    top_entities(corpus, annotations=ann, by="source")
    entity_cooccurrence(corpus, annotations=ann, window="document")
    entity_trends(corpus, annotations=ann)
    pd.testing.assert_frame_equal(corpus, c0)
    pd.testing.assert_frame_equal(ann.sentences, s0)
    pd.testing.assert_frame_equal(ann.entities, e0)


def test_default_types():
    assert DEFAULT_TYPES == ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


# --------------------------------------------------------------------------- real data
N_PER_CATEGORY = 20  # 5 categories -> 100 BBC articles


@pytest.fixture(scope="module")
def bbc_annotated(bbc_dir, nlp_full):
    """100 BBC articles annotated with spaCy directly (the reference), names normalised;
    the mentions counted are the document layer's (what the functions count by default)."""
    corpus = bbc_per_category(bbc_dir, slice(0, N_PER_CATEGORY))
    ann = reference_annotations(corpus, nlp_full)
    return corpus, ann, ann.document_entities


@pytest.mark.slow
def test_real_top_entities_match_direct_count(bbc_annotated):
    corpus, ann, ents = bbc_annotated
    keep = ents[ents["label"].isin(DEFAULT_TYPES)]
    mentions = Counter(keep["name"])
    docs: dict[str, set] = {}
    for name, doc_id in zip(keep["name"], keep["doc_id"], strict=True):
        docs.setdefault(name, set()).add(doc_id)
    out = top_entities(corpus, annotations=ann, top=None)
    assert len(out) == len(mentions)
    for row in out.itertuples():
        assert row.mentions == mentions[row.name]
        assert row.doc_count == len(docs[row.name])
    top = out.iloc[0]
    assert top["mentions"] == max(mentions.values())
    # normalisation merged forms: at least one entity has several surface forms
    assert out["surface_forms"].str.contains("; ").any()


@pytest.mark.slow
@pytest.mark.parametrize("window", ["sentence", "document"])
def test_real_cooccurrence_matches_set_count(bbc_annotated, window):
    corpus, ann, ents = bbc_annotated
    keep = ents[ents["label"].isin(DEFAULT_TYPES)]
    key = ["doc_id", "sent_id"] if window == "sentence" else ["doc_id"]
    windows: dict[tuple, set] = {}
    for row in keep.itertuples():
        windows.setdefault(tuple(getattr(row, k) for k in key), set()).add(row.name)
    pair_counts: Counter = Counter()
    single: Counter = Counter()
    for names in windows.values():
        single.update(names)
        pair_counts.update(itertools.combinations(sorted(names), 2))
    # a country and its own demonym ("British", "United Kingdom") are never reported
    for a, b in list(pair_counts):
        if is_own_demonym_pair(a, b):
            del pair_counts[a, b]
    n = len(ann.sentences) if window == "sentence" else len(corpus)
    out = entity_cooccurrence(corpus, annotations=ann, window=window, min_count=1, examples=2)
    assert out.attrs["n_windows"] == n
    got = {(r.entity_a, r.entity_b): r.count for r in out.itertuples()}
    assert got == dict(pair_counts)
    for row in out.head(20).itertuples():
        a, b = row.entity_a, row.entity_b
        assert row.pmi == pytest.approx(
            math.log2((pair_counts[a, b] / n) / ((single[a] / n) * (single[b] / n)))
        )
        assert row.jaccard == pytest.approx(
            pair_counts[a, b] / (single[a] + single[b] - pair_counts[a, b])
        )
        assert 1 <= len(row.examples) <= 2
        if window == "sentence":
            for ex in row.examples:  # every example sentence mentions both
                names = windows[(ex["doc_id"], ex["sent_id"])]
                assert {a, b} <= names


@pytest.mark.slow
def test_real_graph_export(bbc_annotated, tmp_path):
    import networkx as nx

    from analysis.analyses.network import cooccurrence_graph, export_graph

    corpus, ann, _ = bbc_annotated
    pairs = entity_cooccurrence(corpus, annotations=ann, window="document", min_count=2)
    g = cooccurrence_graph(pairs, nodes=top_entities(corpus, annotations=ann, top=None))
    assert g.number_of_edges() == len(pairs)
    assert all("community" in d for _, d in g.nodes(data=True))
    back = nx.read_graphml(export_graph(g, tmp_path / "bbc.graphml"))
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()


@pytest.mark.slow
def test_annotate_path_when_annotations_none(bbc_dir, tmp_path, monkeypatch):
    """annotations=None runs analysis.annotate (lazily imported) and gives the same result."""
    from analysis.corpus.load import load_corpus
    from analysis.nlp.annotator import annotate

    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "cache"))
    corpus = load_corpus(bbc_dir / "business", progress=False, quiet=True).head(15)
    implicit = top_entities(corpus, top=None, progress=False)
    ann = annotate(corpus, cache_dir=tmp_path / "cache", progress=False)
    pd.testing.assert_frame_equal(implicit, top_entities(corpus, annotations=ann, top=None))
    pairs = entity_cooccurrence(corpus, window="document", progress=False)
    assert pairs.attrs["n_windows"] == 15 and not pairs.empty


def test_label_comes_from_mentions_that_spell_the_name_out():
    # spaCy labelled the bare surname ORG three times; the person is still a PERSON.
    title, body = "Castell speaks", "Rohan Castell spoke. Castell left. Castell won."
    corpus = pd.DataFrame({"doc_id": ["x"], "title": [title], "text": [body]})
    full = document_text(corpus).iloc[0]
    spans = [("Castell", "ORG"), ("Rohan Castell", "PERSON"), ("Castell", "ORG")]
    rows, pos = [], 0
    for surface, label in spans:
        start = full.index(surface, pos)
        pos = start + len(surface)
        rows.append(("x", 0, start, pos, surface, label, "Rohan Castell"))
    ents = pd.DataFrame(
        rows, columns=["doc_id", "sent_id", "start", "end", "text", "label", "name"]
    )
    sents = pd.DataFrame(
        [("x", 0, 0, len(full), full, 0.0, 1.0, 0.0, 0.0)],
        columns=["doc_id", "sent_id", "start", "end", "text", "neg", "neu", "pos", "compound"],
    )
    ann = Annotations(sentences=sents, entities=ents)
    top = top_entities(corpus, annotations=ann, layer="raw")
    assert top.loc[0, "name"] == "Rohan Castell"
    assert top.loc[0, "label"] == "PERSON"
    assert top.loc[0, "mentions"] == 3
    # The document layer also finds the untagged "Castell" of "Castell won".
    top = top_entities(corpus, annotations=ann)
    assert top.loc[0, ["name", "label", "mentions"]].tolist() == ["Rohan Castell", "PERSON", 4]
