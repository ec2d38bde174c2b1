"""Private: the annotation cache's memos: normalised names and the document entity layer.

A memo is one Parquet file of rows keyed by ``hash`` (the text), named
``<kind>-<key>.parquet`` in the cache's fingerprint folder: rows derived from the raw
annotations by code that may change independently of them (the alias table for names;
the layer's rules). :class:`_Memos` is a base class of
:class:`analysis.nlp.store.AnnotationStore` and uses its folder, lock, part reader and
read-only fallback (in-memory rows when the folder cannot be written).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from analysis.nlp._cachefs import atomic_write_table, cache_error, is_read_only_error
from analysis.nlp._schema import LAYER_SCHEMA, NAME_SCHEMA

__all__: list[str] = []


class _Memos:
    """The memo methods of :class:`~analysis.nlp.store.AnnotationStore`."""

    def _memo_path(self, memo: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{memo}.parquet"

    def _read_memo(self, memo: str, schema: pa.Schema) -> pa.Table:
        memory = self._memory_names.get(memo)
        if self.folder is None or memo in self._ignored_names:
            return schema.empty_table() if memory is None else memory
        path = self._memo_path(memo)
        table = None
        try:
            exists = path.is_file()
        except OSError as exc:
            raise cache_error("read the cache file", path, exc) from exc
        if exists:
            with self._locked():
                table = self._read_part(path, schema)
        tables = [t for t in (table, memory) if t is not None]
        return pa.concat_tables(tables) if tables else schema.empty_table()

    def _add_memo(self, memo: str, schema: pa.Schema, table: pa.Table) -> None:
        table = table.cast(schema)
        if table.num_rows == 0:
            return
        if self.folder is None or self.read_only:
            if self.read_only:
                self._keep_in_memory()
            old = self._memory_names.get(memo)
            self._memory_names[memo] = table if old is None else pa.concat_tables([old, table])
            return
        path = self._memo_path(memo)
        try:
            with self._locked():
                if self.read_only:  # found out while taking the lock
                    self._add_memo(memo, schema, table)
                    return
                old = self._read_part(path, schema) if path.is_file() else None
                if old is not None and old.num_rows:
                    old = old.filter(
                        pc.invert(pc.is_in(old["hash"], value_set=pc.unique(table["hash"])))
                    )
                    table = pa.concat_tables([old, table])
                atomic_write_table(table, path)
        except OSError as exc:
            if is_read_only_error(exc) and not self.read_only:
                self._go_read_only(exc)
                self._add_memo(memo, schema, table)
                return
            raise cache_error("write the cache file", path, exc) from exc

    def _drop_memo(self, memo: str) -> None:
        self._memory_names.pop(memo, None)
        if self.folder is None:
            return
        path = self._memo_path(memo)
        if self.read_only:
            self._ignored_names.add(memo)  # cannot delete it: stop reading it
            return
        try:
            with self._locked(), contextlib.suppress(FileNotFoundError):
                path.unlink()
        except OSError as exc:
            if not is_read_only_error(exc):
                raise cache_error("delete the cache file", path, exc) from exc
            self._go_read_only(exc)
            self._ignored_names.add(memo)

    def _names_path(self, aliases_fp: str) -> Path:
        return self._memo_path(f"names-{aliases_fp}")

    def read_names(self, aliases_fp: str) -> pa.Table:
        """The memoised names (hash, start, name) for one alias-table fingerprint."""
        return self._read_memo(f"names-{aliases_fp}", NAME_SCHEMA)

    def add_names(self, aliases_fp: str, table: pa.Table) -> None:
        """Add rows to the names memo of one alias-table fingerprint."""
        self._add_memo(f"names-{aliases_fp}", NAME_SCHEMA, table)

    def drop_names(self, aliases_fp: str) -> None:
        """Forget the names memo of one alias-table fingerprint."""
        self._drop_memo(f"names-{aliases_fp}")

    def read_layer(self, layer_fp: str) -> pa.Table:
        """The memoised document entity layer rows (:data:`LAYER_SCHEMA`) of one layer
        fingerprint (layer rules and alias table; see :mod:`analysis.nlp._layer_cache`)."""
        return self._read_memo(f"layer-{layer_fp}", LAYER_SCHEMA)

    def add_layer(self, layer_fp: str, table: pa.Table) -> None:
        """Add the layer rows of more texts to the memo of one layer fingerprint."""
        self._add_memo(f"layer-{layer_fp}", LAYER_SCHEMA, table)

    def drop_layer(self, layer_fp: str) -> None:
        """Forget the layer memo of one layer fingerprint."""
        self._drop_memo(f"layer-{layer_fp}")
