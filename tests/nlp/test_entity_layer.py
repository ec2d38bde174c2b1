"""The document-level entity layer (analysis.nlp.entity_layer): each rule on text we wrote,
then on real BBC articles (slow), then the hand-labelled gold set (slow)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import Annotations
from analysis._validate import document_text
from analysis.analyses.cooccurrence import entity_cooccurrence
from analysis.analyses.entities import top_entities
from analysis.errors import AnalysisInputError
from analysis.nlp.entity_layer import LAYER_COLUMNS, document_entities
from analysis.nlp.normalize import _KEEP_POSSESSIVE, normalize_entities

GOLD_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "entity_gold"


def _doc(body: str, tagged: list[tuple[str, str]], doc_id: str = "x", title: str = "Title"):
    """A one-document corpus and Annotations: sentences split at ". ", and the mentions
    ``tagged`` (surface, label), each at its next occurrence, named by normalize_entities."""
    corpus = pd.DataFrame({"doc_id": [doc_id], "title": [title], "text": [body]})
    full = document_text(corpus).iloc[0]
    sents, pos = [], 0
    for k, m in enumerate(re.finditer(r"[^\n]+?(?:\.(?= |$)|$)", full, flags=re.M)):
        if m.group().strip():
            sents.append((doc_id, len(sents), m.start(), m.end(), m.group(), 0.0, 1.0, 0.0, 0.0))
        del k
    sentences = pd.DataFrame(
        sents,
        columns=["doc_id", "sent_id", "start", "end", "text", "neg", "neu", "pos", "compound"],
    )
    rows = []
    for surface, label in tagged:
        start = full.index(surface, pos)
        pos = start + len(surface)
        sent_id = int(sentences.loc[sentences["start"] <= start, "sent_id"].max())
        rows.append((doc_id, sent_id, start, pos, surface, label))
    ents = pd.DataFrame(rows, columns=["doc_id", "sent_id", "start", "end", "text", "label"])
    return corpus, Annotations(sentences=sentences, entities=normalize_entities(ents))


def _layer(ann: Annotations) -> pd.DataFrame:
    return ann.document_entities


# --------------------------------------------------------------------------- rule 1: spans
def test_spans_lose_the_possessive_and_title_raw_layer_unchanged():
    body = (
        "She praised the United Nations's work. Mr Kennedy agreed. Lyons' image. McDonald's sold."
    )
    corpus, ann = _doc(
        body,
        [
            ("the United Nations's", "ORG"),
            ("Mr Kennedy", "PERSON"),
            ("Lyons'", "PERSON"),
            ("McDonald's", "ORG"),
        ],
    )
    raw_before = ann.entities.copy()
    layer = _layer(ann)
    full = document_text(corpus).iloc[0]
    assert layer["text"].tolist() == ["United Nations", "Kennedy", "Lyons", "McDonald's"]
    for s, e, t in zip(layer["start"], layer["end"], layer["text"], strict=True):
        assert full[s:e] == t
    assert list(layer.columns) == LAYER_COLUMNS
    assert (layer["origin"] == "spacy").all()
    pd.testing.assert_frame_equal(ann.entities, raw_before)
    assert ann.entities["text"].tolist()[0] == "the United Nations's"


def test_titles_leave_person_spans_but_not_event_names():
    body = "Sir Alex Ferguson won. Miss World was held. Mr Lyons said so."
    _, ann = _doc(
        body, [("Sir Alex Ferguson", "PERSON"), ("Miss World", "EVENT"), ("Mr Lyons", "ORG")]
    )
    assert _layer(ann)["text"].tolist() == ["Alex Ferguson", "Miss World", "Lyons"]


def test_span_over_a_line_break_keeps_its_first_line():
    _, ann = _doc("Uber said so.", [("Ukraine\n\nUber", "GPE")], title="Ukraine")
    layer = _layer(ann)
    assert layer["text"].tolist() == ["Ukraine"]
    assert (layer["start"].iloc[0], layer["end"].iloc[0]) == (0, 7)


def test_spans_lose_a_dash_or_bullet_at_their_edges_not_inside():
    body = "Abortion not a poll issue - Blair. Robert Kilroy-Silk spoke. Harbour fund — ."
    _, ann = _doc(
        body,
        [("- Blair", "PERSON"), ("Robert Kilroy-Silk", "PERSON"), ("Harbour fund —", "ORG")],
    )
    assert _layer(ann)["text"].tolist() == ["Blair", "Robert Kilroy-Silk", "Harbour fund"]


def test_spans_lose_a_quote_mark_set_off_by_a_space_not_an_apostrophe():
    body = "Ana Ruiz 'sorry' for delay. O'Brien spoke. \u2018 Nerys Quell spoke. Jones' dog ran."
    _, ann = _doc(
        body,
        [
            ("Ana Ruiz '", "PERSON"),
            ("O'Brien", "PERSON"),
            ("\u2018 Nerys Quell", "PERSON"),
            ("Jones'", "PERSON"),
        ],
    )
    assert _layer(ann)["text"].tolist() == ["Ana Ruiz", "O'Brien", "Nerys Quell", "Jones"]


def test_a_country_tagged_as_a_person_is_a_place_but_jordan_stays_a_person():
    body = "Sri Lanka beat England. Jordan scored twice. Sri Lanka won. Ana Ruiz spoke."
    _, ann = _doc(
        body,
        [
            ("Sri Lanka", "PERSON"),
            ("Jordan", "PERSON"),
            ("Sri Lanka", "ORG"),
            ("Ana Ruiz", "PERSON"),
        ],
    )
    labels = dict(zip(_layer(ann)["text"], _layer(ann)["label"], strict=False))
    assert labels == {"Sri Lanka": "GPE", "Jordan": "PERSON", "Ana Ruiz": "PERSON"}


# --------------------------------------------------------------------------- rule 5: labels
def test_one_label_per_name_within_a_document_by_majority():
    body = "Acme rose. Acme fell. Acme paid. Acme won."
    _, ann = _doc(body, [("Acme", "ORG"), ("Acme", "PERSON"), ("Acme", "ORG"), ("Acme", "GPE")])
    assert set(_layer(ann)["label"]) == {"ORG"}
    # A tie goes to the first mention's label; other documents are not affected.
    _, ann2 = _doc("Acme rose. Acme fell.", [("Acme", "GPE"), ("Acme", "ORG")], doc_id="y")
    both = Annotations(
        pd.concat([ann.sentences, ann2.sentences]), pd.concat([ann.entities, ann2.entities])
    )
    layer = _layer(both)
    assert set(layer.loc[layer["doc_id"] == "y", "label"]) == {"GPE"}
    assert set(layer.loc[layer["doc_id"] == "x", "label"]) == {"ORG"}


# --------------------------------------------------------------------------- rule 3: surnames
def test_surname_of_a_person_named_in_full_is_that_person_even_untagged():
    body = (
        "Charles Kennedy spoke. Kennedy said more. Later Kennedy left. "
        "The Kennedy Space Center is far. Kennedy's aides agreed."
    )
    _, ann = _doc(body, [("Charles Kennedy", "PERSON"), ("Kennedy", "ORG")])
    layer = _layer(ann)
    people = layer[layer["name"] == "Charles Kennedy"]
    assert people["label"].eq("PERSON").all()
    # tagged ORG -> PERSON; "Later Kennedy" and "Kennedy's" added; the Space Center is not.
    assert people["text"].tolist() == ["Charles Kennedy", "Kennedy", "Kennedy", "Kennedy"]
    assert people["origin"].tolist() == ["spacy", "spacy", "surname", "surname"]
    assert not layer["text"].str.contains("Space").any()


def test_surname_shared_by_two_people_is_left_alone():
    body = "John Smith met Jane Smith. Smith said so."
    _, ann = _doc(body, [("John Smith", "PERSON"), ("Jane Smith", "PERSON")])
    assert _layer(ann)["origin"].eq("spacy").all()


def test_particle_surname_and_sentence_opening_word():
    body = "Hicham El Guerrouj won. But El Guerrouj was tired. El Guerrouj rested."
    _, ann = _doc(body, [("Hicham El Guerrouj", "PERSON"), ("El Guerrouj", "ORG")])
    layer = _layer(ann)
    assert layer["name"].eq("Hicham El Guerrouj").all()
    assert layer["label"].eq("PERSON").all()
    assert layer["text"].tolist() == ["Hicham El Guerrouj", "El Guerrouj", "El Guerrouj"]


# --------------------------------------------------------------------------- rule 2: titles
def test_mrs_howard_does_not_merge_into_michael_howard():
    body = "Michael Howard spoke. Mr Howard smiled. Mrs Howard did not. Mrs Howard left."
    _, ann = _doc(body, [("Michael Howard", "PERSON"), ("Howard", "PERSON"), ("Howard", "PERSON")])
    assert ann.entities["name"].tolist() == ["Michael Howard"] * 3  # the raw name merges
    layer = _layer(ann)
    assert layer["name"].tolist() == [
        "Michael Howard",
        "Michael Howard",
        "Mrs Howard",
        "Mrs Howard",
    ]
    assert layer["origin"].tolist() == ["spacy", "spacy", "spacy", "surname"]
    assert layer["label"].eq("PERSON").all()


def test_title_picks_the_person_of_matching_sex():
    body = "Michael Howard and Sandra Howard came. Mrs Howard spoke. Mr Howard nodded."
    tagged = [("Michael Howard", "PERSON"), ("Sandra Howard", "PERSON"), ("Howard", "PERSON")]
    _, ann = _doc(body, tagged)
    layer = _layer(ann).set_index("start")
    full = "Title\n\n" + body
    assert layer.loc[full.index("Mrs Howard") + 4, "name"] == "Sandra Howard"
    assert layer.loc[full.index("Mr Howard") + 3, "name"] == "Michael Howard"


# --------------------------------------------------------------------------- rule 4: repeats
def test_untagged_repeat_of_a_multiword_name_is_added():
    body = "The European Central Bank met. Then European Central Bank staff left. Bank said."
    _, ann = _doc(body, [("European Central Bank", "ORG")])
    layer = _layer(ann)
    assert layer["text"].tolist() == ["European Central Bank", "European Central Bank"]
    assert layer["origin"].tolist() == ["spacy", "repeat"]
    assert layer["label"].eq("ORG").all()


def test_repeat_inside_a_longer_name_is_not_added():
    body = "New York grew. New York Times staff wrote. New York shrank."
    _, ann = _doc(body, [("New York", "GPE")])
    assert _layer(ann)["text"].tolist() == ["New York", "New York"]


def test_layer_survives_for_documents_and_is_what_reports_count():
    _, ann = _doc("Charles Kennedy spoke. Kennedy left.", [("Charles Kennedy", "PERSON")])
    layer = ann.document_entities
    sub = ann.for_documents(["x"])
    pd.testing.assert_frame_equal(sub.document_entities, layer)
    assert len(ann.for_documents([]).document_entities) == 0


def test_document_entities_names_missing_columns():
    with pytest.raises(AnalysisInputError, match="sentences"):
        document_entities(
            pd.DataFrame(columns=["doc_id", "sent_id", "start", "end", "text", "label", "name"]),
            pd.DataFrame(columns=["doc_id", "text"]),
        )


# --------------------------------------------------------------------------- demonyms
def test_cooccurrence_never_reports_a_country_with_its_own_demonym():
    body = (
        "American officials met Russian envoys in the US. "
        "American troops left the US. American voters in the US met Russian envoys."
    )
    tagged = [
        ("American", "NORP"),
        ("Russian", "NORP"),
        ("US", "GPE"),
        ("American", "NORP"),
        ("US", "GPE"),
        ("American", "NORP"),
        ("US", "GPE"),
        ("Russian", "NORP"),
    ]
    corpus, ann = _doc(body, tagged)
    pairs = entity_cooccurrence(corpus, annotations=ann, min_count=1, progress=False)
    found = set(zip(pairs["entity_a"], pairs["entity_b"], strict=True))
    assert ("American", "United States") not in found
    assert ("Russian", "United States") in found  # a demonym with another country stays
    merged = entity_cooccurrence(
        corpus, annotations=ann, min_count=1, nationalities="country", progress=False
    )
    assert set(zip(merged["entity_a"], merged["entity_b"], strict=True)) == {
        ("Russia", "United States")
    }
    dropped = entity_cooccurrence(
        corpus, annotations=ann, min_count=1, nationalities="drop", progress=False
    )
    assert dropped.empty
    top = top_entities(corpus, annotations=ann, progress=False)
    assert top.set_index("name").loc["American", "mentions"] == 3
    with pytest.raises(AnalysisInputError, match="nationalities"):
        entity_cooccurrence(corpus, annotations=ann, nationalities="both", progress=False)


# --------------------------------------------------------------------------- real data
@pytest.mark.slow
def test_layer_on_real_bbc_articles(bbc_dir, nlp_full):
    """On 150 BBC articles the layer does what it claims; the raw layer is untouched."""
    from analysis import annotate
    from tests._corpora import bbc_frame

    corpus = bbc_frame(bbc_dir, 150)
    ann = annotate(corpus, progress=False)
    raw = ann.entities.copy()
    layer = ann.document_entities
    pd.testing.assert_frame_equal(ann.entities, raw)
    texts = dict(zip(corpus["doc_id"], document_text(corpus), strict=True))
    # every span is the document's text at its offsets, trimmed
    assert all(
        texts[d][s:e] == t for d, s, e, t in layer[["doc_id", "start", "end", "text"]].values
    )
    assert not layer["text"].str.match(r"(?i)the\s").any()
    possessive = layer.loc[layer["text"].str.contains(r"['\u2019]s$"), "text"]
    assert set(possessive) <= _KEEP_POSSESSIVE
    assert not layer["text"].str.contains("\n").any()
    # spaCy's mentions are all there (trimmed), and something was added from the text
    assert (layer["origin"] == "spacy").sum() == len(raw)
    added = layer[layer["origin"] != "spacy"]
    assert len(added) > 0
    # one label per name within a document
    assert layer.groupby(["doc_id", "name"])["label"].nunique().max() == 1
    # surname mentions: the last word(s) of a PERSON spelled out in the same document
    for d, text, name in added.loc[added["origin"] == "surname", ["doc_id", "text", "name"]].values:
        assert name.endswith(" " + text)
        if name.split(" ")[0] not in ("Mr", "Mrs", "Ms", "Miss", "Lady", "Sir", "Lord", "Dame"):
            spelled = layer[(layer["doc_id"] == d) & (layer["text"] == name)]
            assert (spelled["label"] == "PERSON").any()
    # repeats: the exact surface of a spaCy mention of the same document
    for d, text in added.loc[added["origin"] == "repeat", ["doc_id", "text"]].values:
        tagged = layer[(layer["doc_id"] == d) & (layer["origin"] == "spacy")]
        assert text in set(tagged["text"])


@pytest.mark.slow
def test_mrs_howard_in_real_bbc_articles(bbc_dir, nlp_full):
    """Articles naming both "Michael Howard" and "Mrs Howard": she is never merged into him."""
    from analysis import annotate
    from tests._corpora import bbc_frame

    corpus = bbc_frame(bbc_dir)
    text = corpus["text"]
    corpus = corpus[text.str.contains("Mrs Howard") & text.str.contains("Michael Howard")]
    corpus = corpus.reset_index(drop=True)
    assert len(corpus) >= 1
    ann = annotate(corpus, progress=False)
    raw, layer = ann.entities, ann.document_entities
    texts = dict(zip(corpus["doc_id"], document_text(corpus), strict=True))

    def after_mrs(frame):
        values = frame[["doc_id", "start", "text"]].values
        keep = [texts[d][max(0, s - 4) : s] == "Mrs " or t.startswith("Mrs ") for d, s, t in values]
        return frame[keep]

    # spaCy + name normalisation alone merge her into him; the layer does not
    assert (after_mrs(raw)["name"] == "Michael Howard").any()
    hers = after_mrs(layer)
    assert len(hers) > 0
    assert not (hers["name"] == "Michael Howard").any()
    assert (layer["name"] == "Michael Howard").any()


def _score_module():
    spec = importlib.util.spec_from_file_location("entity_gold_score", GOLD_DIR / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gold_set_is_well_formed():
    gold = pd.read_csv(GOLD_DIR / "gold.csv", dtype={"doc_id": str})
    assert set(gold["gold"]) <= {"PER", "ORG", "LOC", "MISC", "none"}
    assert gold["gold"].isin(["PER", "ORG", "LOC", "MISC"]).sum() >= 300
    assert not gold.duplicated(["doc_id", "start", "end"]).any()
    assert (gold["end"] - gold["start"] == gold["text"].str.len()).all()


@pytest.mark.slow
def test_gold_set_scores_document_layer_not_worse_than_raw(bbc_dir, rss_csv):
    gold = pd.read_csv(GOLD_DIR / "gold.csv", dtype={"doc_id": str})
    from analysis import load_corpus

    for name, path in (("bbc", bbc_dir), ("bbc_rss", rss_csv)):
        corpus = load_corpus(path, quiet=True, progress=False)
        texts = dict(zip(corpus["doc_id"], document_text(corpus), strict=True))
        g = gold[gold["corpus"] == name]
        assert all(
            texts[d][s:e] == t for d, s, e, t in g[["doc_id", "start", "end", "text"]].values
        )
    table = _score_module().score_layers(bbc_dir.parent).set_index(["layer", "label"])
    for label in ("PER", "ORG", "LOC", "micro"):
        for layer in ("raw", "document"):
            row = table.loc[(layer, label)]
            assert row["tp"] + row["fn"] > 0
            assert 0 < row["f1"] <= 1
    print(table.to_string())
    assert table.loc[("document", "micro"), "f1"] >= table.loc[("raw", "micro"), "f1"]
    assert table.loc[("document", "ORG"), "f1"] >= table.loc[("raw", "ORG"), "f1"]


def test_layer_argument_is_checked_and_raw_is_spacy_as_given():
    corpus, ann = _doc(
        "Charles Kennedy spoke. Later Kennedy left.", [("Charles Kennedy", "PERSON")]
    )
    with pytest.raises(AnalysisInputError, match="layer"):
        top_entities(corpus, annotations=ann, layer="spacy", progress=False)
    raw = top_entities(corpus, annotations=ann, layer="raw", progress=False)
    doc = top_entities(corpus, annotations=ann, progress=False)
    assert raw.set_index("name").loc["Charles Kennedy", "mentions"] == 1
    assert doc.set_index("name").loc["Charles Kennedy", "mentions"] == 2


def test_country_is_not_taken_for_the_surname_of_a_misread_person():
    # spaCy's small model calls "Tour de France" a PERSON; "France" stays France.
    body = "The Tour de France starts. France hosts it. Michael Jordan met fans. Jordan smiled."
    _, ann = _doc(
        body, [("Tour de France", "PERSON"), ("France", "GPE"), ("Michael Jordan", "PERSON")]
    )
    layer = _layer(ann).set_index("text")
    assert layer.loc["France", "label"] == "GPE"
    assert layer.loc["France", "name"] == "France"
    assert layer.loc["Jordan", ["name", "label", "origin"]].tolist() == [
        "Michael Jordan",
        "PERSON",
        "surname",
    ]
