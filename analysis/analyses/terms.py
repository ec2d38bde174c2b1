"""What is this corpus about: term frequencies and collocations.

Every function reads ``analysis._validate.document_text(corpus)`` (title + body) and
tokenizes it with :mod:`analysis.analyses._tokenize` (lower-case, one regular expression,
stop words removed, then n-grams: scikit-learn ``CountVectorizer`` semantics). Terms over
time are in :mod:`analysis.analyses.trends`, keyword in context in
:mod:`analysis.analyses.kwic`, distinctive terms (keyness) and TF-IDF per group in
:mod:`analysis.analyses.keyness`. The tokenizer (:func:`tokenize`, :data:`TOKEN_PATTERN`,
:func:`token_pattern`, :func:`count_vectorizer_options`, :func:`default_stopwords`) is
re-exported here.

The functions count every row they are given: select documents first, e.g. with
``analysis.analyses.filters.filter_corpus(corpus, drop_duplicates=True, start=..., end=...)``.

Example:
    >>> from analysis.analyses.terms import collocations, term_frequencies
    >>> term_frequencies(corpus, by="category", top=10)          # doctest: +SKIP
    >>> collocations(corpus, top=20)                             # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis._validate import (
    document_text,
    require_choice,
    require_columns,
    require_nonempty,
    require_positive_int,
)
from analysis.analyses._counting import (
    _by_columns,
    _check_top,
    _count_terms,
    _group_codes,
    _group_frame,
    _progress,
    _ranked,
    _ranked_groups,
    _require_by,
    _str_column,
)
from analysis.analyses._tokenize import (
    CONTRACTIONS,
    TOKEN_PATTERN,
    StopwordsArg,
    _Tokenizer,
    count_vectorizer_options,
    default_stopwords,
    token_pattern,
    tokenize,
)

__all__ = [
    "CONTRACTIONS",
    "TOKEN_PATTERN",
    "collocations",
    "count_vectorizer_options",
    "default_stopwords",
    "term_frequencies",
    "token_pattern",
    "tokenize",
]

Measure = Literal[
    "likelihood_ratio",
    "pmi",
    "chi_sq",
    "student_t",
    "dice",
    "jaccard",
    "phi_sq",
    "poisson_stirling",
    "mi_like",
    "raw_freq",
]
_MEASURES = Measure.__args__


def term_frequencies(
    corpus: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    ngram_range: tuple[int, int] = (1, 1),
    stopwords: StopwordsArg = "english",
    min_count: int = 1,
    top: int | None = None,
    lowercase: bool = True,
    numbers: bool = False,
    punctuation: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """Count terms (words or n-grams) in the corpus, overall or per group.

    The counts equal scikit-learn's ``CountVectorizer`` with
    ``analysis.analyses.terms.count_vectorizer_options(...)`` (same options) summed over
    the documents of each group; the test suite checks this on the BBC corpus.

    Args:
        corpus: A corpus DataFrame (needs ``text``; ``title`` is read when present).
        by: A column name or list of names to count per group (e.g. "category",
            ["source", "category"]). Missing values form a group of their own. For
            counts over time use :func:`term_trends`.
        ngram_range: ``(min_n, max_n)`` as in scikit-learn; n-grams are formed after
            stop words are removed.
        stopwords: "english" (spaCy's list plus contractions), "spacy", None or your
            own collection of words.
        min_count: Keep terms counted at least this often (within the group).
        top: Keep only the ``top`` most frequent terms of each group.
        lowercase: Lower-case before tokenizing.
        numbers: Keep tokens with digits ("2005", "3.5bn").
        punctuation: Count punctuation characters as tokens.
        min_length: Minimum number of letters in a token.
        progress: Show a progress bar on long runs.

    Returns:
        One row per (group, term): the ``by`` columns, ``term``, ``count`` (occurrences),
        ``doc_count`` (documents containing it) and ``share`` (count divided by all term
        occurrences in the group, before ``min_count``/``top``; with several n-gram
        orders the n-grams of every order are in the total). Sorted by group, then
        count descending, then term.

    Example:
        >>> term_frequencies(corpus, by="category", top=5)             # doctest: +SKIP
        >>> term_frequencies(corpus, ngram_range=(2, 2), min_count=10)  # doctest: +SKIP
    """
    func = "term_frequencies"
    cols = _by_columns(by, func=func)
    _require_by(corpus, cols, func=func)
    require_nonempty(corpus, func=func)
    require_positive_int(min_count, func=func, arg="min_count")
    _check_top(top, func=func)
    tok = _Tokenizer(
        func=func,
        ngram_range=ngram_range,
        stopwords=stopwords,
        lowercase=lowercase,
        numbers=numbers,
        punctuation=punctuation,
        min_length=min_length,
    )
    codes, first = _group_codes(corpus, cols)
    texts = document_text(corpus).tolist()
    groups = _count_terms(texts, codes, len(first), tok, progress=progress)

    if len(groups) == 1:
        terms, counts, docs = _ranked(groups[0][0], groups[0][1], min_count, top)
        gid = np.zeros(len(counts), dtype=np.intp)
    else:
        terms, counts, docs, gid = _ranked_groups(groups, min_count, top)
    totals = np.array([total for _, _, total in groups], dtype=np.float64)
    out = _group_frame(corpus, cols, first, np.bincount(gid, minlength=len(groups)).tolist())
    out["term"] = _str_column([terms])
    out["count"] = counts
    out["doc_count"] = docs
    out["share"] = counts / np.maximum(totals[gid], 1.0)
    out.attrs.update(
        token_pattern=tok.pattern, ngram_range=(tok.min_n, tok.max_n), n_docs=len(corpus)
    )
    return out


_SMALL = 1e-20  # nltk.metrics.association._SMALL


def _likelihood_ratio_scores(
    word_fd: Counter[str], pair_fd: dict[tuple[str, str], int], n_all: int, window: int
) -> list[tuple[tuple[str, str], float]]:
    """``BigramCollocationFinder(...).score_ngrams(BigramAssocMeasures.likelihood_ratio)``.

    NLTK's steps, operation for operation and in the same order (so the floats are the
    same to the last bit): ``score_ngram`` scales the pair count by ``1 / (window - 1)``,
    ``_contingency`` makes the 2x2 table, ``_expected_values`` its expected counts and
    ``likelihood_ratio`` sums ``obs * ln(obs / (exp + 1e-20) + 1e-20)``; pairs sorted by
    score descending, then pair. Importing NLTK for this takes about a second (it imports
    scikit-learn and much of SciPy); the test suite checks the equality on BBC texts.
    """
    log = math.log
    scale = window - 1.0
    out = []
    for pair, count in pair_fd.items():
        n_ii = count / scale
        if not n_ii:
            continue
        n_ix, n_xi = word_fd[pair[0]], word_fd[pair[1]]
        n_oi = n_xi - n_ii
        n_io = n_ix - n_ii
        cont = (n_ii, n_oi, n_io, n_all - n_ii - n_oi - n_io)
        n_xx = sum(cont)
        total = 0
        for i in range(4):
            obs = cont[i]
            exp = (cont[i] + cont[i ^ 1]) * (cont[i] + cont[i ^ 2]) / n_xx
            total += obs * log(obs / (exp + _SMALL) + _SMALL)
        out.append((pair, 2 * total))
    out.sort(key=lambda t: (-t[1], t[0]))
    return out


def collocations(
    corpus: pd.DataFrame,
    *,
    measure: Measure = "likelihood_ratio",
    min_count: int = 3,
    top: int | None = 50,
    window: int = 2,
    stopwords: StopwordsArg = "english",
    lowercase: bool = True,
    numbers: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """Word pairs that occur together more often than chance (NLTK association measures).

    Pairs are formed on the full token stream of each document (stop words kept, so
    only truly adjacent words pair up: "bank of england" gives "bank of" and
    "of england", never "bank england"), within ``window`` tokens and never across
    documents. Then pairs seen fewer than ``min_count`` times and pairs containing a
    stop word are dropped (NLTK's ``apply_freq_filter`` / ``apply_word_filter``), and
    the rest are scored with ``nltk.metrics.BigramAssocMeasures.<measure>`` through
    ``nltk.collocations.BigramCollocationFinder`` (word frequencies and corpus size
    include the stop words). ``window=2`` is adjacent pairs; larger windows count
    ordered pairs up to ``window - 1`` tokens apart (NLTK scales the counts by
    ``1 / (window - 1)`` when scoring).

    Args:
        corpus: A corpus DataFrame.
        measure: An NLTK bigram association measure: "likelihood_ratio" (default,
            robust for rare pairs), "pmi" (favours rare pairs: raise ``min_count``),
            "chi_sq", "student_t", "dice", "jaccard", "phi_sq", "poisson_stirling",
            "mi_like" or "raw_freq".
        min_count: Minimum number of times a pair occurs.
        top: Number of pairs returned (None: all).
        window: Window size in tokens (2 = adjacent words).
        stopwords: Pairs with one of these words are dropped (None: keep all).
        lowercase: Lower-case before tokenizing.
        numbers: Keep tokens with digits.
        min_length: Minimum number of letters in a token.
        progress: Show a progress bar on long runs.

    Returns:
        One row per pair: ``term`` ("prime minister"), ``word1``, ``word2``, ``count``
        (co-occurrences within the window) and ``score``, sorted by score descending,
        then term.

    Example:
        >>> collocations(corpus, measure="likelihood_ratio", top=20)  # doctest: +SKIP
    """
    func = "collocations"
    require_columns(corpus, ["text"], func=func)
    require_nonempty(corpus, func=func)
    require_choice(measure, _MEASURES, func=func, arg="measure")
    require_positive_int(min_count, func=func, arg="min_count")
    require_positive_int(window, func=func, arg="window", minimum=2)
    _check_top(top, func=func)
    tok = _Tokenizer(
        func=func, stopwords=stopwords, lowercase=lowercase, numbers=numbers, min_length=min_length
    )
    word_fd: Counter[str] = Counter()
    pair_fd: Counter[tuple[str, str]] = Counter()
    texts = document_text(corpus).tolist()
    for toks in _progress(tok.raw_token_lists(texts), progress=progress, desc="counting pairs"):
        word_fd.update(toks)
        for k in range(1, window):
            pair_fd.update(zip(toks, toks[k:], strict=False))
    stop = tok.stopwords or frozenset()
    # The same filters as finder.apply_freq_filter / apply_word_filter, in one pass.
    kept = {
        p: c for p, c in pair_fd.items() if c >= min_count and p[0] not in stop and p[1] not in stop
    }
    n_tokens = sum(word_fd.values())
    if measure == "likelihood_ratio":  # the default: NLTK's arithmetic without importing NLTK
        scored = _likelihood_ratio_scores(word_fd, kept, n_tokens, window)
    else:
        from nltk.collocations import BigramCollocationFinder  # slow import: only when used
        from nltk.metrics import BigramAssocMeasures
        from nltk.probability import FreqDist

        finder = BigramCollocationFinder(FreqDist(word_fd), FreqDist(kept), window_size=window)
        scored = finder.score_ngrams(getattr(BigramAssocMeasures, measure))
    if top is not None:
        scored = scored[:top]
    out = pd.DataFrame(
        {
            "term": pd.array([f"{a} {b}" for (a, b), _ in scored], dtype="str"),
            "word1": pd.array([a for (a, _), _ in scored], dtype="str"),
            "word2": pd.array([b for (_, b), _ in scored], dtype="str"),
            "count": np.array([kept[p] for p, _ in scored], dtype=np.int64),
            "score": np.array([s for _, s in scored], dtype=float),
        }
    )
    out.attrs.update(measure=measure, window=window, n_tokens=n_tokens)
    return out
