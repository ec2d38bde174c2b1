"""Tests for analysis.analyses.terms: hand-counted small corpus, and CountVectorizer/NLTK on BBC."""

from __future__ import annotations

import itertools
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from _terms_data import SMALL_STOP, read_bbc, read_rss, small_corpus

from analysis._validate import document_text
from analysis.analyses._tokenize import count_vectorizer_options, default_stopwords, tokenize
from analysis.analyses.kwic import kwic
from analysis.analyses.terms import collocations, term_frequencies
from analysis.analyses.trends import term_trends
from analysis.errors import AnalysisInputError

# Hand counts for small_corpus() with SMALL_STOP (see tests/_terms_data.py):
# a: rates x3, interest x2, rise bank england raised rose blair government didn't comment
# b: striker x3, scores scored twice strikes workers hit club bus goal won match
# c: interest rates striker        d: quiet day nothing happened
ONES = [
    "bank",
    "blair",
    "bus",
    "club",
    "comment",
    "day",
    "didn't",
    "england",
    "goal",
    "government",
    "happened",
    "hit",
    "match",
    "nothing",
    "quiet",
    "raised",
    "rise",
    "rose",
    "scored",
    "scores",
    "strikes",
    "twice",
    "won",
    "workers",
]


def tf(corpus, **kw):
    return term_frequencies(corpus, stopwords=SMALL_STOP, progress=False, **kw)


# --------------------------------------------------------------------------- term_frequencies


def test_term_frequencies_hand_counts():
    df = tf(small_corpus())
    assert list(df.columns) == ["term", "count", "doc_count", "share"]
    assert df["term"].tolist() == ["rates", "striker", "interest", *ONES]
    assert df["count"].tolist() == [4, 4, 3] + [1] * len(ONES)
    assert df["doc_count"].tolist() == [2, 2, 2] + [1] * len(ONES)
    assert df["count"].sum() == 35
    assert df["share"].iloc[0] == pytest.approx(4 / 35)
    assert df["share"].sum() == pytest.approx(1.0)


def test_term_frequencies_by_group_keeps_missing_group_last():
    df = tf(small_corpus(), by="category")
    assert list(df.columns) == ["category", "term", "count", "doc_count", "share"]
    groups = df["category"].tolist()
    assert groups[0] == "economy" and pd.isna(groups[-1])
    na = df[df["category"].isna()]
    assert na["term"].tolist() == ["interest", "rates", "striker"]
    assert na["share"].tolist() == pytest.approx([1 / 3] * 3)
    econ = df[df["category"] == "economy"]
    assert econ["count"].sum() == 18  # docs a (14 terms) and d (4)
    assert econ.iloc[:2][["term", "count"]].values.tolist() == [["rates", 3], ["interest", 2]]
    sport = df[df["category"] == "sport"]
    assert sport.iloc[0]["term"] == "striker" and sport.iloc[0]["count"] == 3


def test_term_frequencies_by_two_columns_min_count_and_top():
    df = tf(small_corpus(), by=["source", "category"], min_count=2)
    assert df[["source", "category", "term", "count"]].values.tolist() == [
        ["wire", "economy", "rates", 3],
        ["wire", "economy", "interest", 2],
        ["wire", "sport", "striker", 3],
    ]
    top = tf(small_corpus(), by="source", top=2)
    assert top.groupby("source").size().to_dict() == {"paper": 2, "wire": 2}
    # the share keeps the whole group as denominator (paper: 3 + 4 terms)
    assert top[top["source"] == "paper"]["share"].tolist() == pytest.approx([1 / 7, 1 / 7])


def test_term_frequencies_bigrams_span_removed_stopwords():
    df = tf(small_corpus(), ngram_range=(2, 2))
    row = df.iloc[0]
    assert (row["term"], row["count"], row["doc_count"]) == ("interest rates", 3, 2)
    terms = set(df["term"])
    assert "bank england" in terms  # "bank of england" without "of"
    assert "rise bank" in terms  # title and body are one text: "again" and "the" removed
    # 13 bigrams in a, 13 in b, 2 in c, 3 in d
    assert df["count"].sum() == 31


