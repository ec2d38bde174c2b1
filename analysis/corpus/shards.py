"""Read a sharded corpus (Parquet or JSON Lines files, corpus schema) as a dask DataFrame.

Counting its terms partition by partition:
:func:`analysis.analyses.terms_dask.term_frequencies_dask`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import CorpusError

__all__ = ["read_corpus_dask"]


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
