"""The word tokenizer shared by the term analyses (counts, keyness, trends, collocations).

Tokenizing is deliberately simple and reproducible: lower-case the text, take every
match of one regular expression (:data:`TOKEN_PATTERN` by default, or
:func:`token_pattern` for other options), drop stop words, then form n-grams from the
remaining tokens. That is exactly what scikit-learn's ``CountVectorizer`` does with the
same settings, so ``CountVectorizer(**count_vectorizer_options())`` gives the same
counts as :func:`analysis.analyses.terms.term_frequencies`.

The default token is a word of two or more letters; apostrophes are kept inside words
("don't", "o'neill") and a possessive "'s" is dropped ("Blair's" -> "blair",
"it's" -> "it"); tokens with digits ("mp3", "3bn") and punctuation are skipped.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from analysis.errors import AnalysisInputError

__all__ = [
    "CONTRACTIONS",
    "NEWS_STOPWORDS",
    "TOKEN_PATTERN",
    "count_vectorizer_options",
    "default_stopwords",
    "token_pattern",
    "tokenize",
]

StopwordsArg = Literal["english", "news", "spacy"] | Iterable[str] | None

_LETTER = r"[^\W\d_]"  # a Unicode letter: word character, not a digit, not "_"
_ALNUM = r"[^\W_]"  # a Unicode letter or digit
_APOSTROPHE = r"['’]"
# An apostrophe joins two parts of a word unless it starts a final possessive "'s".
_JOIN_WORD = rf"{_APOSTROPHE}(?!s\b)"
# With numbers on, "." and "," between digits also join ("3.5", "1,000").
_JOIN_NUMBER = rf"(?:{_APOSTROPHE}(?!s\b)|(?<=\d)[.,](?=\d))"

# Contracted forms of spaCy stop words. spaCy splits "don't" into the stop words "do" and
# "n't"; this tokenizer keeps "don't" whole, so the whole forms are stop words too.
_CONTRACTION_HOSTS = {
    "n't": "ai are ca could did do does had has have is might must need sha should "
    "was were wo would",
    "'ll": "he i it she that there they we what who you",
    "'d": "he how i it she that there they we what where who why you",
    "'m": "i",
    "'re": "they we what who you",
    "'ve": "could i might must should they we what who would you",
}
CONTRACTIONS: frozenset[str] = frozenset(
    f"{host}{clitic}".replace("'", apostrophe)
    for clitic, hosts in _CONTRACTION_HOSTS.items()
    for host in hosts.split()
    for apostrophe in ("'", "’")
) | {"can't", "can’t", "won't", "won’t", "shan't", "shan’t", "ain't", "ain’t", "y'all"}
"""Whole contracted forms ("don't", "we're", "can't"; both ' and ’) added to the stop words."""


def token_pattern(*, numbers: bool = False, punctuation: bool = False, min_length: int = 2) -> str:
    """The regular expression that finds tokens, for ``re.findall`` or ``CountVectorizer``.

    A token is a run of letters (with ``numbers=True``: letters or digits), possibly
    joined by inner apostrophes ("o'neill", "don't"; straight ' or curly ’). A final
    possessive "'s" is not part of the token and is skipped. With ``numbers=True``,
    "." and "," between two digits join too ("3.5", "1,000"), and tokens such as
    "mp3" or "2005" are kept; with ``numbers=False`` a word containing a digit is
    skipped entirely. ``min_length`` counts the letters (and digits) of a token, not its
    apostrophes. With ``punctuation=True`` every other non-space character is a
    one-character token of its own.

    Args:
        numbers: Keep tokens that contain digits.
        punctuation: Also return punctuation/symbol characters as tokens.
        min_length: Minimum number of letters/digits in a word token (>= 1).

    Returns:
        The pattern, with the ``(?u)`` flag; it has no capturing group.

    Example:
        >>> import re
        >>> re.findall(token_pattern(), "blair's party didn't say it in 2005")
        ['blair', 'party', "didn't", 'say', 'it', 'in']
    """
    if isinstance(min_length, bool) or not isinstance(min_length, int) or min_length < 1:
        raise AnalysisInputError(
            f"token_pattern(): min_length={min_length!r} is not valid; expected an integer >= 1"
        )
    char = _ALNUM if numbers else _LETTER
    join = _JOIN_NUMBER if numbers else _JOIN_WORD
    # The first letter comes first so that the regex engine can scan for it quickly; then:
    # not inside a word, and not the "s" of a skipped possessive.
    first = rf"{char}(?<!\w\w)(?<!\w{_APOSTROPHE}\w)"
    # One or more further letters (the form of this group is what makes it fast).
    rest = rf"(?:{char}+(?:{join}{char}+)*|(?:{join}{char}+)+)"
    if min_length == 1:
        word = rf"{first}{rest}?\b"
    elif min_length == 2:
        word = rf"{first}{rest}\b"
    else:
        length = rf"(?=(?:(?:{join})?{char}){{{min_length - 1}}})"
        word = rf"{first}{length}{rest}\b"
    if punctuation:
        return rf"(?u){word}|[^\w\s]"
    return rf"(?u){word}"


TOKEN_PATTERN: str = token_pattern()
"""The default token pattern: words of 2+ letters, inner apostrophes kept, possessive 's dropped."""


@functools.cache
def _spacy_stopwords() -> frozenset[str]:
    """spaCy's English stop words (``spacy.lang.en.stop_words.STOP_WORDS``).

    That module is plain Python without imports, but importing it the usual way imports
    the whole ``spacy`` package first (about a second). When spaCy is not imported yet, the
    file is executed on its own; otherwise (or when it cannot be found) it is imported.
    """
    import sys

    if "spacy" not in sys.modules:
        import importlib.util

        spec = importlib.util.find_spec("spacy")  # finds the package without importing it
        roots = list(spec.submodule_search_locations or []) if spec else []
        for root in roots:
            path = os.path.join(root, "lang", "en", "stop_words.py")
            if os.path.isfile(path):
                namespace: dict[str, Any] = {"__name__": "_newsdesk_spacy_en_stop_words"}
                with open(path, encoding="utf-8") as fh:
                    exec(compile(fh.read(), path, "exec"), namespace)
                words = namespace.get("STOP_WORDS")
                if isinstance(words, set) and words:
                    return frozenset(words)
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def default_stopwords() -> frozenset[str]:
    """The default stop words ("english"): spaCy's English list plus :data:`CONTRACTIONS`.

    spaCy's clitic entries that start with an apostrophe ("'ll", "’ve", "'s", ...) are
    left out: a token never starts with an apostrophe, and without them
    scikit-learn's ``CountVectorizer`` does not warn that the stop words are
    inconsistent with the token pattern. ``stopwords="spacy"`` is spaCy's list as is.

    Example:
        >>> "the" in default_stopwords() and "don't" in default_stopwords()
        True
    """
    return _default_stopwords()


@functools.cache
def _default_stopwords() -> frozenset[str]:
    clitics = {w for w in _spacy_stopwords() if w[:1] in ("'", "’", "‘")}
    return (_spacy_stopwords() - clitics) | CONTRACTIONS


#: Words of news reporting that top every news corpus's counts and say nothing about its
#: subject ("said", "Mr", "per cent"); ``stopwords="news"`` adds them to "english".
NEWS_STOPWORDS: frozenset[str] = frozenset(
    {
        "said", "says", "say", "saying", "told", "tells", "added", "adding", "according",
        "mr", "mrs", "ms", "dr", "cent", "percent", "pct",
    }
)  # fmt: skip


def _resolve_stopwords(stopwords: Any, *, lowercase: bool, func: str) -> frozenset[str] | None:
    if stopwords is None:
        return None
    if isinstance(stopwords, str):
        if stopwords == "english":
            return _default_stopwords()
        if stopwords == "news":
            return _default_stopwords() | NEWS_STOPWORDS
        if stopwords == "spacy":
            return _spacy_stopwords()
        raise AnalysisInputError(
            f"{func}(): stopwords={stopwords!r} is not valid; expected 'english' (spaCy's list "
            "plus contractions), 'news' (english plus reporting words such as 'said', 'mr', "
            "'cent'), 'spacy', None, or a collection of words"
        )
    try:
        words = list(stopwords)
    except TypeError:
        raise AnalysisInputError(
            f"{func}(): stopwords={stopwords!r} is not valid; expected 'english', 'spacy', None "
            "or a collection of words"
        ) from None
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise AnalysisInputError(f"{func}(): stopwords must be strings; got {bad[:3]!r}")
    return frozenset(w.lower() for w in words) if lowercase else frozenset(words)


def _check_ngram_range(ngram_range: Any, *, func: str) -> tuple[int, int]:
    ok = (
        isinstance(ngram_range, (tuple, list))
        and len(ngram_range) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in ngram_range)
        and 1 <= ngram_range[0] <= ngram_range[1]
    )
    if not ok:
        raise AnalysisInputError(
            f"{func}(): ngram_range={ngram_range!r} is not valid; expected (min_n, max_n) with "
            "integers 1 <= min_n <= max_n, e.g. (1, 1) for words or (1, 2) for words and bigrams"
        )
    return int(ngram_range[0]), int(ngram_range[1])


