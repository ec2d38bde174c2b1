"""Distinctive terms (keyness): log-likelihood G² and log ratio, target against reference.

Uses the tokenizer and counting of :mod:`analysis.analyses.terms`, so its counts are the
counts of :func:`analysis.analyses.terms.term_frequencies` with the same options; TF-IDF
per group is in :mod:`analysis.analyses.tfidf`.

For every term the 2x2 table (term / other terms x target / reference) gives Dunning's
log-likelihood ``g2`` (see :func:`log_likelihood`; as in Rayson & Garside 2000) and its
``p_value`` from the chi-square distribution with 1 degree of freedom (G² 3.84 = p 0.05,
6.63 = 0.01, 10.83 = 0.001, 15.13 = 0.0001). The sizes of the two sides are all their term
occurrences, of every n-gram order in ``ngram_range``. With thousands of terms tested,
prefer a strict cut-off (e.g. G² >= 15.13) and look at the effect size too: ``log_ratio``
is Hardie's (2014) Log Ratio, log2 of the ratio of the term's relative frequencies in
target and reference; a zero count is replaced by 0.5 so that it stays finite (1 = twice
as frequent, -1 = half). G² says how sure, log ratio how big.

Example:
    >>> from analysis.analyses.keyness import distinctive_terms
    >>> distinctive_terms(corpus, by="category", target="sport", direction="over")
    ...                                                            # doctest: +SKIP
    >>> distinctive_terms(corpus, target=("2026-10-01", "2026-10-07"),
    ...                   reference=("2026-09-24", "2026-09-30"))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis._validate import document_text, require_choice, require_nonempty, require_positive_int
from analysis.analyses._counting import (
    _check_top,
    _count_terms,
    _group_codes,
    _group_frame,
    _ranked,
    _require_by,
    _str_column,
)
from analysis.analyses._selection import select_sides
from analysis.analyses._tokenize import StopwordsArg, _Tokenizer
from analysis.errors import AnalysisInputError

__all__ = ["distinctive_terms", "keyness", "log_likelihood"]

Direction = Literal["both", "over", "under"]
_DIRECTIONS = Direction.__args__


# --------------------------------------------------------------------------- statistics


def _o_log_o_over_e(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    """O * ln(O / E), with 0 * ln(0) = 0."""
    safe_o = np.where(o > 0, o, 1.0)
    safe_e = np.where(e > 0, e, 1.0)
    return np.where(o > 0, o * np.log(safe_o / safe_e), 0.0)


def log_likelihood(a: np.ndarray | float, b: np.ndarray | float, c: float, d: float) -> np.ndarray:
    """Dunning's log-likelihood G² of a term's frequency in two corpora (2x2 table).

    ``a``/``b``: the term's count in the target/reference; ``c``/``d``: the number of
    terms (tokens) in the target/reference. The 2x2 contingency table is
    ``[[a, b], [c - a, d - b]]``; expected counts are ``row total * column total / N``
    and ``G² = 2 * sum(O * ln(O / E))`` over the four cells (0 ln 0 = 0). This is the
    statistic of ``scipy.stats.chi2_contingency(table, correction=False,
    lambda_="log-likelihood")``. (Rayson & Garside's web calculator sums only the two
    term cells; the difference is negligible when a term is a small share of both
    corpora.)

    Example:
        >>> round(float(log_likelihood(10, 2, 1000, 1000)), 4)
        5.8543
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = c + d
    k = a + b
    cells = (
        (a, c * k / n),
        (b, d * k / n),
        (c - a, c * (n - k) / n),
        (d - b, d * (n - k) / n),
    )
    return 2.0 * sum(_o_log_o_over_e(o, e) for o, e in cells)


_chi2_sf_1 = np.frompyfunc(lambda g2: math.erfc(math.sqrt(max(g2, 0.0) / 2.0)), 1, 1)


def _p_value(g2: np.ndarray) -> np.ndarray:
    """Upper tail of the chi-square distribution with 1 degree of freedom."""
    return np.asarray(_chi2_sf_1(g2), dtype=float)