def test_term_frequencies_does_not_mutate_input():
    corpus = small_corpus()
    before = corpus.copy(deep=True)
    tf(corpus, by="category", ngram_range=(1, 2))
    pd.testing.assert_frame_equal(corpus, before)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"by": "section"}, "missing column"),
        ({"by": "week"}, "term_trends"),
        ({"by": 3}, "by=3"),
        ({"by": []}, "by=[]"),
        ({"min_count": 0}, "min_count=0"),
        ({"top": 0}, "top=0"),
        ({"ngram_range": (2, 1)}, "ngram_range=(2, 1)"),
        ({"stopwords": "german"}, "stopwords='german'"),
    ],
)
def test_term_frequencies_errors(kwargs, match):
    with pytest.raises(AnalysisInputError, match=re.escape(match)):
        term_frequencies(small_corpus(), progress=False, **kwargs)


def test_term_frequencies_rejects_empty_and_non_frames():
    with pytest.raises(AnalysisInputError, match="empty"):
        term_frequencies(small_corpus().iloc[:0])
    with pytest.raises(AnalysisInputError, match="DataFrame"):
        term_frequencies(["some text"])  # type: ignore[arg-type]
    with pytest.raises(AnalysisInputError, match="text"):
        term_frequencies(pd.DataFrame({"body": ["x"]}))


def test_term_frequencies_works_without_title_column():
    corpus = pd.DataFrame({"text": ["Alpha beta", "beta gamma"]})
    df = term_frequencies(corpus, stopwords=None, progress=False)
    assert df[["term", "count"]].values.tolist() == [["beta", 2], ["alpha", 1], ["gamma", 1]]


def _countvectorizer_totals(texts, options):
    from sklearn.feature_extraction.text import CountVectorizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # stop words like "'s": never produced
        vec = CountVectorizer(**options)
        x = vec.fit_transform(texts)
    counts = np.asarray(x.sum(axis=0)).ravel().tolist()
    docs = np.bincount(x.indices, minlength=x.shape[1]).tolist()
    names = vec.get_feature_names_out().tolist()
    return dict(zip(names, zip(counts, docs, strict=True), strict=True))


def _ours(df):
    return dict(
        zip(
            df["term"],
            zip(df["count"].tolist(), df["doc_count"].tolist(), strict=True),
            strict=True,
        )
    )


def test_bbc_unigram_counts_equal_countvectorizer(bbc_dir):
    corpus = read_bbc(bbc_dir)
    want = _countvectorizer_totals(document_text(corpus).tolist(), count_vectorizer_options())
    got = _ours(term_frequencies(corpus, progress=False))
    assert len(got) > 20_000
    assert got == want


def test_bbc_unigram_counts_per_category_equal_countvectorizer(bbc_dir):
    corpus = read_bbc(bbc_dir)
    df = term_frequencies(corpus, by="category", progress=False)
    texts = document_text(corpus)
    options = count_vectorizer_options()
    for category, group in df.groupby("category"):
        want = _countvectorizer_totals(texts[corpus["category"] == category].tolist(), options)
        assert _ours(group) == want, category


@pytest.mark.slow
def test_bbc_bigram_counts_equal_countvectorizer(bbc_dir):
    corpus = read_bbc(bbc_dir)
    options = count_vectorizer_options(ngram_range=(2, 2))
    want = _countvectorizer_totals(document_text(corpus).tolist(), options)
    got = _ours(term_frequencies(corpus, ngram_range=(2, 2), progress=False))
    assert len(got) > 200_000
    assert got == want


# --------------------------------------------------------------------------- term_trends


def test_term_trends_weekly_hand_counts_with_empty_week_and_missing_date():
    with pytest.warns(UserWarning, match="1 of 4 documents"):
        df = term_trends(
            small_corpus(), ["Interest rates", "Striker"], stopwords=SMALL_STOP, progress=False
        )
    assert list(df.columns) == ["period", "term", "count", "total_words", "per_10k"]
    weeks = pd.to_datetime(["2026-09-21", "2026-09-28", "2026-10-05"]).tz_localize("UTC")
    assert df["period"].tolist() == list(np.repeat(weeks, 2))
    assert df["term"].tolist() == ["Interest rates", "Striker"] * 3
    assert df["count"].tolist() == [1, 1, 0, 0, 2, 3]
    # all word tokens, stop words included: c has 5; a has 18 and b 19
    assert df["total_words"].tolist() == [5, 5, 0, 0, 37, 37]
    assert df["per_10k"].tolist() == pytest.approx([2e3, 2e3, 0, 0, 2 / 37 * 1e4, 3 / 37 * 1e4])
    assert df.attrs["excluded_missing_dates"] == 1
    assert df.attrs["normalized_terms"] == {
        "Interest rates": "interest rates",
        "Striker": "striker",
    }


