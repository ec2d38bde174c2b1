"""Tabular inputs — CSV/TSV, JSON, JSON Lines, Parquet, a DataFrame: one document per row.

Rows are numbered from 1 (data rows; the header and blank lines are not counted). Bad rows
become :class:`~analysis._records.Skip` records ("malformed CSV row", "malformed JSON line",
"no text"); a table with no text-like column raises CorpusError naming the file and columns.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from analysis._decode import (
    DecodeError,
    _bom_encoding,
    decode_bytes,
    detect_file_encoding,
    looks_binary,
)
from analysis._records import RawDoc, Skip, no_text_error, record_to_doc, resolve_columns

__all__ = ["read_csv_file", "read_frame", "read_json_file", "read_parquet_file"]


def _delimiter(header_line: str, ext: str) -> str:
    if ext == ".tsv":
        return "\t"
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_file(
    path: Path,
    file: str,
    *,
    columns: Mapping[str, str | None] | None,
    encoding: str | None,
    unescape: bool,
) -> Iterator[RawDoc | Skip]:
    """A CSV/TSV table, streamed; one document per data row (rows numbered from 1)."""
    fmt = path.suffix.lower().lstrip(".")
    try:
        if path.stat().st_size == 0:
            yield Skip(file, None, fmt, "empty", "0 bytes")
            return
        with path.open("rb") as fh:
            head = fh.read(65536)
        if looks_binary(head, _bom_encoding(head)):
            yield Skip(file, None, fmt, "binary", "NUL bytes or control characters")
            return
        enc = detect_file_encoding(path, encoding)
    except DecodeError as exc:
        yield Skip(file, None, fmt, "decode failure", str(exc))
        return
    except OSError as exc:
        yield Skip(file, None, fmt, "unreadable", str(exc))
        return
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open("r", encoding=enc, newline="", errors="strict") as fh:
        first_line = fh.readline()
        fh.seek(0)
        reader = csv.reader(fh, delimiter=_delimiter(first_line, path.suffix.lower()))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            yield Skip(file, None, fmt, "malformed CSV", f"header: {exc}", enc)
            return
        if not header or not any(h.strip() for h in header):
            yield Skip(file, None, fmt, "empty", "no header line", enc)
            return
        names = [h.strip() for h in header]
        mapping = resolve_columns(names, columns, file=file)
        if not mapping["text"]:
            raise no_text_error(file, names)
        row = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row += 1
                yield Skip(file, row, fmt, "malformed CSV row", f"line {reader.line_num}: {exc}")
                continue
            if not fields or not any(f.strip() for f in fields):
                continue  # blank line: not a record
            row += 1
            if len(fields) != len(names):
                yield Skip(
                    file,
                    row,
                    fmt,
                    "malformed CSV row",
                    f"line {reader.line_num}: {len(fields)} fields, header has {len(names)}",
                    enc,
                )
                continue
            record = dict(zip(names, fields, strict=True))
            yield record_to_doc(
                record, mapping, file=file, row=row, fmt=fmt, encoding=enc, unescape=unescape
            )


def _records_from_json(obj: Any) -> list[Any] | None:
    """A JSON document's records: a list, a dict holding one list of objects, or one object."""
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        lists = [v for v in obj.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0]
        return [obj]
    return None


def read_json_file(
    path: Path,
    file: str,
    *,
    columns: Mapping[str, str | None] | None,
    encoding: str | None,
    unescape: bool,
    lines: bool,
) -> Iterator[RawDoc | Skip]:
    """JSON (a list of records, ``{"articles": [...]}``, or one record) or JSON Lines."""
    fmt = "jsonl" if lines else "json"
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skip(file, None, fmt, "unreadable", str(exc))
        return
    if not data.strip():
        yield Skip(file, None, fmt, "empty", f"{len(data)} bytes, no text")
        return
    if looks_binary(data, _bom_encoding(data)):
        yield Skip(file, None, fmt, "binary", "NUL bytes or control characters")
        return
    try:
        content, enc = decode_bytes(data, encoding)
    except DecodeError as exc:
        yield Skip(file, None, fmt, "decode failure", str(exc))
        return
    del data
    if lines:
        items: Iterator[tuple[int, Any, str | None]] = _json_lines(content)
    else:
        try:
            records = _records_from_json(json.loads(content))
        except json.JSONDecodeError as exc:
            yield Skip(file, None, fmt, "malformed JSON", str(exc), enc)
            return
        if records is None:
            yield Skip(file, None, fmt, "malformed JSON", "not a list or object of records", enc)
            return
        items = ((i, r, None) for i, r in enumerate(records, start=1))
    parsed = list(items)
    del content
    keys: dict[str, None] = {}  # union of record keys, in order of first appearance
    for _, record, _ in parsed:
        if isinstance(record, dict):
            keys.update(dict.fromkeys(str(k) for k in record))
    if not keys:
        mapping: dict[str, list[str]] = {}
    else:
        mapping = resolve_columns(list(keys), columns, file=file)
        if not mapping["text"]:
            raise no_text_error(file, list(keys))
    for row, record, error in parsed:
        if error is not None:
            yield Skip(file, row, fmt, "malformed JSON line", error, enc)
            continue
        if not isinstance(record, dict):
            reason = "malformed JSON line" if lines else "malformed JSON"
            detail = f"record is a {type(record).__name__}, not an object"
            yield Skip(file, row, fmt, reason, detail, enc)
            continue
        yield record_to_doc(
            record, mapping, file=file, row=row, fmt=fmt, encoding=enc, unescape=unescape
        )


def _json_lines(content: str) -> Iterator[tuple[int, Any, str | None]]:
    row = 0
    for line in content.splitlines():
        if not line.strip():
            continue
        row += 1
        try:
            yield row, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield row, None, f"{exc.msg} at column {exc.colno}: {line[:60]!r}"


def read_parquet_file(
    path: Path, file: str, *, columns: Mapping[str, str | None] | None, unescape: bool
) -> Iterator[RawDoc | Skip]:
    """A Parquet table, streamed in record batches."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for non-Parquet bytes
        reason = "empty" if path.stat().st_size == 0 else "unreadable"
        yield Skip(file, None, "parquet", reason, f"not a readable Parquet file: {exc}")
        return
    names = list(pf.schema_arrow.names)
    mapping = resolve_columns(names, columns, file=file)
    if not mapping["text"]:
        raise no_text_error(file, names)
    wanted = sorted({c for cols in mapping.values() for c in cols})
    row = 0
    for batch in pf.iter_batches(columns=wanted, batch_size=4096):
        for record in batch.to_pylist():
            row += 1
            yield record_to_doc(
                record, mapping, file=file, row=row, fmt="parquet", encoding=None, unescape=unescape
            )


def read_frame(
    frame: Any, file: str, *, columns: Mapping[str, str | None] | None, unescape: bool
) -> Iterator[RawDoc | Skip]:
    """An in-memory pandas DataFrame, one document per row (never modified)."""
    names = [str(c) for c in frame.columns]
    mapping = resolve_columns(names, columns, file=file)
    if not mapping["text"]:
        raise no_text_error(file, names)
    wanted = sorted({c for cols in mapping.values() for c in cols})
    sub = frame.set_axis(names, axis=1).loc[:, wanted]
    for row, record in enumerate(sub.to_dict("records"), start=1):
        record = {k: (None if _is_na(v) else v) for k, v in record.items()}
        yield record_to_doc(
            record, mapping, file=file, row=row, fmt="dataframe", encoding=None, unescape=unescape
        )


def _is_na(value: Any) -> bool:
    try:
        import pandas as pd

        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