def _log_ratio(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Hardie's Log Ratio: log2 of the ratio of relative frequencies; 0 counts -> 0.5."""
    a = np.where(a > 0, a, 0.5)
    b = np.where(b > 0, b, 0.5)
    return np.log2((a / c) / (b / d))


# --------------------------------------------------------------------------- keyness


def distinctive_terms(
    corpus: pd.DataFrame,
    *,
    target: Any = None,
    by: str | None = None,
    reference: Any = None,
    ngram_range: tuple[int, int] = (1, 1),
    stopwords: StopwordsArg = "english",
    min_count: int = 5,
    direction: Direction = "both",
    top: int | None = None,
    lowercase: bool = True,
    numbers: bool = False,
    punctuation: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """Terms used more (or less) in a target set of documents than in a reference (keyness).

    Three ways to choose the documents:

    * a group against the rest or against other groups: ``by="category",
      target="sport"`` (reference None = every other document; or
      ``reference=["business", "politics"]``); ``target`` may also be a list of values;
      this applies to any column that does not hold dates;
    * every group against the rest at once: ``by="category"`` without ``target``; the
      result starts with the ``by`` column and ``top`` applies per group;
    * a period against a baseline period on a date column (``by=None`` means
      "published"): ``target=("2026-10-01", "2026-10-07"),
      reference=("2026-09-24", "2026-09-30")``. Both ends are inclusive, a date
      without time covers the whole day, None leaves an end open; reference None =
      every other dated document. Undated documents are left out
      (``attrs["excluded_missing_dates"]``).

    Each term's ``g2`` (Dunning's log-likelihood), ``p_value`` and ``log_ratio`` (Hardie's
    Log Ratio) are explained in the module docstring: G² says how sure, log ratio how big.
    ``direction`` is "over" (relatively more frequent in the target), "under" or "equal".

    Args:
        corpus: A corpus DataFrame.
        target: A value (or list of values) of ``by``, a (start, end) period, or None
            for every group of ``by`` against the rest.
        by: The column that defines the groups or holds the dates (None: "published").
        reference: Values or a period for the reference; None = the rest.
        ngram_range: Term n-gram orders, as in :func:`analysis.term_frequencies`.
        stopwords: Stop words (see :func:`analysis.tokenize`).
        min_count: Keep terms occurring at least this often in target and reference together.
        direction: "both" (default), "over" or "under".
        top: Keep only the first ``top`` rows.
        lowercase, numbers, punctuation, min_length: Tokenizer options, as in
            :func:`analysis.term_frequencies`.
        progress: Show a progress bar on long runs.

    Returns:
        One row per term: ``term``, ``target_count``, ``reference_count``,
        ``target_doc_count``, ``reference_doc_count``, ``target_per_10k``,
        ``reference_per_10k`` (per 10,000 terms), ``g2``, ``p_value``, ``log_ratio``,
        ``direction``; sorted by ``g2`` descending, then term. ``attrs`` holds the
        numbers of documents and terms on each side.

    Example:
        >>> distinctive_terms(corpus, by="category", target="tech", direction="over",
        ...                   top=15)                                  # doctest: +SKIP
    """
    func = "distinctive_terms"
    by_col = "published" if by is None else by
    if not isinstance(by_col, str):
        raise AnalysisInputError(f"{func}(): by={by!r} is not valid; expected one column name")
    _require_by(corpus, [by_col], func=func)
    require_nonempty(corpus, func=func)
    require_positive_int(min_count, func=func, arg="min_count")
    require_choice(direction, _DIRECTIONS, func=func, arg="direction")
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
    if target is None:
        if reference is not None:
            raise AnalysisInputError(
                f"{func}(): reference={reference!r} needs a target; with target=None every "
                f"group of {by_col!r} is compared with the rest"
            )
        return _each_group_against_rest(
            corpus, by_col, tok, min_count=min_count, direction=direction, top=top,
            progress=progress, func=func,
        )  # fmt: skip
    return _target_against_reference(
        corpus, by_col, target, reference, tok, min_count=min_count, direction=direction,
        top=top, progress=progress, func=func,
    )  # fmt: skip


def _target_against_reference(
    corpus: pd.DataFrame,
    by: str,
    target: Any,
    reference: Any,
    tok: _Tokenizer,
    *,
    min_count: int,
    direction: str,
    top: int | None,
    progress: bool,
    func: str,
) -> pd.DataFrame:
    t_mask, r_mask, missing = select_sides(corpus, by, target, reference, func=func)
    codes = np.where(t_mask, 0, 1)[t_mask | r_mask]
    texts = document_text(corpus)[t_mask | r_mask].tolist()
    (t_counts, t_docs, c), (r_counts, r_docs, d) = _count_terms(
        texts, codes, 2, tok, progress=progress
    )
    for name, total in (("target", c), ("reference", d)):
        if total == 0:
            raise AnalysisInputError(f"{func}(): the {name} documents contain no terms")
    terms_arr, _, _ = _ranked(t_counts + r_counts, None, min_count, None)
    terms = terms_arr.to_pylist()
    out = _keyness_table(
        terms_arr,
        a=np.fromiter((t_counts.get(t, 0) for t in terms), np.float64, len(terms)),
        b=np.fromiter((r_counts.get(t, 0) for t in terms), np.float64, len(terms)),
        a_docs=np.fromiter((t_docs.get(t, 0) for t in terms), np.int64, len(terms)),
        b_docs=np.fromiter((r_docs.get(t, 0) for t in terms), np.int64, len(terms)),
        c=c,
        d=d,
        direction=direction,
        top=top,
    )
    out.attrs.update(
        target_docs=int(t_mask.sum()),
        reference_docs=int(r_mask.sum()),
        target_terms=int(c),
        reference_terms=int(d),
        excluded_missing_dates=missing,
        token_pattern=tok.pattern,
    )
    return out


def _keyness_table(
    terms: pa.Array,
    *,
    a: np.ndarray,
    b: np.ndarray,
    a_docs: np.ndarray,
    b_docs: np.ndarray,
    c: float,
    d: float,
    direction: str,
    top: int | None,
) -> pd.DataFrame:
    """Score terms with counts ``a``/``b`` in corpora of ``c``/``d`` terms; sort; filter."""
    g2 = log_likelihood(a, b, c, d)
    over = a * d > b * c
    under = a * d < b * c
    out = pd.DataFrame(
        {
            "term": _str_column([terms]),
            "target_count": a.astype(np.int64),
            "reference_count": b.astype(np.int64),
            "target_doc_count": a_docs,
            "reference_doc_count": b_docs,
            "target_per_10k": a / c * 10_000,
            "reference_per_10k": b / d * 10_000,
            "g2": g2,
            "p_value": _p_value(g2),
            "log_ratio": _log_ratio(a, b, c, d),
            "direction": pd.array(
                np.where(over, "over", np.where(under, "under", "equal")), dtype="str"
            ),
        }
    )
    if direction != "both":
        out = out[out["direction"] == direction]
    out = out.sort_values(["g2", "term"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    return out if top is None else out.head(top)


def _each_group_against_rest(
    corpus: pd.DataFrame,
    by: str,
    tok: _Tokenizer,
    *,
    min_count: int,
    direction: str,
    top: int | None,
    progress: bool,
    func: str,
) -> pd.DataFrame:
    col = corpus[by]
    if by == "published" or pd.api.types.is_datetime64_any_dtype(col):
        raise AnalysisInputError(
            f"{func}(): target is required for the date column {by!r}; e.g. "
            "target=('2026-10-01', '2026-10-07')"
        )
    codes, first = _group_codes(corpus, [by])
    if len(first) < 2:
        raise AnalysisInputError(
            f"{func}(): column {by!r} has a single group; there is nothing to compare with"
        )
    groups = _count_terms(document_text(corpus).tolist(), codes, len(first), tok, progress=progress)
    all_counts: Counter[str] = Counter()
    all_docs: Counter[str] = Counter()
    for counts, docs, _ in groups:
        all_counts.update(counts)
        all_docs.update(docs)
    n_all = sum(total for _, _, total in groups)
    terms_arr, total, total_docs = _ranked(all_counts, all_docs, min_count, None)
    terms = terms_arr.to_pylist()
    tables = []
    for counts, docs, c in groups:
        if c == n_all:
            raise AnalysisInputError(
                f"{func}(): only one group of {by!r} has any terms; there is nothing to compare"
            )
        keep = slice(None) if c > 0 else slice(0)  # a group without terms: no rows
        a = np.fromiter((counts.get(t, 0) for t in terms), np.float64, len(terms))[keep]
        a_docs = np.fromiter((docs.get(t, 0) for t in terms), np.int64, len(terms))[keep]
        tables.append(
            _keyness_table(
                terms_arr[keep],
                a=a,
                b=total[keep] - a,
                a_docs=a_docs,
                b_docs=total_docs[keep] - a_docs,
                c=max(c, 1),
                d=n_all - c,
                direction=direction,
                top=top,
            )
        )
    out = _group_frame(corpus, [by], first, [len(t) for t in tables])
    out = pd.concat([out, pd.concat(tables, ignore_index=True)], axis=1)
    out.attrs.update(
        group_terms={
            str(corpus[by].iloc[f]): int(t) for f, (_, _, t) in zip(first, groups, strict=True)
        },
        token_pattern=tok.pattern,
    )
    return out


keyness = distinctive_terms
"""Alias of :func:`distinctive_terms`."""
