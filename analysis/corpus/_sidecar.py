"""Metadata sidecars: a CSV/JSON table keyed by file name that adds metadata to documents.

A sidecar has a key column (``file``, ``filename``, ``file_name``, ``path``, ``name``,
``filepath``, ``document`` or ``doc``; any case) and any of the corpus fields under the usual
column-name variants (``published``/``date``/``pubDate``..., ``source``, ``url``, ``title``,
``category``). Keys are paths relative to the sidecar's folder (``sport/199.txt``) or bare
file names (``199.txt``) when that name is unique below the folder.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from analysis.corpus._decode import decode_bytes
from analysis.corpus._records import FIELDS, _text_value, normalise_column, resolve_columns
from analysis.errors import CorpusError

__all__ = ["SIDECAR_NAMES", "Sidecar", "read_sidecar"]

SIDECAR_NAMES = (
    "metadata.csv",
    "metadata.json",
    "_metadata.csv",
    "_metadata.json",
    "meta.csv",
    "meta.json",
)
_KEY_COLUMNS = ("file", "filename", "path", "filepath", "name", "document", "doc")


@dataclass
class Sidecar:
    """A parsed sidecar: rel folder + {key: {field: value}}; tracks which keys were used."""

    file: str
    folder: str
    rows: dict[str, dict[str, Any]]
    used: set[str] = field(default_factory=set)
    duplicates: list[str] = field(default_factory=list)  # keys on several rows (first kept)

    def lookup(self, rel: str, by_name: Mapping[str, list[str]]) -> dict[str, Any] | None:
        """Metadata for the document at ``rel`` (posix path relative to the load root)."""
        folder = PurePosixPath(self.folder)
        path = PurePosixPath(rel)
        if self.folder not in ("", ".") and folder not in path.parents:
            return None
        local = str(path.relative_to(folder)) if self.folder not in ("", ".") else rel
        for key in (local, path.name):
            meta = self.rows.get(key)
            if meta is None:
                continue
            if key == path.name and key != local and len(by_name.get(path.name, [])) > 1:
                continue  # a bare name shared by several files is ambiguous
            self.used.add(key)
            return meta
        return None

    def detail(self) -> str:
        unmatched = len(self.rows) - len(self.used)
        text = (
            f"metadata sidecar: {len(self.rows)} rows, {len(self.used)} matched, "
            f"{unmatched} unmatched"
        )
        if self.duplicates:
            shown = ", ".join(self.duplicates[:5]) + (", ..." if len(self.duplicates) > 5 else "")
            text += f"; {len(self.duplicates)} duplicate keys, first row used: {shown}"
        return text


def _error(message: str, reason: str) -> CorpusError:
    err = CorpusError(message)
    err.reason = reason  # type: ignore[attr-defined]
    return err


def _records(data: bytes, file: str) -> list[dict[str, Any]]:
    text, _ = decode_bytes(data)
    if file.lower().endswith(".json"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _error(
                f"load_corpus(): sidecar {file} is not valid JSON: {exc}", "bad sidecar"
            ) from exc
        if isinstance(obj, dict) and all(isinstance(v, dict) for v in obj.values()):
            return [{"file": k, **v} for k, v in obj.items()]  # {"a.txt": {...}, ...}
        if isinstance(obj, list):
            return [r for r in obj if isinstance(r, dict)]
        raise _error(
            f"load_corpus(): sidecar {file} must hold a list of records or "
            '{"<file name>": {...}}; got ' + type(obj).__name__,
            "bad sidecar",
        )
    from analysis.corpus._tables import _delimiter

    first = text.lstrip("\ufeff").partition("\n")[0]
    try:
        return list(csv.DictReader(io.StringIO(text), delimiter=_delimiter(first, ".csv")))
    except csv.Error as exc:
        raise _error(
            f"load_corpus(): sidecar {file} is not valid CSV: {exc}", "bad sidecar"
        ) from exc


def read_sidecar(data: bytes, *, file: str, folder: str) -> Sidecar:
    """Parse sidecar bytes. Raises CorpusError when there is no key column."""
    records = _records(data, file)
    names: list[str] = []
    for r in records:
        names.extend(k for k in r if k is not None and k not in names)
    by_norm = {normalise_column(n): n for n in reversed(names)}
    key_col = next((by_norm[k] for k in _KEY_COLUMNS if k in by_norm), None)
    if key_col is None:
        raise _error(
            f"load_corpus(): sidecar {file} has no file-name column; columns found: {names}; "
            f"expected one of {list(_KEY_COLUMNS)}",
            "no key column",
        )
    mapping = resolve_columns([n for n in names if n != key_col], None, file=file)
    rows: dict[str, dict[str, Any]] = {}
    duplicates: list[str] = []
    for r in records:
        key = _text_value(r.get(key_col))
        if not key:
            continue
        meta: dict[str, Any] = {}
        for fld in FIELDS:
            if fld == "text":
                continue
            for col in mapping[fld]:
                value = _text_value(r.get(col))
                if value is not None:
                    meta[fld] = value
                    break
        key = str(PurePosixPath(key.replace("\\", "/")))
        if key in rows:
            if key not in duplicates:
                duplicates.append(key)
            continue  # the first row of a key is used; the report names the duplicates
        rows[key] = meta
    return Sidecar(file=file, folder=folder, rows=rows, duplicates=duplicates)