def test_term_trends_month_and_day_and_rate_name():
    corpus = small_corpus().dropna(subset=["published"])
    month = term_trends(
        corpus, "rates", freq="month", per=1000, stopwords=SMALL_STOP, progress=False
    )
    assert list(month.columns) == ["period", "term", "count", "total_words", "per_1k"]
    assert month["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-09-01", "2026-10-01"]
    assert month["count"].tolist() == [1, 3]
    day = term_trends(corpus, ["rates"], freq="day", progress=False)
    assert len(day) == 16  # 2026-09-21 .. 2026-10-06, every day present
    assert day["count"].sum() == 4
    assert (day["total_words"] > 0).sum() == 3


def test_term_trends_keeps_time_zone_and_parses_strings():
    corpus = small_corpus().dropna(subset=["published"])
    corpus["published"] = corpus["published"].dt.tz_convert("America/New_York")
    df = term_trends(corpus, "striker", freq="day", progress=False)
    assert str(df["period"].dt.tz) == "America/New_York"
    # 2026-09-21T07:00Z is 03:00 in New York: same day
    assert df["period"].iloc[0] == pd.Timestamp("2026-09-21", tz="America/New_York")
    naive = small_corpus().dropna(subset=["published"])
    naive["published"] = naive["published"].dt.tz_localize(None)
    weeks = term_trends(naive, "striker", progress=False)
    assert weeks["period"].dt.tz is None
    assert weeks["period"].tolist() == list(
        pd.to_datetime(["2026-09-21", "2026-09-28", "2026-10-05"])
    )
    as_text = small_corpus().dropna(subset=["published"])
    as_text["published"] = ["2026-10-05", "2026-10-06", "2026-09-21"]
    assert term_trends(as_text, "striker", progress=False)["count"].tolist() == [1, 0, 3]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"terms": []}, "terms=\\[\\]"),
        ({"terms": ["ok", ""]}, "non-empty str"),
        ({"terms": "the"}, "stopwords=None"),
        ({"terms": "rates", "freq": "year"}, "freq='year'"),
        ({"terms": "rates", "per": 0}, "per=0"),
        ({"terms": "rates", "date_column": "date"}, "missing column"),
    ],
)
def test_term_trends_errors(kwargs, match):
    with pytest.raises(AnalysisInputError, match=match):
        term_trends(small_corpus(), progress=False, **kwargs)


def test_term_trends_without_any_date():
    corpus = small_corpus()
    corpus["published"] = pd.NaT
    with pytest.raises(AnalysisInputError, match="no document has a date"):
        term_trends(corpus, "rates", progress=False)


# --------------------------------------------------------------------------- kwic


def test_kwic_phrase_across_whitespace_with_offsets():
    corpus = small_corpus()
    hits = kwic(corpus, "interest rates", window=2)
    assert list(hits.columns) == [
        "doc_id",
        "title",
        "published",
        "source",
        "left",
        "keyword",
        "right",
        "position",
    ]
    assert hits["doc_id"].tolist() == ["a", "a", "c"]
    # the keyword as written, here with two spaces
    assert hits["keyword"].tolist() == ["interest rates", "Interest  rates", "Interest rates"]
    first = hits.iloc[0]
    assert first["left"] == "England raised"
    assert first["right"] == ". Interest rates"  # the glued full stop comes in addition
    assert hits.iloc[1]["right"] == "rose to"
    texts = dict(zip(corpus["doc_id"], document_text(corpus), strict=True))
    for _, hit in hits.iterrows():
        pos = hit["position"]
        assert texts[hit["doc_id"]][pos : pos + len(hit["keyword"])] == hit["keyword"]
    assert hits["published"].dtype == corpus["published"].dtype


def test_kwic_whole_words_wildcards_and_case():
    corpus = small_corpus()
    assert kwic(corpus, "rate").empty
    assert len(kwic(corpus, "rates")) == 4  # title "Rates" + 2 in a + 1 in c
    strik = kwic(corpus, "strik*")
    assert strik["keyword"].tolist() == ["Striker", "striker", "Strikes", "striker", "striker"]
    assert len(kwic(corpus, "Striker", case_sensitive=True)) == 1
    assert kwic(corpus, "*ing")["keyword"].tolist() == ["Nothing"]
    assert kwic(corpus, "blair")["right"].iloc[0].startswith("'s government")


def test_kwic_escapes_user_text_unless_regex():
    corpus = small_corpus()
    assert kwic(corpus, "to 5%")["keyword"].tolist() == ["to 5%"]
    assert kwic(corpus, "t. 5%").empty  # "." is a literal full stop
    assert kwic(corpus, r"t. 5%", regex=True)["keyword"].tolist() == ["to 5%"]
    assert kwic(corpus, r"rates?\b", regex=True)["keyword"].str.lower().tolist() == ["rates"] * 4