class _Tokenizer:
    """Validated tokenizer options with fast ``tokens``/``terms`` methods (private)."""

    __slots__ = ("findall", "lowercase", "max_n", "min_n", "pattern", "stopwords")

    def __init__(
        self,
        *,
        func: str,
        ngram_range: Any = (1, 1),
        stopwords: Any = "english",
        lowercase: bool = True,
        numbers: bool = False,
        punctuation: bool = False,
        min_length: int = 2,
    ) -> None:
        self.min_n, self.max_n = _check_ngram_range(ngram_range, func=func)
        self.lowercase = bool(lowercase)
        self.stopwords = _resolve_stopwords(stopwords, lowercase=self.lowercase, func=func)
        try:
            self.pattern = token_pattern(
                numbers=numbers, punctuation=punctuation, min_length=min_length
            )
        except AnalysisInputError as exc:
            raise AnalysisInputError(str(exc).replace("token_pattern()", f"{func}()")) from None
        self.findall = re.compile(self.pattern).findall

    def tokens(self, text: str) -> list[str]:
        """Tokens of one text, stop words removed (no n-grams)."""
        toks = self.findall(text.lower() if self.lowercase else text)
        stop = self.stopwords
        if stop:
            return [w for w in toks if w not in stop]
        return toks

    def raw_tokens(self, text: str) -> list[str]:
        """Tokens of one text, stop words kept."""
        return self.findall(text.lower() if self.lowercase else text)

    def ngrams(self, tokens: Sequence[str]) -> list[str]:
        """The n-grams (``min_n``..``max_n``, joined by one space) of a token list."""
        if self.min_n == 1 and self.max_n == 1:
            return list(tokens)
        out: list[str] = list(tokens) if self.min_n == 1 else []
        for n in range(max(self.min_n, 2), self.max_n + 1):
            out.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False)))
        return out

    def terms(self, text: str) -> list[str]:
        """Terms of one text: tokens, stop words removed, then n-grams."""
        if self.min_n == self.max_n == 1:
            return self.tokens(text)  # already a new list: no copy
        return self.ngrams(self.tokens(text))

    def iter_terms(self, texts: Iterable[str]) -> Iterator[list[str]]:
        for text in texts:
            yield self.ngrams(self.tokens(text))

    # Batch methods for the counting functions: the token lists come from the process's token
    # cache (:class:`_TokenCache`) and must not be modified.

    def raw_token_lists(self, texts: Sequence[str]) -> list[list[str]]:
        """Tokens of each text, stop words kept (shared, read-only lists)."""
        return _TOKEN_CACHE.lists(texts, self, stopwords=False)

    def token_lists(self, texts: Sequence[str]) -> list[list[str]]:
        """Tokens of each text, stop words removed (shared, read-only lists)."""
        return _TOKEN_CACHE.lists(texts, self, stopwords=True)

    def term_lists(self, texts: Sequence[str]) -> Iterator[list[str]]:
        """Terms of each text (:meth:`terms`); unigram lists are shared and read-only."""
        lists = self.token_lists(texts)
        if self.min_n == self.max_n == 1:
            return iter(lists)
        return map(self.ngrams, lists)

    def sklearn_options(self) -> dict[str, Any]:
        return {
            "token_pattern": self.pattern,
            "lowercase": self.lowercase,
            "stop_words": sorted(self.stopwords) if self.stopwords is not None else None,
            "ngram_range": (self.min_n, self.max_n),
        }


