"""TF-IDF per group: the most characteristic terms of each group, the group taken as one document.

Uses the tokenizer and counting of :mod:`analysis.analyses.terms`; for a significance-based
ranking see :mod:`analysis.analyses.keyness`.

Example:
    >>> from analysis.analyses.tfidf import tfidf_by_group
    >>> tfidf_by_group(corpus, by="category", top=10)              # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._validate import document_text, require_nonempty, require_positive_int
from analysis.analyses._counting import (
    _by_columns,
    _check_top,
    _count_terms,
    _group_codes,
    _group_frame,
    _require_by,
    _str_column,
)
from analysis.analyses._tokenize import StopwordsArg, _Tokenizer
from analysis.errors import AnalysisInputError

__all__ = ["tfidf_by_group"]


def tfidf_by_group(
    corpus: pd.DataFrame,
    *,
    by: str | Sequence[str],
    top: int | None = 20,
    ngram_range: tuple[int, int] = (1, 1),
    stopwords: StopwordsArg = "english",
    min_count: int = 1,
    sublinear_tf: bool = False,
    lowercase: bool = True,
    numbers: bool = False,
    punctuation: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """The most characteristic terms of each group by TF-IDF, each group taken as ONE document.

    All documents of a group are pooled into one "document" (n-grams never span two
    articles), then weighted exactly like scikit-learn's ``TfidfVectorizer`` defaults:
    ``tf`` = the term's count in the group (``1 + ln(count)`` with
    ``sublinear_tf=True``), ``idf = ln((1 + n_groups) / (1 + groups containing the
    term)) + 1``, and each group's vector is L2-normalised over all its terms. With few
    groups the idf takes few values: a term found in every group keeps idf 1, one
    found in a single group gets the highest idf. For a significance-based ranking see
    :func:`distinctive_terms`.

    Args:
        corpus: A corpus DataFrame.
        by: A column name or list of names that define the groups.
        top: Terms kept per group (None: all).
        ngram_range: Term n-gram orders.
        stopwords: Stop words (see :func:`analysis.tokenize`).
        min_count: Drop terms counted fewer times in the group (after weighting, so
            the weights do not change).
        sublinear_tf: Use ``1 + ln(tf)`` instead of raw counts.
        lowercase: Lower-case before tokenizing.
        numbers: Keep tokens with digits.
        punctuation: Count punctuation characters as tokens.
        min_length: Minimum number of letters in a token.
        progress: Show a progress bar on long runs.

    Returns:
        One row per (group, term): the ``by`` columns, ``term``, ``count`` (in the
        group), ``group_count`` (number of groups using the term), ``tfidf``; sorted by
        group, then tfidf descending, then term.

    Example:
        >>> tfidf_by_group(corpus, by="category", top=10)  # doctest: +SKIP
    """
    func = "tfidf_by_group"
    cols = _by_columns(by, func=func)
    if not cols:
        raise AnalysisInputError(f"{func}(): by is required; e.g. by='category'")
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
    groups = _count_terms(document_text(corpus).tolist(), codes, len(first), tok, progress=progress)
    n_groups = len(groups)
    group_df: Counter[str] = Counter()
    for counts, _, _ in groups:
        group_df.update(counts.keys())

    term_parts, count_parts, gdf_parts, weight_parts = _weighted(
        groups, group_df, sublinear_tf=sublinear_tf, min_count=min_count, top=top
    )
    out = _group_frame(corpus, cols, first, [len(t) for t in term_parts])
    out["term"] = _str_column(term_parts)
    out["count"] = np.concatenate(count_parts)
    out["group_count"] = np.concatenate(gdf_parts)
    out["tfidf"] = np.concatenate(weight_parts)
    out.attrs.update(n_groups=n_groups, token_pattern=tok.pattern)
    return out


def _weighted(
    groups: list[tuple[Counter[str], Counter[str], int]],
    group_df: Counter[str],
    *,
    sublinear_tf: bool,
    min_count: int,
    top: int | None,
) -> tuple[list[pa.Array], list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Per group, its kept terms by weight: terms, counts, group counts and TF-IDF weights."""
    n_groups = len(groups)
    term_parts: list[pa.Array] = []
    count_parts: list[np.ndarray] = []
    gdf_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    for counts, _, _ in groups:
        terms = list(counts)
        tf = np.fromiter(counts.values(), np.float64, len(terms))
        gdf = np.fromiter(map(group_df.__getitem__, terms), np.int64, len(terms))
        idf = np.log((1 + n_groups) / (1 + gdf)) + 1.0
        w = (1.0 + np.log(tf) if sublinear_tf else tf) * idf
        norm = float(np.sqrt(np.dot(w, w)))
        w = w / norm if norm > 0 else w
        keep = tf >= min_count
        terms_arr = pa.array(terms, type=pa.large_string())
        frame = pa.table({"term": terms_arr, "w": w}).filter(pa.array(keep))
        order = pc.sort_indices(
            frame, sort_keys=[("w", "descending"), ("term", "ascending")]
        ).to_numpy()
        if top is not None:
            order = order[:top]
        idx = np.flatnonzero(keep)[order]
        term_parts.append(terms_arr.take(idx))
        count_parts.append(tf[idx].astype(np.int64))
        gdf_parts.append(gdf[idx])
        weight_parts.append(w[idx])
    return term_parts, count_parts, gdf_parts, weight_parts
