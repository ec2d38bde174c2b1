"""Term frequencies of a dask DataFrame, counted partition by partition and summed.

Equal to :func:`analysis.analyses.terms.term_frequencies` of the computed frame; the shards
are read with :func:`analysis.corpus.shards.read_corpus_dask`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis.errors import AnalysisInputError

__all__ = ["term_frequencies_dask"]


def term_frequencies_dask(
    ddf: Any,
    *,
    by: str | Sequence[str] | None = None,
    min_count: int = 1,
    top: int | None = None,
    scheduler: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """:func:`analysis.analyses.terms.term_frequencies` of a dask DataFrame, partition by partition.

    Each partition is tokenized and counted with ``analysis.analyses.terms`` (same tokenizer and
    options); the counts are summed across partitions, then ``min_count``/``top`` are
    applied, so the result equals ``term_frequencies(ddf.compute(), ...)``.

    Args:
        ddf: a dask DataFrame with ``text`` (and ``title``), e.g. from
            :func:`read_corpus_dask`.
        by: group columns, as in ``term_frequencies``.
        min_count: keep terms counted at least this often (within the group).
        top: keep the ``top`` most frequent terms of each group.
        scheduler: passed to ``dask.compute`` (None: the active client or dask's default).
        **options: tokenizer options of ``term_frequencies`` (ngram_range, stopwords,
            lowercase, numbers, punctuation, min_length).

    Returns:
        One row per (group, term): the ``by`` columns, term, count, doc_count, share.

    Example:
        >>> term_frequencies_dask(read_corpus_dask("shards/"), top=20)  # doctest: +SKIP
    """
    from analysis._validate import require_positive_int

    func = "term_frequencies_dask"
    cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    missing = [c for c in ("text", *cols) if c not in ddf.columns]
    if missing:
        raise AnalysisInputError(
            f"{func}(): ddf is missing column(s) {missing}; it has {list(ddf.columns)}"
        )
    require_positive_int(min_count, func=func, arg="min_count")
    if top is not None:
        require_positive_int(top, func=func, arg="top")
    bad = set(options) - {
        "ngram_range",
        "stopwords",
        "lowercase",
        "numbers",
        "punctuation",
        "min_length",
    }
    if bad:
        raise AnalysisInputError(
            f"{func}(): unknown option(s) {sorted(bad)}; expected tokenizer options of "
            "term_frequencies (ngram_range, stopwords, lowercase, numbers, punctuation, "
            "min_length)"
        )
    kwargs = {"by": cols or None, **options}
    keep = ["doc_id", "title", "text", *cols]
    ddf = ddf[[c for c in dict.fromkeys(keep) if c in ddf.columns]]
    meta = pd.DataFrame({c: pd.Series([], dtype=ddf[c].dtype) for c in cols})
    meta["term"] = pd.Series([], dtype=str)
    meta["count"] = pd.Series([], dtype="int64")
    meta["doc_count"] = pd.Series([], dtype="int64")
    parts = ddf.map_partitions(_partition_counts, kwargs, cols, meta=meta)
    keys = [*cols, "term"]
    summed = parts.groupby(keys, dropna=False, sort=False)[["count", "doc_count"]].sum()
    counted = summed.compute(scheduler=scheduler).reset_index()
    return _rank_counts(counted, cols, min_count=min_count, top=top)


def _partition_counts(part: pd.DataFrame, kwargs: dict[str, Any], cols: list[str]) -> pd.DataFrame:
    from analysis.analyses.terms import term_frequencies

    columns = [*cols, "term", "count", "doc_count"]
    if len(part) == 0:
        empty = pd.DataFrame({c: part[c] for c in cols})
        empty["term"] = pd.Series([], dtype=str)
        empty["count"] = pd.Series([], dtype="int64")
        empty["doc_count"] = pd.Series([], dtype="int64")
        return empty[columns]
    if "title" not in part.columns:
        part = part.assign(title="")
    freq = term_frequencies(part, min_count=1, top=None, progress=False, **kwargs)
    return freq[columns].astype({"count": "int64", "doc_count": "int64"})


def _rank_counts(
    counted: pd.DataFrame, cols: list[str], *, min_count: int, top: int | None
) -> pd.DataFrame:
    if cols:
        totals = counted.groupby(cols, dropna=False, sort=False)["count"].transform("sum")
    else:
        totals = pd.Series(counted["count"].sum(), index=counted.index)
    counted["share"] = counted["count"] / totals.where(totals > 0, 1)
    counted = counted[counted["count"] >= min_count]
    counted = counted.sort_values(
        [*cols, "count", "term"],
        ascending=[True] * len(cols) + [False, True],
        na_position="last",
        kind="stable",
    )
    if top is not None:
        counted = (
            counted.groupby(cols, dropna=False, sort=False).head(top) if cols else counted.head(top)
        )
    return counted[[*cols, "term", "count", "doc_count", "share"]].reset_index(drop=True)