class _TokenCache:
    """Token lists of the texts tokenized last, so that the term analyses of one report
    (counts, phrases, keyness per group, collocations...) tokenize a corpus once.

    The key of a text's tokens is the text itself (compared in full, not by a hash or a
    document id) with every option that changes them: the token pattern, lower-casing and,
    for the lists without stop words, the stop word set. A changed text therefore can never
    get another text's tokens. Tokens are interned (one string object per distinct word).

    The cache is bounded: when it would hold more than ``max_tokens`` tokens in all, it is
    emptied first (a corpus bigger than that is tokenized again in each analysis, as without
    the cache). :func:`clear_token_cache` empties it.
    """

    def __init__(self, max_tokens: int = 4_000_000) -> None:
        self.max_tokens = max_tokens
        self._lists: dict[tuple[Any, ...], dict[str, list[str]]] = {}
        self._size = 0
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        self._lists.clear()
        self._size = 0

    def _store(self, key: tuple[Any, ...]) -> dict[str, list[str]]:
        store = self._lists.get(key)
        if store is None:
            store = self._lists[key] = {}
        return store

    def lists(self, texts: Sequence[str], tok: _Tokenizer, *, stopwords: bool) -> list[list[str]]:
        import sys

        raw_key = ("raw", tok.pattern, tok.lowercase)
        stop = tok.stopwords if stopwords else None
        key = raw_key if not stop else ("filtered", tok.pattern, tok.lowercase, stop)
        store = self._store(key)
        out: list[list[str]] = []
        missing: list[int] = []
        for i, text in enumerate(texts):
            found = store.get(text)
            if found is None:
                missing.append(i)
            out.append(found)  # type: ignore[arg-type]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if not missing:
            return out
        raw_store = self._store(raw_key)
        findall, lower = tok.findall, tok.lowercase
        intern = sys.intern
        added = 0
        for i in missing:
            text = texts[i]
            raw = raw_store.get(text)
            if raw is None:
                raw = list(map(intern, findall(text.lower() if lower else text)))
                raw_store[text] = raw
                added += len(raw)
            if stop:
                toks = [w for w in raw if w not in stop]
                store[text] = toks
                added += len(toks)
            else:
                toks = raw
            out[i] = toks
        self._size += added
        if self._size > self.max_tokens:  # too big to keep: start afresh next time
            self.clear()
        return out


