"""Tests for analysis.analyses._tokenize: the token pattern, stop words, n-grams, sklearn parity."""

from __future__ import annotations

import re
import warnings

import pytest
from spacy.lang.en.stop_words import STOP_WORDS

from analysis.analyses._tokenize import (
    CONTRACTIONS,
    TOKEN_PATTERN,
    count_vectorizer_options,
    default_stopwords,
    token_pattern,
    tokenize,
)
from analysis.errors import AnalysisInputError

TEXTS = [
    "Blair's party didn't say 'I am happy,' o'neill said. Rock 'n' roll!",
    "It’s O’Neill’s car: an mp3 player, 3bn dollars, 3.5% and 1,000 people in 2005.",
    "Players' union: the UN's envoy, the A-team and e-mail; x' y",
    "Ça a été l'été à Zürich. Les élèves d'aujourd'hui",
    "",
    "  \n\t ",
]


def findall(text: str, **kw) -> list[str]:
    return re.findall(token_pattern(**kw), text)


def test_default_pattern_words_and_apostrophes():
    assert findall("blair's party didn't say o'neill rock'n'roll") == [
        "blair",
        "party",
        "didn't",
        "say",
        "o'neill",
        "rock'n'roll",
    ]
    # curly apostrophes behave like straight ones
    assert findall("it’s o’neill’s") == ["it", "o’neill"]
    # plural possessive: the trailing apostrophe is not part of the word
    assert findall("players' union") == ["players", "union"]
    # British single quotes around a quotation do not hide its first or last word
    assert findall("'we are happy,' he said") == ["we", "are", "happy", "he", "said"]


def test_default_pattern_skips_digits_short_words_and_punctuation():
    assert findall("an mp3 player, 3bn dollars, 3.5% in 2005 a b") == [
        "an",
        "player",
        "dollars",
        "in",
    ]
    assert token_pattern() == TOKEN_PATTERN


def test_min_length_counts_letters_not_apostrophes():
    assert findall("a bb ccc o'x", min_length=1) == ["a", "bb", "ccc", "o'x"]
    assert findall("a bb ccc o'x", min_length=2) == ["bb", "ccc", "o'x"]
    assert findall("a bb ccc o'x dddd", min_length=3) == ["ccc", "dddd"]
    assert findall("a bb ccc o'x dddd", min_length=4) == ["dddd"]
    # the "s" of a dropped possessive never comes back as a word
    assert findall("blair's", min_length=1) == ["blair"]


def test_numbers_option():
    assert findall("an mp3 player, 3bn, 3.5% and 1,000 in 2005. a,b 7", numbers=True) == [
        "an",
        "mp3",
        "player",
        "3bn",
        "3.5",
        "and",
        "1,000",
        "in",
        "2005",
    ]
    assert findall("7 x", numbers=True, min_length=1) == ["7", "x"]


def test_punctuation_option():
    assert findall("Hi, you! (ok)", punctuation=True) == ["Hi", ",", "you", "!", "(", "ok", ")"]


def test_tokenize_lowercases_removes_stopwords_then_ngrams():
    text = "The Bank of England's interest rate"
    assert tokenize(text) == ["bank", "england", "interest", "rate"]
    assert tokenize(text, ngram_range=(2, 2)) == [
        "bank england",
        "england interest",
        "interest rate",
    ]
    assert tokenize(text, ngram_range=(3, 3), stopwords=None) == [
        "the bank of",
        "bank of england",
        "of england interest",
        "england interest rate",
    ]
    assert tokenize("The BANK", lowercase=False, stopwords={"The"}) == ["BANK"]
    assert tokenize("a b", ngram_range=(2, 2)) == []  # one-letter words are not tokens


def test_default_stopwords_are_spacy_plus_contractions():
    sw = default_stopwords()
    assert {w for w in STOP_WORDS if w[0].isalpha()} <= sw
    assert not any(w[0] in "'’‘" for w in sw)  # clitics like "'ll": never a token
    assert sw >= CONTRACTIONS
    assert {"don't", "didn't", "we're", "i'm", "can't", "won't", "don’t"} <= CONTRACTIONS
    assert tokenize("I don't think we're done, it's true", stopwords="spacy") == [
        "don't",
        "think",
        "we're",
        "true",
    ]
    assert tokenize("I don't think we're done, it's true") == ["think", "true"]


def test_custom_stopwords_are_lowercased_when_lowercasing():
    assert tokenize("Alpha beta GAMMA", stopwords=["ALPHA", "Gamma"]) == ["beta"]
    assert tokenize("Alpha beta GAMMA", stopwords=["ALPHA"], lowercase=False) == [
        "Alpha",
        "beta",
        "GAMMA",
    ]
    assert tokenize("the cat", stopwords=None) == ["the", "cat"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"stopwords": "french"}, "stopwords='french'"),
        ({"stopwords": 3}, "stopwords=3"),
        ({"stopwords": ["ok", 5]}, "must be strings"),
        ({"ngram_range": (0, 1)}, "ngram_range"),
        ({"ngram_range": (2, 1)}, "ngram_range"),
        ({"ngram_range": (1.0, 2)}, "ngram_range"),
        ({"ngram_range": (True, 2)}, "ngram_range"),
        ({"ngram_range": 2}, "ngram_range"),
        ({"ngram_range": (1, 2, 3)}, "ngram_range"),
        ({"min_length": 0}, "min_length=0"),
        ({"min_length": 2.0}, "min_length"),
    ],
)
def test_bad_options_raise_clear_errors(kwargs, match):
    with pytest.raises(AnalysisInputError, match=re.escape(match)):
        tokenize("some text", **kwargs)