def test_kwic_window_at_text_edges_and_zero():
    corpus = pd.DataFrame({"doc_id": ["x"], "text": ["missile test today"]})
    hit = kwic(corpus, "missile", window=5).iloc[0]
    assert (hit["left"], hit["right"], hit["position"]) == ("", "test today", 0)
    assert pd.isna(hit["title"]) and pd.isna(hit["source"])
    hit0 = kwic(corpus, "test", window=0).iloc[0]
    assert (hit0["left"], hit0["right"]) == ("", "")
    long = pd.DataFrame({"doc_id": ["y"], "text": [" ".join(["w"] * 500) + " missile " + "z " * 3]})
    hit = kwic(long, "missile", window=300).iloc[0]
    assert hit["left"] == " ".join(["w"] * 300) and hit["right"] == "z z z"


@pytest.mark.parametrize("query", ["", "   ", "*", None])
def test_kwic_rejects_empty_query(query):
    with pytest.raises(AnalysisInputError, match="query"):
        kwic(small_corpus(), query)  # type: ignore[arg-type]


def test_kwic_other_errors():
    with pytest.raises(AnalysisInputError, match="window=-1"):
        kwic(small_corpus(), "rates", window=-1)
    with pytest.raises(AnalysisInputError, match="not a valid regex"):
        kwic(small_corpus(), "(", regex=True)
    with pytest.raises(AnalysisInputError, match="doc_id"):
        kwic(pd.DataFrame({"text": ["a"]}), "a")


# --------------------------------------------------------------------------- collocations


COLLOC = pd.DataFrame(
    {
        "doc_id": ["1", "2", "3"],
        "text": ["Prime minister Smith met the prime minister", "minister Jones", "prime"],
    }
)


def test_collocations_hand_counts_no_pairs_across_documents():
    df = collocations(
        COLLOC, measure="raw_freq", min_count=1, top=None, stopwords={"the"}, progress=False
    )
    assert list(df.columns) == ["term", "word1", "word2", "count", "score"]
    got = dict(zip(df["term"], df["count"], strict=True))
    assert got == {"prime minister": 2, "minister smith": 1, "smith met": 1, "minister jones": 1}
    # raw_freq = count / number of tokens (10, stop words included)
    assert df.iloc[0]["term"] == "prime minister" and df.iloc[0]["score"] == pytest.approx(0.2)
    assert "minister minister" not in got and "jones prime" not in got
    assert collocations(COLLOC, min_count=2, stopwords={"the"}, progress=False)[
        "term"
    ].tolist() == ["prime minister"]


def test_collocations_window_scales_counts_like_nltk():
    df = collocations(
        COLLOC,
        measure="raw_freq",
        min_count=1,
        top=None,
        window=3,
        stopwords={"the"},
        progress=False,
    )
    got = dict(zip(df["term"], df["count"], strict=True))
    assert got["prime minister"] == 2 and got["prime smith"] == 1 and got["minister met"] == 1
    assert "met prime" in got and "smith the" not in got
    row = df.set_index("term").loc["prime minister"]
    assert row["score"] == pytest.approx(2 / 2 / 10)  # count / (window - 1) / N


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"measure": "fisher"}, "measure='fisher'"),
        ({"window": 1}, "window=1"),
        ({"min_count": 0}, "min_count=0"),
        ({"top": -1}, "top=-1"),
    ],
)
def test_collocations_errors(kwargs, match):
    with pytest.raises(AnalysisInputError, match=match):
        collocations(COLLOC, progress=False, **kwargs)


def _nltk_reference(texts, measure, window, min_count):
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures

    docs = [tokenize(t, stopwords=None) for t in texts]
    pad = [None] * (window - 1)
    words = list(itertools.chain.from_iterable(d + pad for d in docs))
    finder = BigramCollocationFinder.from_words(words, window_size=window)
    finder.apply_freq_filter(min_count)
    stop = default_stopwords()
    finder.apply_word_filter(lambda w: w in stop)
    return finder.score_ngrams(getattr(BigramAssocMeasures, measure))


