"""Dask engine: annotate on a Dask cluster, read sharded corpora and count terms with Dask.

``annotate(corpus, engine="dask")`` sends chunks of the texts missing from the cache to
Dask workers. Each worker loads the spaCy model once (``load_model`` is cached per
process) and returns plain Arrow rows, which the caller writes to the same annotation
store as the local engine: the results are identical.

With ``scheduler=None`` a ``LocalCluster`` of 2 single-threaded worker processes is
started for the run and closed afterwards; pass ``"tcp://host:8786"`` (or a
``distributed.Client``) to use a running cluster, whose workers need this package and
a spaCy model installed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from analysis.errors import AnalysisInputError, CorpusError

__all__ = ["read_corpus_dask", "run_dask", "term_frequencies_dask"]

#: Texts per Dask task.
_TASK_DOCS = 64


def _annotate_task(keys: list[str], texts: list[str], model_name: str | None, batch_size: int):
    """One Dask task: annotate a chunk of texts on a worker (model loaded once per worker)."""
    from analysis.nlp.annotator import annotate_texts
    from analysis.nlp.models import load_model

    nlp = load_model(fast=True, name=model_name)
    return annotate_texts(texts, keys=keys, nlp=nlp, batch_size=batch_size)


@contextlib.contextmanager
def _client(scheduler: Any):
    from distributed import Client, LocalCluster

    if scheduler is None:
        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    elif isinstance(scheduler, Client):
        yield scheduler
    elif isinstance(scheduler, str):
        with Client(scheduler) as client:
            yield client
    else:
        raise AnalysisInputError(
            f"annotate(): scheduler={scheduler!r} is not valid; expected None (a local "
            "2-worker cluster), a scheduler address such as 'tcp://127.0.0.1:8786', or a "
            "distributed.Client"
        )


def run_dask(
    keys: Sequence[str],
    texts: Sequence[str],
    *,
    model_name: str | None,
    batch_size: int,
    scheduler: Any = None,
) -> Iterator[pa.Table]:
    """Annotate ``texts`` on Dask workers; yield raw Arrow tables as tasks finish."""
    from distributed import as_completed

    with _client(scheduler) as client:
        futures = [
            client.submit(
                _annotate_task,
                list(keys[i : i + _TASK_DOCS]),
                list(texts[i : i + _TASK_DOCS]),
                model_name,
                batch_size,
                pure=False,
            )
            for i in range(0, len(keys), _TASK_DOCS)
        ]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            client.cancel(futures)


# --------------------------------------------------------------------------------------
# Corpus shards and term counts on Dask.
# --------------------------------------------------------------------------------------
def read_corpus_dask(paths: str | Path | Sequence[str | Path]) -> Any:
    """Read corpus shards (Parquet or JSON Lines, corpus schema) into a dask DataFrame.

    Each file becomes (at least) one partition. Files need ``doc_id`` and ``text``
    columns (``title``, ``source``, ``category``, ``published`` are kept when present).

    Args:
        paths: a file, a folder (all ``*.parquet``/``*.jsonl`` in it), a glob pattern,
            or a list of files.

    Returns:
        A ``dask.dataframe.DataFrame``.

    Raises:
        CorpusError: no file found, mixed formats, or a needed column is missing.

    Example:
        >>> ddf = read_corpus_dask("shards/")  # doctest: +SKIP
        >>> ddf.npartitions  # doctest: +SKIP
        8
    """
    import dask.dataframe as dd

    files = _shard_files(paths)
    suffixes = {f.suffix.lower() for f in files}
    if suffixes <= {".parquet", ".pq"}:
        ddf = dd.read_parquet([str(f) for f in files])
    elif suffixes <= {".jsonl", ".ndjson", ".json"}:
        ddf = dd.from_map(_read_jsonl, [str(f) for f in files])
    else:
        raise CorpusError(
            f"read_corpus_dask(): paths mix formats {sorted(suffixes)}; expected only "
            "Parquet (.parquet) or only JSON Lines (.jsonl) shards"
        )
    missing = [c for c in ("doc_id", "text") if c not in ddf.columns]
    if missing:
        raise CorpusError(
            f"read_corpus_dask(): shards lack column(s) {missing}; they have {list(ddf.columns)}"
        )
    if "published" in ddf.columns:
        ddf["published"] = dd.to_datetime(ddf["published"], utc=True, errors="coerce")
    return ddf


_STRING_COLUMNS = ("doc_id", "title", "text", "source", "category", "url", "path")


def _read_jsonl(path: str) -> pd.DataFrame:
    """One JSON Lines shard; corpus text columns kept as strings even when all missing."""
    frame = pd.read_json(path, lines=True, dtype=False)
    for col in _STRING_COLUMNS:
        if col in frame.columns:
            frame[col] = frame[col].astype("str").where(frame[col].notna(), None)
    return frame


def _shard_files(paths: Any) -> list[Path]:
    import glob

    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.suffix.lower() in {".parquet", ".pq", ".jsonl", ".ndjson"}
                )
            )
        elif p.is_file():
            files.append(p)
        else:
            files.extend(Path(g) for g in sorted(glob.glob(str(item))))
    if not files:
        raise CorpusError(
            f"read_corpus_dask(): paths={paths!r} matched no file; expected Parquet or "
            "JSON Lines shards, a folder of them or a glob pattern"
        )
    return files


def term_frequencies_dask(
    ddf: Any,
    *,
    by: str | Sequence[str] | None = None,
    min_count: int = 1,
    top: int | None = None,
    scheduler: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """:func:`analysis.terms.term_frequencies` of a dask DataFrame, partition by partition.

    Each partition is tokenized and counted with ``analysis.terms`` (same tokenizer and
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