def test_tokenize_rejects_non_strings():
    with pytest.raises(AnalysisInputError, match="must be a str"):
        tokenize(["a list"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ngram_range": (1, 2)},
        {"ngram_range": (2, 3)},
        {"stopwords": None, "ngram_range": (1, 3)},
        {"stopwords": "spacy"},
        {"numbers": True, "ngram_range": (1, 2)},
        {"punctuation": True, "min_length": 1},
        {"min_length": 3, "lowercase": False, "stopwords": ["The", "and"]},
    ],
)
def test_same_terms_as_countvectorizer_analyzer(options):
    from sklearn.feature_extraction.text import CountVectorizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # stop words the pattern cannot yield
        analyzer = CountVectorizer(**count_vectorizer_options(**options)).build_analyzer()
        for text in TEXTS:
            assert tokenize(text, **options) == analyzer(text)


def test_default_options_do_not_make_countvectorizer_warn():
    from sklearn.feature_extraction.text import CountVectorizer

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CountVectorizer(**count_vectorizer_options(ngram_range=(1, 2))).fit(TEXTS)


def test_count_vectorizer_options_shape():
    opts = count_vectorizer_options(ngram_range=(1, 2), stopwords=None)
    assert opts == {
        "token_pattern": TOKEN_PATTERN,
        "lowercase": True,
        "stop_words": None,
        "ngram_range": (1, 2),
    }
    assert set(count_vectorizer_options()["stop_words"]) == default_stopwords()


def test_news_stopwords_add_reporting_words_to_english():
    from analysis.analyses._tokenize import NEWS_STOPWORDS

    text = "Mr Okafor said inflation rose 3 per cent, the minister told reporters."
    english = tokenize(text)
    news = tokenize(text, stopwords="news")
    assert {"said", "mr", "cent", "told"} <= set(english)
    assert news == [t for t in english if t not in NEWS_STOPWORDS]
    assert news == ["okafor", "inflation", "rose", "minister", "reporters"]


def test_unknown_stopword_list_names_the_valid_ones():
    with pytest.raises(AnalysisInputError, match="'news'"):
        tokenize("text", stopwords="german")


# --------------------------------------------------------------------------- token cache


def test_spacy_stopwords_read_without_importing_spacy():
    import subprocess
    import sys

    code = (
        "import sys; from analysis.analyses._tokenize import _spacy_stopwords; "
        "words = _spacy_stopwords(); print(len(words), 'spacy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(len(STOP_WORDS)), "False"]
    from analysis.analyses._tokenize import _spacy_stopwords

    assert _spacy_stopwords() == frozenset(STOP_WORDS)


def _tok(**kwargs):
    from analysis.analyses._tokenize import _Tokenizer

    return _Tokenizer(func="test", **kwargs)


def test_token_cache_lists_equal_tokenize_and_follow_the_text():
    from analysis.analyses._tokenize import _TOKEN_CACHE, clear_token_cache

    clear_token_cache()
    tok = _tok(stopwords="english")
    texts = [t for t in TEXTS if t.strip()]
    first = tok.token_lists(texts)
    assert first == [tok.tokens(t) for t in texts]
    assert tok.raw_token_lists(texts) == [tok.raw_tokens(t) for t in texts]
    hits = _TOKEN_CACHE.hits
    again = tok.token_lists(texts)
    assert again == first and _TOKEN_CACHE.hits == hits + len(texts)
    # the same document with another text (as after an edit): the new text's tokens
    edited = [texts[0].replace("party", "congress"), *texts[1:]]
    got = tok.token_lists(edited)
    assert "congress" in got[0] and "party" not in got[0]
    assert got[0] == tok.tokens(edited[0])


def test_token_cache_keys_hold_every_option():
    from analysis.analyses._tokenize import clear_token_cache

    clear_token_cache()
    text = ["Blair's Party didn't say 2005 things, THE end"]
    variants = [
        {},
        {"stopwords": None},
        {"stopwords": "news"},
        {"stopwords": {"party"}},
        {"lowercase": False},
        {"numbers": True},
        {"min_length": 4},
        {"punctuation": True},
    ]
    for kwargs in variants:  # each after all the others were cached
        tok = _tok(**kwargs)
        assert tok.token_lists(text) == [tok.tokens(text[0])], kwargs
        assert tok.raw_token_lists(text) == [tok.raw_tokens(text[0])], kwargs
        bigrams = _tok(ngram_range=(1, 2), **kwargs)
        assert list(bigrams.term_lists(text)) == [bigrams.terms(text[0])], kwargs


def test_token_cache_is_bounded_and_public_tokenize_is_not_shared():
    from analysis.analyses._tokenize import _TOKEN_CACHE, _TokenCache

    small = _TokenCache(max_tokens=5)
    tok = _tok(stopwords=None)
    texts = ["one two three", "four five six"]
    assert small.lists(texts, tok, stopwords=False) == [
        ["one", "two", "three"],
        ["four", "five", "six"],
    ]
    assert small._size == 0  # 6 tokens > 5: emptied
    assert small.lists(texts[:1], tok, stopwords=False) == [["one", "two", "three"]]
    assert small._size == 3
    words = tokenize("tokens from the public function")
    words.append("changed")
    assert tokenize("tokens from the public function") == ["tokens", "public", "function"]
    assert _TOKEN_CACHE.max_tokens > 1_000_000
