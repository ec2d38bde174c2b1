"""Tests for analysis.analyses.shifts: new/rising entities and pairs, sentiment that moved.

Annotations are built by hand (no spaCy), so each expected figure can be worked out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.analyses.keyness import log_likelihood
from analysis.analyses.shifts import entity_changes, pair_changes, sentiment_shifts, welch_interval
from analysis.errors import AnalysisInputError
from analysis.nlp.annotations import ENTITY_COLUMNS, SENTENCE_COLUMNS, Annotations


@pytest.mark.parametrize("seed", range(5))
def test_welch_interval_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.1, 0.3, size=int(rng.integers(3, 40)))
    y = rng.normal(-0.05, 0.5, size=int(rng.integers(3, 60)))
    diff, low, high, p = welch_interval(x, y, confidence=0.99)
    ref = stats.ttest_ind(x, y, equal_var=False)
    ci = ref.confidence_interval(0.99)
    assert diff == pytest.approx(x.mean() - y.mean())
    assert p == pytest.approx(ref.pvalue, rel=1e-9)
    assert (low, high) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_welch_interval_too_few_values_is_nan():
    assert all(np.isnan(v) for v in welch_interval([0.2], [0.1, 0.3]))


def _corpus_and_annotations(n_base=60, n_new=20):
    """Baseline docs mention Alba Corp (steady); new docs add Nerys Quell (new) and pair her
    with Alba Corp; Tovin Harbour is in 2 of 60 baseline docs and 12 of 20 new (rising)."""
    docs, sents, ents = [], [], []
    for i in range(n_base + n_new):
        new = i >= n_base
        doc_id = f"d{i:02d}"
        docs.append(
            {
                "doc_id": doc_id,
                "title": f"Story {i}",
                "text": "Body.",
                "source": "North" if i % 2 else "South",
                "published": pd.Timestamp("2026-05-01", tz="UTC") + pd.Timedelta(days=i // 5),
                "url": f"https://example.org/news/{i}",
            }
        )
        names = [("Alba Corp", "ORG")]
        if new:
            names.append(("Nerys Quell", "PERSON"))
        if (new and i % 10 < 6) or (not new and i in (3, 4)):
            names.append(("Tovin Harbour", "GPE"))
        # North gets far more negative in new documents; South stays the same
        compound = -0.6 + 0.01 * (i % 4) if (new and i % 2) else 0.2 + 0.01 * (i % 3)
        sents.append((doc_id, 0, 0, 40, f"Sentence {i} about " + ", ".join(n for n, _ in names),
                      0.1, 0.8, 0.1, compound, compound))  # fmt: skip
        for k, (name, label) in enumerate(names):
            ents.append((doc_id, 0, k, k + 1, name, label, name))
    ann = Annotations(
        sentences=pd.DataFrame(sents, columns=SENTENCE_COLUMNS),
        entities=pd.DataFrame(ents, columns=ENTITY_COLUMNS),
    )
    corpus = pd.DataFrame(docs)
    is_new = np.arange(len(corpus)) >= n_base
    return corpus, ann, is_new


def test_entity_changes_new_and_rising_with_evidence():
    corpus, ann, is_new = _corpus_and_annotations()
    out = entity_changes(corpus, is_new=is_new, annotations=ann)
    assert out["name"].tolist() == ["Nerys Quell", "Tovin Harbour"]  # Alba Corp is steady
    nerys, tovin = out.iloc[0], out.iloc[1]
    assert (nerys.status, nerys.new_docs, nerys.baseline_docs) == ("new", 20, 0)
    assert (tovin.status, tovin.new_docs, tovin.baseline_docs) == ("rising", 12, 2)
    assert tovin.g2 == pytest.approx(float(log_likelihood(12, 2, 20, 60)))
    assert tovin.log_ratio == pytest.approx(np.log2((12 / 20) / (2 / 60)))
    assert nerys.label == "PERSON"
    ex = nerys.examples
    assert len(ex) == 2 and ex[0]["doc_id"] == "d60" and "Nerys Quell" in ex[0]["text"]
    assert ex[0]["url"] == "https://example.org/news/60" and ex[0]["title"] == "Story 60"


def test_entity_changes_needs_both_sides():
    corpus, ann, _ = _corpus_and_annotations()
    assert entity_changes(corpus, is_new=np.ones(len(corpus), bool), annotations=ann).empty
    with pytest.raises(AnalysisInputError, match="one flag per corpus row"):
        entity_changes(corpus, is_new=[True], annotations=ann)


def test_pair_changes_new_pair_only():
    corpus, ann, is_new = _corpus_and_annotations()
    out = pair_changes(corpus, is_new=is_new, annotations=ann)
    pairs = set(zip(out["entity_a"], out["entity_b"], out["status"], strict=True))
    assert ("Alba Corp", "Nerys Quell", "new") in pairs
    assert ("Nerys Quell", "Tovin Harbour", "new") in pairs
    alba_nerys = out[(out.entity_a == "Alba Corp") & (out.entity_b == "Nerys Quell")].iloc[0]
    assert alba_nerys.new_count == 20 and alba_nerys.baseline_count == 0
    assert alba_nerys.examples and alba_nerys.examples[0]["title"].startswith("Story 6")


def test_sentiment_shifts_flags_the_source_that_moved_not_the_steady_one():
    corpus, ann, is_new = _corpus_and_annotations()
    out = sentiment_shifts(corpus, is_new=is_new, annotations=ann, by="source", min_sentences=5)
    groups = out[out["kind"] == "group"]
    assert groups["name"].tolist() == ["North"]
    row = groups.iloc[0]
    doc = ann.sentences.set_index("doc_id")["compound"]
    north = corpus["source"] == "North"
    new = doc[corpus.loc[north & is_new, "doc_id"]].to_numpy()
    base = doc[corpus.loc[north & ~is_new, "doc_id"]].to_numpy()
    ref = stats.ttest_ind(new, base, equal_var=False)
    assert row.difference == pytest.approx(new.mean() - base.mean())
    assert row.p_value == pytest.approx(ref.pvalue)
    # Bonferroni: two groups tested -> 97.5 % interval
    assert row.level == pytest.approx(0.975)
    ci = ref.confidence_interval(0.975)
    assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
    everything = sentiment_shifts(
        corpus, is_new=is_new, annotations=ann, by="source", moved_only=False
    )
    south = everything[(everything.kind == "group") & (everything.name == "South")].iloc[0]
    assert not south.moved


def test_sentiment_shifts_with_too_few_documents_is_an_empty_table():
    corpus, ann, is_new = _corpus_and_annotations(n_base=3, n_new=2)
    out = sentiment_shifts(corpus, is_new=is_new, annotations=ann, by="source")
    assert out.empty and "difference" in out.columns and "moved" in out.columns
