"""The on-disk annotation cache: raw spaCy + VADER results in Parquet, keyed by content.

Layout under the cache folder (see :func:`default_cache_dir`)::

    <cache_dir>/<fingerprint>/meta.json           what the fingerprint stands for
    <cache_dir>/<fingerprint>/part-<uuid>.parquet annotations of a batch of documents
    <cache_dir>/<fingerprint>/names-<aliases>.parquet  normalised entity names (memo)
    <cache_dir>/<fingerprint>/layer-<rules>.parquet    document entity layer (memo)
    <cache_dir>/<fingerprint>/.lock               serialises writers (filelock)

``fingerprint`` hashes everything that changes the raw result: model package and
version, the pipeline's components, spaCy and vaderSentiment versions and the store's
schema version, so a new model starts a new, cold folder. Rows are keyed by ``hash``,
the hash of the exact text annotated (:func:`text_hash`), never by ``doc_id``: two
documents with the same text share one annotation.

One part holds three kinds of row (column ``kind``): one ``doc`` row per text (so texts
without sentences are known too), ``sent`` rows (sentence spans + VADER scores) and
``ent`` rows (entity spans + labels). Normalised entity names are not raw results: they
depend on the alias table, and are memoised per alias-table fingerprint in a ``names-*``
file that is rebuilt in milliseconds when the table changes.

Every file is written to a temporary name in the same folder, fsynced, then renamed, so
a reader never sees half a file and a killed run keeps every part it finished. Writers
hold ``.lock``; readers hold it while they list and read, so compaction cannot remove a
part under them. A part that cannot be read or has another schema is moved aside into
``corrupt/`` with a warning and its texts are annotated again.

A read-only cache (a folder this process may not write: permission denied, read-only
file system, immutable) is read without taking ``.lock`` (a shared lock on the existing
``.lock`` when it can be opened for reading, so a writer with permission cannot compact
under the reader); when texts are missing from it they are annotated but kept in memory
for this run only, with one warning naming the folder. Every other file-system failure
is a one-line :class:`~analysis.errors.CacheError` naming the path.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis._cache_dir import default_cache_dir
from analysis.errors import CacheError
from analysis.nlp._cachefs import (
    atomic_write_table,
    cache_error,
    fsync_dir,
    is_read_only_error,
)
from analysis.nlp._memos import _Memos
from analysis.nlp._schema import (
    ENTITY_KIND,
    LAYER_SCHEMA,
    NAME_SCHEMA,
    PART_SCHEMA,
    SCHEMA_VERSION,
    SENTENCE_KIND,
    TEXT_KIND,
    fingerprint_of,
    text_hash,
)

__all__ = [
    "ENTITY_KIND",
    "LAYER_SCHEMA",
    "NAME_SCHEMA",
    "PART_SCHEMA",
    "SCHEMA_VERSION",
    "SENTENCE_KIND",
    "TEXT_KIND",
    "AnnotationStore",
    "default_cache_dir",
    "fingerprint_of",
    "text_hash",
]

#: More parts than this are merged into one after a write.
COMPACT_AFTER_PARTS = 50
_LOCK_TIMEOUT_S = 600.0


class AnnotationStore(_Memos):
    """Parquet files of raw annotations for one fingerprint, or an in-memory stand-in.

    Args:
        cache_dir: the cache root; None keeps everything in memory (no cache).
        meta: what the fingerprint stands for (model, pipeline, versions); its hash
            names the folder.

    Example:
        >>> store = AnnotationStore(tmp_path, meta={"model": "m 1.0"})  # doctest: +SKIP
        >>> store.write(table)  # doctest: +SKIP
        >>> store.read({"<hash>"})  # doctest: +SKIP
    """

    def __init__(self, cache_dir: str | os.PathLike[str] | None, *, meta: dict[str, Any]):
        self.meta = {**meta, "schema_version": SCHEMA_VERSION}
        self.fingerprint = fingerprint_of(self.meta)
        self._memory: list[pa.Table] = []
        self._memory_names: dict[str, pa.Table] = {}
        self._ignored_names: set[str] = set()
        #: True when the cache folder cannot be written: new rows stay in memory.
        self.read_only = False
        if cache_dir is None:
            self.folder: Path | None = None
            return
        self.folder = Path(cache_dir).expanduser() / self.fingerprint
        meta_path = self.folder / "meta.json"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not meta_path.is_file():
                data = json.dumps({"fingerprint": self.fingerprint, **self.meta}, indent=2)
                tmp = meta_path.with_name(f".meta.json.{uuid.uuid4().hex}.tmp")
                try:
                    tmp.write_text(data + "\n", encoding="utf-8")
                    os.replace(tmp, meta_path)
                except BaseException:
                    with contextlib.suppress(OSError):
                        tmp.unlink()
                    raise
        except OSError as exc:
            if is_read_only_error(exc) and Path(cache_dir).expanduser().is_dir():
                self._go_read_only(exc)
                return
            raise CacheError(
                f"annotate(): cannot use cache_dir={str(cache_dir)!r}: {exc}. Pass another "
                "folder, set $NEWSDESK_CACHE_DIR, or cache_dir=False to disable the cache."
            ) from exc

    def _go_read_only(self, exc: OSError) -> None:
        """Switch to read-only: keep reading the folder, keep new rows in memory."""
        if not self.read_only:
            self.read_only = True
            self._read_only_reason = str(exc.strerror or exc)

    def _keep_in_memory(self) -> None:
        """Called before rows go to memory instead of a read-only folder: warn once."""
        if getattr(self, "_warned_read_only", False):
            return
        self._warned_read_only = True
        warnings.warn(
            f"annotation cache {str(self.folder)!r} is read-only "
            f"({getattr(self, '_read_only_reason', 'not writable')}); texts missing from "
            "it are annotated but not cached",
            RuntimeWarning,
            stacklevel=4,
        )

    # -- locking -------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self):
        """Hold ``.lock``; in a read-only cache, a shared lock where possible, else none."""
        if self.folder is None:
            yield
            return
        if self.read_only:
            with self._shared_lock():
                yield
            return
        from filelock import FileLock, Timeout

        lock_path = self.folder / ".lock"
        lock = FileLock(str(lock_path), timeout=_LOCK_TIMEOUT_S)
        try:
            lock.acquire()
        except Timeout as exc:
            raise CacheError(
                f"annotate(): the cache {str(self.folder)!r} stayed locked by another process "
                f"for {_LOCK_TIMEOUT_S:.0f} s; if no other run is active, delete its .lock file"
            ) from exc
        except OSError as exc:
            if not is_read_only_error(exc):
                raise cache_error("lock the cache with", lock_path, exc) from exc
            self._go_read_only(exc)
            with self._shared_lock():
                yield
            return
        try:
            yield
        finally:
            lock.release()

    @contextlib.contextmanager
    def _shared_lock(self):
        """A shared flock on an existing ``.lock`` opened read-only (best effort)."""
        assert self.folder is not None
        try:
            import fcntl

            fd = os.open(self.folder / ".lock", os.O_RDONLY)
        except (ImportError, OSError):
            yield  # no lock file (or no flock): read without a lock
            return
        try:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    # -- parts ---------------------------------------------------------------------
    def _part_paths(self) -> list[Path]:
        assert self.folder is not None
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            if self.read_only:  # a read-only root without this fingerprint's folder
                return []
            raise CacheError(
                f"annotate(): the cache folder {str(self.folder)!r} disappeared while in use"
            ) from None
        except OSError as exc:
            raise cache_error("list the cache folder", self.folder, exc) from exc
        return sorted(
            self.folder / n for n in names if n.startswith("part-") and n.endswith(".parquet")
        )

    def _quarantine(self, path: Path, reason: str) -> None:
        assert self.folder is not None
        aside = self.folder / "corrupt"
        target = aside / f"{path.name}.{int(time.time())}"
        try:
            aside.mkdir(exist_ok=True)
            os.replace(path, target)
            where = f"moved to {str(target)!r}"
        except OSError:
            try:
                path.unlink()
                where = "deleted"
            except OSError:
                where = "left in place (the cache cannot be written)"
        warnings.warn(
            f"annotation cache file {str(path)!r} is unreadable ({reason}); {where}. "
            "Its documents will be annotated again.",
            RuntimeWarning,
            stacklevel=4,
        )

    def _read_part(self, path: Path, schema: pa.Schema) -> pa.Table | None:
        try:
            table = pq.read_table(path)
        except FileNotFoundError:
            return None
        except PermissionError as exc:  # not corrupt: this process may not read it
            raise cache_error("read the cache file", path, exc) from exc
        except Exception as exc:  # pyarrow raises several types for broken files
            self._quarantine(path, f"{type(exc).__name__}: {exc}")
            return None
        if not table.schema.equals(schema, check_metadata=False):
            self._quarantine(path, f"unexpected schema {table.schema.names}")
            return None
        return table

    def _cleanup_orphans(self) -> None:
        """Remove temporary files left by killed writers (call with the lock held)."""
        assert self.folder is not None
        for tmp in self.folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()

    def read(self, hashes: Iterable[str]) -> pa.Table:
        """All stored rows of the texts ``hashes`` (those found), one copy per text.

        When two runs stored the same text, the rows of the first part (by name) win.
        """
        kept = list(self.iter_read(hashes))
        if not kept:
            return PART_SCHEMA.empty_table()
        return pa.concat_tables(kept)

    def iter_read(self, hashes: Iterable[str]) -> Iterator[pa.Table]:
        """The rows of :meth:`read`, one table per stored part, read one part at a time.

        Consume it at once: the cache stays locked until the iterator is exhausted or
        closed. Callers that reduce each part (drop columns, split by kind) keep only one
        whole part in memory at a time.
        """
        wanted = pa.array(sorted(set(hashes)), type=pa.string())
        seen: pa.Array = pa.array([], type=pa.string())
        with self._locked():
            for table in self._iter_parts():
                keep = pc.is_in(table["hash"], value_set=wanted)
                if len(seen):
                    keep = pc.and_(keep, pc.invert(pc.is_in(table["hash"], value_set=seen)))
                n_keep = pc.sum(keep).as_py() or 0
                if n_keep == 0:
                    continue
                if n_keep < table.num_rows:  # no copy when every row is wanted
                    table = table.filter(keep)
                new = pc.unique(table.filter(pc.equal(table["kind"], TEXT_KIND))["hash"])
                seen = pa.concat_arrays([seen, new.cast(pa.string())])
                del keep
                yield table
                del table

    def _iter_parts(self) -> Iterator[pa.Table]:
        """Every readable part, one at a time (call with the lock held).

        Then the rows kept in memory: all of them without a cache folder, those that
        could not be written to a read-only one.
        """
        if self.folder is not None:
            for path in self._part_paths():
                table = self._read_part(path, PART_SCHEMA)
                if table is not None:
                    yield table
        yield from list(self._memory)

    def stored_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` are stored (reads only the key columns; call with the lock)."""
        wanted = pa.array(sorted(set(hashes)), type=pa.string())
        found: set[str] = set()
        tables: list[pa.Table] = list(self._memory)
        for path in [] if self.folder is None else self._part_paths():
            try:
                tables.append(pq.read_table(path, columns=["hash", "kind"]))
            except PermissionError as exc:
                raise cache_error("read the cache file", path, exc) from exc
            except Exception:  # missing or broken: a full read deals with it
                continue
        for table in tables:
            keys = table.filter(pc.equal(table["kind"], TEXT_KIND))["hash"]
            found.update(keys.filter(pc.is_in(keys, value_set=wanted)).to_pylist())
        return found

    def write(self, table: pa.Table) -> Path | None:
        """Store ``table`` (PART_SCHEMA rows) as a new part; compact when parts pile up."""
        table = table.cast(PART_SCHEMA)
        if self.folder is None or self.read_only:
            if self.read_only:
                self._keep_in_memory()
            self._memory.append(table)
            return None
        path = self.folder / f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:12]}.parquet"
        try:
            with self._locked():
                if self.read_only:  # found out while taking the lock
                    self._keep_in_memory()
                    self._memory.append(table)
                    return None
                self._cleanup_orphans()
                atomic_write_table(table, path)
                if len(self._part_paths()) > COMPACT_AFTER_PARTS:
                    self._compact_locked()
        except OSError as exc:
            if is_read_only_error(exc) and not path.exists():
                self._go_read_only(exc)
                self._keep_in_memory()
                self._memory.append(table)
                return None
            raise cache_error("write the cache file", path, exc) from exc
        return path

    def compact(self) -> None:
        """Merge all parts into one (dropping texts stored twice)."""
        if self.folder is None or self.read_only:
            return
        try:
            with self._locked():
                if not self.read_only:
                    self._compact_locked()
        except OSError as exc:
            raise cache_error("compact the cache in", self.folder, exc) from exc

    def _compact_locked(self) -> None:
        """Stream every part, one at a time, into one new part (memory: one part)."""
        assert self.folder is not None
        paths = self._part_paths()
        if len(paths) < 2:
            return
        # The merged part sorts first: a name earlier than any time_ns-based name.
        target = self.folder / f"part-{0:020d}-{uuid.uuid4().hex[:12]}.parquet"
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        merged: list[Path] = []
        seen: pa.Array = pa.array([], type=pa.string())
        try:
            with open(tmp, "wb") as fh:
                writer = pq.ParquetWriter(fh, PART_SCHEMA, compression="zstd")
                try:
                    for path in paths:
                        table = self._read_part(path, PART_SCHEMA)
                        if table is None:
                            continue
                        if len(seen):
                            table = table.filter(pc.invert(pc.is_in(table["hash"], value_set=seen)))
                        writer.write_table(table)
                        merged.append(path)
                        new = pc.unique(table.filter(pc.equal(table["kind"], TEXT_KIND))["hash"])
                        seen = pa.concat_arrays([seen, new.cast(pa.string())])
                        del table
                finally:
                    writer.close()
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        fsync_dir(self.folder)
        for path in merged:
            with contextlib.suppress(OSError):
                path.unlink()

    def clear(self) -> None:
        """Delete this fingerprint's folder (or the in-memory rows)."""
        self._memory.clear()
        self._memory_names.clear()
        if self.folder is not None and self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)
