"""Private: counting terms per group, shared by :mod:`analysis.analyses.terms`,
:mod:`analysis.analyses.trends` and :mod:`analysis.analyses.keyness`.

Argument checks (``by``, ``top``), group codes, term counts per group and their ranking
(sorted in Arrow), and the result columns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._validate import require_columns, require_positive_int
from analysis.analyses._tokenize import _Tokenizer
from analysis.errors import AnalysisInputError

Freq = Literal["day", "week", "month"]
_FREQS = Freq.__args__


def _progress(items: Sequence[Any], *, progress: bool, desc: str) -> Iterable[Any]:
    if not progress:
        return items
    from tqdm.auto import tqdm  # imported only when a bar may be shown

    # delay: a bar only appears when the work takes more than half a second.
    return tqdm(items, total=len(items), desc=desc, unit="doc", delay=0.5)


def _by_columns(by: Any, *, func: str) -> list[str]:
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else by
    if not isinstance(cols, (list, tuple)) or not cols or not all(isinstance(c, str) for c in cols):
        raise AnalysisInputError(
            f"{func}(): by={by!r} is not valid; expected a column name or a list of column names"
        )
    return list(cols)


def _require_by(corpus: Any, cols: list[str], *, func: str) -> None:
    if isinstance(corpus, pd.DataFrame):
        for c in cols:
            if c not in corpus.columns and c in _FREQS:
                raise AnalysisInputError(
                    f"{func}(): by={c!r} is not a column; to count terms per {c} use "
                    f"analysis.term_trends(corpus, terms, freq={c!r})"
                )
    require_columns(corpus, ["text", *cols], func=func)


def _check_top(top: Any, *, func: str) -> None:
    if top is not None:
        require_positive_int(top, func=func, arg="top")


def _group_codes(corpus: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of every row (groups sorted, missing values a group of their own)
    and the position of each group's first row."""
    if not cols:
        return np.zeros(len(corpus), dtype=np.intp), np.zeros(1, dtype=np.intp)
    codes = corpus.groupby(cols, dropna=False, sort=True, observed=True).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    return codes.astype(np.intp), first


def _count_terms(
    texts: Sequence[str],
    codes: np.ndarray,
    n_groups: int,
    tok: _Tokenizer,
    *,
    progress: bool,
    desc: str = "counting terms",
) -> list[tuple[Counter[str], Counter[str], int]]:
    """Per group: term counts, document counts and the total number of terms."""
    counts: list[Counter[str]] = [Counter() for _ in range(n_groups)]
    docs: list[Counter[str]] = [Counter() for _ in range(n_groups)]
    items = _progress(texts, progress=progress, desc=desc)
    term_lists = tok.term_lists(texts)
    for _, terms, g in zip(items, term_lists, codes.tolist(), strict=True):
        counts[g].update(terms)
        docs[g].update(set(terms))
    totals = [sum(c.values()) for c in counts]
    return list(zip(counts, docs, totals, strict=True))


def _ranked(
    counts: Counter[str], docs: Counter[str] | None, min_count: int, top: int | None
) -> tuple[pa.Array, np.ndarray, np.ndarray | None]:
    """Terms with count >= min_count sorted by count descending, then term (code points).

    Returns the terms (an Arrow string array), their counts and (when ``docs`` is
    given) their document counts. Sorting runs in Arrow: much faster than Python.
    """
    terms = list(counts)
    n = np.fromiter(counts.values(), dtype=np.int64, count=len(terms))
    if min_count > 1:
        keep = n >= min_count
        terms = list(compress(terms, keep.tolist()))
        n = n[keep]
    d = None if docs is None else np.fromiter(map(docs.__getitem__, terms), np.int64, len(terms))
    arr = pa.array(terms, type=pa.large_string())
    order = pc.sort_indices(
        pa.table({"term": arr, "count": n}),
        sort_keys=[("count", "descending"), ("term", "ascending")],
    ).to_numpy()
    if top is not None:
        order = order[:top]
    return arr.take(order), n[order], None if d is None else d[order]


def _ranked_groups(
    groups: list[tuple[Counter[str], Counter[str], int]], min_count: int, top: int | None
) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_ranked` for many groups at once (one Arrow sort: fast with thousands of
    groups). Returns terms, counts, document counts and group numbers, sorted by group."""
    keys: list[str] = []
    count_parts, doc_parts, gid_parts = [], [], []
    for g, (counts, docs, _) in enumerate(groups):
        k = list(counts)
        keys.extend(k)
        count_parts.append(np.fromiter(counts.values(), np.int64, len(k)))
        doc_parts.append(np.fromiter(map(docs.__getitem__, k), np.int64, len(k)))
        gid_parts.append(np.full(len(k), g, dtype=np.intp))
    n = np.concatenate(count_parts) if count_parts else np.zeros(0, np.int64)
    d = np.concatenate(doc_parts) if doc_parts else np.zeros(0, np.int64)
    gid = np.concatenate(gid_parts) if gid_parts else np.zeros(0, np.intp)
    arr = pa.array(keys, type=pa.large_string())
    if min_count > 1:
        keep = np.flatnonzero(n >= min_count)
        arr, n, d, gid = arr.take(keep), n[keep], d[keep], gid[keep]
    order = pc.sort_indices(
        pa.table({"g": gid, "count": n, "term": arr}),
        sort_keys=[("g", "ascending"), ("count", "descending"), ("term", "ascending")],
    ).to_numpy()
    gid = gid[order]
    if top is not None:
        starts = np.searchsorted(gid, np.arange(len(groups)))
        rank = np.arange(len(gid)) - starts[gid]
        order, gid = order[rank < top], gid[rank < top]
    return arr.take(order), n[order], d[order], gid


def _str_column(arrays: list[pa.Array]) -> pd.Series:
    """Arrow string arrays -> one pandas string Series (pandas' default ``str`` dtype)."""
    arr = pa.concat_arrays(arrays) if arrays else pa.array([], type=pa.large_string())
    try:
        dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        return pd.Series(arr.to_pylist(), dtype=object)
    return pd.Series(arr.to_pandas(types_mapper={pa.large_string(): dtype}.get))


def _group_frame(
    corpus: pd.DataFrame, cols: list[str], first: np.ndarray, sizes: list[int]
) -> pd.DataFrame:
    """The ``by`` columns of each group's first row, repeated ``sizes`` times (dtypes kept)."""
    rows = np.repeat(first, sizes)
    return pd.DataFrame({c: corpus[c].take(rows).reset_index(drop=True) for c in cols})


def _as_datetime(values: pd.Series, *, func: str, column: str) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values):
        return values
    try:
        return pd.to_datetime(values, utc=True, format="mixed")
    except (ValueError, TypeError) as exc:
        raise AnalysisInputError(
            f"{func}(): column {column!r} must hold dates (datetime64 or parseable strings); "
            f"parsing failed: {exc}"
        ) from None