_TOKEN_CACHE = _TokenCache()


def clear_token_cache() -> None:
    """Forget the token lists kept for the term analyses (see :class:`_TokenCache`)."""
    _TOKEN_CACHE.clear()


def tokenize(
    text: str,
    *,
    ngram_range: tuple[int, int] = (1, 1),
    stopwords: StopwordsArg = "english",
    lowercase: bool = True,
    numbers: bool = False,
    punctuation: bool = False,
    min_length: int = 2,
) -> list[str]:
    """Split one text into terms the way every term analysis does.

    Steps: lower-case (``lowercase=True``), find tokens with :func:`token_pattern`,
    drop stop words, then form n-grams from the remaining tokens (so a bigram may
    span a removed stop word, as in scikit-learn's ``CountVectorizer``).

    Args:
        text: The text.
        ngram_range: ``(min_n, max_n)``; (1, 2) gives words and bigrams.
        stopwords: "english" (spaCy's list plus :data:`CONTRACTIONS`, the default),
            "news" ("english" plus :data:`NEWS_STOPWORDS`: "said", "mr", "cent", ...),
            "spacy" (spaCy's list only), None (keep all), or your own collection
            (lower-cased when ``lowercase=True``).
        lowercase: Lower-case before tokenizing.
        numbers: Keep tokens with digits (see :func:`token_pattern`).
        punctuation: Keep punctuation characters as tokens.
        min_length: Minimum letters in a token.

    Returns:
        The terms, in text order (n-grams of each order after all shorter ones).

    Example:
        >>> tokenize("The Bank of England's interest rate", ngram_range=(1, 2))
        ['bank', 'england', 'interest', 'rate', 'bank england', 'england interest', 'interest rate']
    """
    if not isinstance(text, str):
        raise AnalysisInputError(
            f"tokenize(): text must be a str, got {type(text).__name__}; "
            "for a corpus use analysis.term_frequencies()"
        )
    tok = _Tokenizer(
        func="tokenize",
        ngram_range=ngram_range,
        stopwords=stopwords,
        lowercase=lowercase,
        numbers=numbers,
        punctuation=punctuation,
        min_length=min_length,
    )
    return tok.terms(text)


def count_vectorizer_options(
    *,
    ngram_range: tuple[int, int] = (1, 1),
    stopwords: StopwordsArg = "english",
    lowercase: bool = True,
    numbers: bool = False,
    punctuation: bool = False,
    min_length: int = 2,
) -> dict[str, Any]:
    """Keyword arguments for scikit-learn's ``CountVectorizer`` that reproduce our counts.

    ``CountVectorizer(**count_vectorizer_options(...))`` applied to
    ``analysis._validate.document_text(corpus)`` counts exactly the terms that
    :func:`analysis.analyses.terms.term_frequencies` counts with the same options.
    (scikit-learn may warn that some stop words, such as "'s", can never be produced
    by the token pattern; that is harmless.)

    Example:
        >>> opts = count_vectorizer_options(ngram_range=(1, 2))
        >>> sorted(opts)
        ['lowercase', 'ngram_range', 'stop_words', 'token_pattern']
    """
    return _Tokenizer(
        func="count_vectorizer_options",
        ngram_range=ngram_range,
        stopwords=stopwords,
        lowercase=lowercase,
        numbers=numbers,
        punctuation=punctuation,
        min_length=min_length,
    ).sklearn_options()
