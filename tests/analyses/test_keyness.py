"""Tests for analysis.keyness: G² against scipy, log ratio by hand, TF-IDF against sklearn."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from _terms_data import SMALL_STOP, read_bbc, small_corpus
from scipy import stats

from analysis._validate import document_text
from analysis.analyses._tokenize import count_vectorizer_options, tokenize
from analysis.analyses.keyness import distinctive_terms, keyness, log_likelihood
from analysis.analyses.tfidf import tfidf_by_group
from analysis.errors import AnalysisInputError


def scipy_g2(a: float, b: float, c: float, d: float) -> float:
    table = np.array([[a, b], [c - a, d - b]])
    g2, _, dof, _ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert dof == 1
    return float(g2)


@pytest.mark.parametrize(
    "a, b, c, d",
    [(10, 2, 1000, 1000), (0, 7, 500, 900), (7, 0, 500, 900), (3, 3, 50, 50), (40, 1, 41, 5000)],
)
def test_log_likelihood_equals_scipy(a, b, c, d):
    assert float(log_likelihood(a, b, c, d)) == pytest.approx(scipy_g2(a, b, c, d), rel=1e-12)


def test_log_likelihood_is_vectorised():
    a, b = np.array([1.0, 5.0, 9.0]), np.array([9.0, 5.0, 1.0])
    got = log_likelihood(a, b, 100, 100)
    assert got == pytest.approx([scipy_g2(x, y, 100, 100) for x, y in zip(a, b, strict=True)])
    assert got[1] == pytest.approx(0.0)


def kt(corpus=None, **kw):
    corpus = small_corpus() if corpus is None else corpus
    return distinctive_terms(corpus, stopwords=SMALL_STOP, min_count=1, progress=False, **kw)


def test_group_against_rest_by_hand():
    # economy = docs a + d (18 terms), rest = b + c (17 terms); see tests/_terms_data.py
    df = kt(by="category", target="economy")
    assert list(df.columns) == [
        "term",
        "target_count",
        "reference_count",
        "target_doc_count",
        "reference_doc_count",
        "target_per_10k",
        "reference_per_10k",
        "g2",
        "p_value",
        "log_ratio",
        "direction",
    ]
    assert df.attrs["target_terms"] == 18 and df.attrs["reference_terms"] == 17
    assert df.attrs["target_docs"] == 2 and df.attrs["reference_docs"] == 2
    rows = df.set_index("term")
    rates = rows.loc["rates"]
    assert (rates["target_count"], rates["reference_count"]) == (3, 1)
    assert rates["log_ratio"] == pytest.approx(math.log2((3 / 18) / (1 / 17)))
    assert rates["direction"] == "over"
    striker = rows.loc["striker"]
    assert (striker["target_count"], striker["reference_count"]) == (0, 4)
    assert striker["log_ratio"] == pytest.approx(math.log2((0.5 / 18) / (4 / 17)))  # 0 -> 0.5
    assert striker["direction"] == "under"
    assert striker["target_per_10k"] == 0 and striker["reference_per_10k"] == pytest.approx(
        4 / 17 * 1e4
    )
    for term, row in rows.iterrows():
        g2 = scipy_g2(row["target_count"], row["reference_count"], 18, 17)
        assert row["g2"] == pytest.approx(g2, rel=1e-9, abs=1e-12), term
        assert row["p_value"] == pytest.approx(stats.chi2.sf(g2, 1), rel=1e-9), term
    assert df["g2"].is_monotonic_decreasing
    assert df.iloc[0]["term"] == "striker"  # the largest G² here is an under-used term


def test_direction_filter_min_count_top_and_alias():
    over = kt(by="category", target="economy", direction="over")
    assert set(over["direction"]) == {"over"} and "rates" in set(over["term"])
    under = kt(by="category", target="economy", direction="under", top=1)
    assert under["term"].tolist() == ["striker"]
    frequent = distinctive_terms(
        small_corpus(), by="category", target="economy", stopwords=SMALL_STOP, progress=False,
        min_count=4,
    )  # fmt: skip
    assert sorted(frequent["term"]) == ["rates", "striker"]
    pd.testing.assert_frame_equal(
        keyness(small_corpus(), by="category", target="economy", stopwords=SMALL_STOP,
                min_count=1, progress=False),
        kt(by="category", target="economy"),
    )  # fmt: skip


def test_explicit_reference_values_and_lists():
    df = kt(by="doc_id", target=["a"], reference="b")
    assert df.attrs["target_docs"] == 1 and df.attrs["reference_docs"] == 1
    assert df.attrs["target_terms"] == 14 and df.attrs["reference_terms"] == 14
    assert set(df["term"]) == set(tokenize(document_text(small_corpus().iloc[:2]).str.cat(sep=" "),
                                           stopwords=SMALL_STOP))  # fmt: skip


def test_tuple_of_values_on_a_column_without_dates_is_not_a_period():
    df = kt(by="category", target=("economy", "sport"))
    assert df.attrs["target_docs"] == 3 and df.attrs["reference_docs"] == 1  # c: no category


def test_periods_inclusive_whole_days_and_missing_dates():
    df = kt(target=("2026-10-05", "2026-10-06"), reference=("2026-09-21", "2026-09-21"))
    assert df.attrs["target_docs"] == 2  # b at 18:30 on the 6th is in: whole day
    assert df.attrs["reference_docs"] == 1
    assert df.attrs["excluded_missing_dates"] == 1
    rest = kt(target=("2026-10-05", None))  # reference None: every other dated document
    assert rest.attrs["reference_docs"] == 1
    timed = kt(target=("2026-10-05", "2026-10-06 12:00"))
    assert timed.attrs["target_docs"] == 1  # b is after 12:00
    naive = small_corpus()
    naive["published"] = naive["published"].dt.tz_localize(None)
    assert kt(naive, target=("2026-10-05", "2026-10-06")).attrs["target_docs"] == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"by": "category", "target": "weather"}, "matches no document"),
        ({"by": "category", "target": "economy", "reference": "economy"}, "overlap"),
        ({"by": "category", "target": "sport", "reference": "weather"}, "reference selection"),
        ({"target": "2026-10-05"}, "not a period"),
        ({"target": ("2026-10-05", "soon")}, "not a date"),
        ({"target": ("2026-10-06", "2026-10-05")}, "ends before it starts"),
        ({"target": ("2027-01-01", None)}, "target selection has no documents"),
        ({"by": "category", "target": "sport", "direction": "up"}, "direction='up'"),
        ({"by": "section", "target": "x"}, "missing column"),
        ({"by": ["a", "b"], "target": "x"}, "one column name"),
    ],
)
def test_distinctive_terms_errors(kwargs, match):
    with pytest.raises(AnalysisInputError, match=re.escape(match)):
        kt(**kwargs)


def test_distinctive_terms_rejects_bad_min_count():
    with pytest.raises(AnalysisInputError, match="min_count=0"):
        distinctive_terms(small_corpus(), by="category", target="sport", min_count=0)


def test_distinctive_terms_does_not_mutate_input():
    corpus = small_corpus()
    before = corpus.copy(deep=True)
    kt(corpus, target=("2026-10-05", None))
    kt(corpus, by="category", target="sport")
    pd.testing.assert_frame_equal(corpus, before)


def test_bbc_keyness_matches_scipy_and_makes_sense(bbc_dir):
    corpus = read_bbc(bbc_dir)
    df = distinctive_terms(corpus, by="category", target="sport", progress=False)
    c, d = df.attrs["target_terms"], df.attrs["reference_terms"]
    for _, row in df.head(30).iterrows():
        assert row["g2"] == pytest.approx(
            scipy_g2(row["target_count"], row["reference_count"], c, d), rel=1e-9
        )
    top_over = df[df["direction"] == "over"].head(20)["term"].tolist()
    assert {"cup", "match", "coach"} <= set(top_over)
    assert (df["target_count"] + df["reference_count"] >= 5).all()


# --------------------------------------------------------------------------- TF-IDF


def _sklearn_tfidf(group_docs: dict, **kw) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer

    names = list(group_docs)
    vec = TfidfVectorizer(**kw)
    x = vec.fit_transform([group_docs[n] for n in names]).tocoo()
    vocab = vec.get_feature_names_out()
    return {(names[i], vocab[j]): v for i, j, v in zip(x.row, x.col, x.data, strict=True)}


def _ours(df: pd.DataFrame, by: str) -> dict:
    return dict(zip(zip(df[by], df["term"], strict=True), df["tfidf"], strict=True))


def _assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    keys = list(want)
    assert np.allclose([got[k] for k in keys], [want[k] for k in keys], rtol=1e-10, atol=0)


def test_tfidf_small_by_hand_and_sorted():
    df = tfidf_by_group(small_corpus(), by="source", top=None, stopwords=SMALL_STOP, progress=False)
    assert list(df.columns) == ["source", "term", "count", "group_count", "tfidf"]
    wire = df[df["source"] == "wire"]
    # wire = docs a + b; "rates" (3), "striker" (3) and "interest" (2) also occur in
    # paper: idf 1; the 20 other wire terms (count 1) are wire-only: idf ln(3/2) + 1
    idf1 = math.log(3 / 2) + 1
    w = {"rates": 3.0, "striker": 3.0, "interest": 2.0, "bank": idf1}
    norm = math.sqrt(3**2 + 3**2 + 2**2 + 20 * idf1**2)
    rows = wire.set_index("term")
    for term, raw in w.items():
        assert rows.loc[term, "tfidf"] == pytest.approx(raw / norm), term
    assert rows.loc["bank", "group_count"] == 1 and rows.loc["rates", "group_count"] == 2
    assert wire["term"].tolist()[:3] == ["rates", "striker", "interest"]
    assert wire["tfidf"].is_monotonic_decreasing
    assert (wire["tfidf"] ** 2).sum() == pytest.approx(1.0)


@pytest.mark.parametrize("sublinear_tf", [False, True])
def test_tfidf_unigrams_equal_sklearn_on_bbc(bbc_dir, sublinear_tf):
    corpus = read_bbc(bbc_dir)
    texts = document_text(corpus)
    groups = {
        c: "\n".join(texts[corpus["category"] == c]) for c in sorted(corpus["category"].unique())
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # stop words the pattern never yields
        want = _sklearn_tfidf(groups, sublinear_tf=sublinear_tf, **count_vectorizer_options())
    df = tfidf_by_group(corpus, by="category", top=None, sublinear_tf=sublinear_tf, progress=False)
    _assert_same(_ours(df, "category"), want)


@pytest.mark.slow
def test_tfidf_bigrams_equal_sklearn_on_bbc(bbc_dir):
    corpus = read_bbc(bbc_dir)
    # bigrams never span two articles, so each group "document" is the list of its terms
    terms = [tokenize(t, ngram_range=(1, 2)) for t in document_text(corpus)]
    groups: dict = {}
    for cat, t in zip(corpus["category"], terms, strict=True):
        groups.setdefault(cat, []).extend(t)
    want = _sklearn_tfidf(groups, analyzer=lambda doc: doc)
    df = tfidf_by_group(corpus, by="category", top=None, ngram_range=(1, 2), progress=False)
    _assert_same(_ours(df, "category"), want)


def test_tfidf_top_and_min_count_and_errors():
    df = tfidf_by_group(small_corpus(), by="source", top=2, stopwords=SMALL_STOP, progress=False)
    assert df.groupby("source").size().to_dict() == {"paper": 2, "wire": 2}
    full = tfidf_by_group(
        small_corpus(), by="source", top=None, stopwords=SMALL_STOP, progress=False
    )
    frequent = tfidf_by_group(
        small_corpus(), by="source", top=None, min_count=2, stopwords=SMALL_STOP, progress=False
    )
    assert frequent["term"].tolist() == ["rates", "striker", "interest"]
    merged = frequent.merge(full, on=["source", "term"], suffixes=("", "_full"))
    assert np.allclose(merged["tfidf"], merged["tfidf_full"])  # weights do not change
    with pytest.raises(AnalysisInputError, match="by is required"):
        tfidf_by_group(small_corpus(), by=None)  # type: ignore[arg-type]
    with pytest.raises(AnalysisInputError, match="missing column"):
        tfidf_by_group(small_corpus(), by="section")
    with pytest.raises(AnalysisInputError, match="top=0"):
        tfidf_by_group(small_corpus(), by="source", top=0)


def test_every_group_against_the_rest_equals_one_by_one():
    corpus = small_corpus()
    corpus.loc[corpus["category"].isna(), "category"] = "misc"
    each = kt(corpus, by="category", top=5)
    assert list(each.columns[:2]) == ["category", "term"]
    assert each["category"].unique().tolist() == ["economy", "misc", "sport"]
    for cat in ["economy", "misc", "sport"]:
        one = kt(corpus, by="category", target=cat, top=5)
        got = each[each["category"] == cat].drop(columns="category").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one, check_like=False, check_exact=False)
    over = kt(corpus, by="category", direction="over")
    assert set(over["direction"]) == {"over"}


def test_every_group_against_the_rest_errors():
    with pytest.raises(AnalysisInputError, match="target is required"):
        kt()
    with pytest.raises(AnalysisInputError, match="needs a target"):
        kt(by="category", reference="sport")
    with pytest.raises(AnalysisInputError, match="single group"):
        kt(by="source", target=None, corpus=small_corpus().iloc[:2])