@pytest.mark.parametrize(
    "measure, window", [("likelihood_ratio", 2), ("pmi", 2), ("student_t", 3), ("chi_sq", 2)]
)
def test_collocations_equal_nltk_on_bbc_sample(bbc_dir, measure, window):
    corpus = read_bbc(bbc_dir).iloc[::5]  # 445 articles from all categories
    ours = collocations(
        corpus, measure=measure, window=window, min_count=3, top=None, progress=False
    )
    ref = _nltk_reference(document_text(corpus).tolist(), measure, window, min_count=3)
    assert len(ours) == len(ref) > 100
    assert ours["term"].tolist() == [f"{a} {b}" for (a, b), _ in ref]
    assert np.allclose(ours["score"], [s for _, s in ref])
    assert not math.isnan(ours["score"].iloc[0])


def test_kwic_apostrophes_match_both_styles():
    corpus = pd.DataFrame({"doc_id": ["x"], "text": ["Blair’s plan and Blair's team"]})
    assert kwic(corpus, "blair's")["keyword"].tolist() == ["Blair’s", "Blair's"]


def test_rss_monthly_trends_equal_countvectorizer_per_month(rss_csv):
    from sklearn.feature_extraction.text import CountVectorizer

    corpus = read_rss(rss_csv)
    terms = ["Ukraine", "energy bills", "Boris Johnson"]
    df = term_trends(corpus, terms, freq="month", progress=False)
    assert df.attrs["excluded_missing_dates"] == 0
    months = corpus["published"].dt.strftime("%Y-%m")
    texts = document_text(corpus)
    assert df["period"].dt.strftime("%Y-%m").unique().tolist() == sorted(
        pd.period_range(months.min(), months.max(), freq="M").strftime("%Y-%m")
    )
    keys = ["ukraine", "energy bills", "boris johnson"]
    counter = CountVectorizer(**count_vectorizer_options(ngram_range=(1, 2)), vocabulary=keys)
    words = CountVectorizer(**count_vectorizer_options(stopwords=None))
    for period, group in df.groupby("period"):
        month_texts = texts[(months == period.strftime("%Y-%m")).to_numpy()].tolist()
        if not month_texts:
            assert (group["count"] == 0).all() and (group["total_words"] == 0).all()
            continue
        want = np.asarray(counter.fit_transform(month_texts).sum(axis=0)).ravel().tolist()
        assert group["count"].tolist() == want, period
        assert (group["total_words"] == words.fit_transform(month_texts).sum()).all(), period
    assert df["count"].sum() > 100


@pytest.mark.parametrize(
    "call",
    [
        lambda c: term_trends(c, ["rates", "interest rates"], freq="day", progress=False),
        lambda c: kwic(c, "strik*"),
        lambda c: collocations(c, min_count=1, progress=False),
    ],
)
def test_other_functions_do_not_mutate_input(call):
    corpus = small_corpus()
    before = corpus.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the undated document
        call(corpus)
    pd.testing.assert_frame_equal(corpus, before)
    assert corpus.attrs == before.attrs


def test_progress_bar_option_gives_the_same_result():
    corpus = small_corpus()
    pd.testing.assert_frame_equal(
        term_frequencies(corpus, progress=True), term_frequencies(corpus, progress=False)
    )


@pytest.mark.parametrize("window", [2, 3, 4])
def test_likelihood_ratio_without_nltk_equals_nltk_to_the_bit(window):
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures
    from nltk.probability import FreqDist

    from analysis.analyses.terms import _likelihood_ratio_scores

    rng = np.random.default_rng(window)
    letters = "abcdefghij"
    vocab = [f"w{a}{b}" for a in letters for b in letters[:6]] + ["the", "of", "and"]
    weights = np.linspace(3, 1, len(vocab))
    texts = [
        " ".join(rng.choice(vocab, size=int(rng.integers(1, 80)), p=weights / weights.sum()))
        for _ in range(120)
    ]
    df = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
    ours = collocations(df, window=window, min_count=2, top=None, progress=False)
    word_fd, pair_fd = FreqDist(), FreqDist()
    for text in texts:
        toks = tokenize(text, stopwords=None)
        word_fd.update(toks)
        for k in range(1, window):
            pair_fd.update(zip(toks, toks[k:], strict=False))
    stop = default_stopwords()
    kept = {p: c for p, c in pair_fd.items() if c >= 2 and p[0] not in stop and p[1] not in stop}
    finder = BigramCollocationFinder(word_fd, FreqDist(kept), window_size=window)
    ref = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)
    assert len(ref) > 50
    assert _likelihood_ratio_scores(word_fd, kept, word_fd.N(), window) == ref  # exact floats
    assert ours["term"].tolist() == [f"{a} {b}" for (a, b), _ in ref]
    assert ours["score"].tolist() == [s for _, s in ref]
    assert ours.attrs["n_tokens"] == finder.N
