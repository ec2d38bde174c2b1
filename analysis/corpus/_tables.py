"""Tabular inputs — CSV/TSV, JSON, JSON Lines, Parquet, a DataFrame: one document per row.

Rows are numbered from 1 (data rows; the header and blank lines are not counted). Bad rows
become :class:`~analysis.corpus._records.Skip` records ("malformed CSV row", "malformed JSON line",
"no text"); a table with no text-like column raises CorpusError naming the file and columns.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from analysis.corpus._decode import (
    DecodeError,
    decode_bytes,
    detect_file_encoding,
    looks_binary,
    sniff_encoding,
)
from analysis.corpus._records import RawDoc, Skip, no_text_error, record_to_doc, resolve_columns

__all__ = ["read_csv_file", "read_frame", "read_json_file", "read_parquet_file"]


def _delimiter(header_line: str, ext: str) -> str:
    if ext == ".tsv":
        return "\t"
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_ESCAPED = re.compile("[\udc80-\udcff]")


def _unique_names(names: list[str]) -> tuple[list[str], str | None]:
    """Header names made unique ("text", "text (2)"), and a note when some repeated."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    dups = [n for n, k in seen.items() if k > 1]
    if not dups:
        return out, None
    return out, f"duplicate column names {dups}: the first of each is used"


def _undecodable(fields: list[str], enc: str) -> tuple[list[str], str | None]:
    """Fields with bytes the encoding does not define (surrogate-escaped) -> U+FFFD + note."""
    bad = sorted({f"0x{ord(c) - 0xDC00:02x}" for f in fields for c in _ESCAPED.findall(f)})
    if not bad:
        return fields, None
    fields = [_ESCAPED.sub("\ufffd", f) for f in fields]
    return fields, f"byte(s) {', '.join(bad)} not valid {enc}: replaced with U+FFFD"


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
        if looks_binary(head, sniff_encoding(head)):
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
    # Detection reads the first MB only: a byte further on that the encoding does not define
    # is kept as a surrogate escape and replaced in its row (with a note), never fatal.
    errors = "replace" if enc.startswith(("utf_16", "utf_32")) else "surrogateescape"
    with path.open("r", encoding=enc, newline="", errors=errors) as fh:
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
        names, dup_note = _unique_names([h.strip().lstrip("\ufeff") for h in header])
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
            fields, bad_bytes = _undecodable(fields, enc)
            record = dict(zip(names, fields, strict=True))
            note = "; ".join(filter(None, [dup_note, bad_bytes])) or None
            yield record_to_doc(
                record,
                mapping,
                file=file,
                row=row,
                fmt=fmt,
                encoding=enc,
                unescape=unescape,
                note=note,
            )


class _Record(dict):
    """A JSON object; a ``repeated`` attribute names keys seen more than once (first kept)."""


def _first_key_wins(pairs: list[tuple[str, Any]]) -> _Record:
    record = _Record()
    repeated = []
    for key, value in pairs:
        if key in record:
            repeated.append(key)
        else:
            record[key] = value
    if repeated:
        record.repeated = repeated
    return record


def _repeated_note(record: Any) -> str | None:
    repeated = getattr(record, "repeated", None)
    return (
        f"duplicate keys {sorted(set(repeated))}: the first of each is used" if repeated else None
    )


def _records_from_json(obj: Any) -> list[Any] | str:
    """A JSON document's records: a list, a dict holding one list of objects, or one object.

    Anything else is a str saying why it is not records.
    """
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        lists = [k for k, v in obj.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return obj[lists[0]]
        if len(lists) > 1:
            return (
                f"an object holding {len(lists)} lists of records {lists[:5]}; expected one "
                "(or name the file's records in a list of its own)"
            )
        return [obj]
    return f"not a list or object of records but a {type(obj).__name__}"


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
    if looks_binary(data, sniff_encoding(data)):
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
            records = _records_from_json(json.loads(content, object_pairs_hook=_first_key_wins))
        except json.JSONDecodeError as exc:
            yield Skip(file, None, fmt, "malformed JSON", str(exc), enc)
            return
        if isinstance(records, str):
            yield Skip(file, None, fmt, "malformed JSON", records, enc)
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
            record,
            mapping,
            file=file,
            row=row,
            fmt=fmt,
            encoding=enc,
            unescape=unescape,
            note=_repeated_note(record),
        )


def _json_lines(content: str) -> Iterator[tuple[int, Any, str | None]]:
    """Records of JSON Lines: split on "\\n" only (U+2028/U+0085 may stand inside strings)."""
    row = 0
    for line in content.split("\n"):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        row += 1
        try:
            yield row, json.loads(line, object_pairs_hook=_first_key_wins), None
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
    names, dup_note = _unique_names(list(pf.schema_arrow.names))
    mapping = resolve_columns(names, columns, file=file)
    if not mapping["text"]:
        raise no_text_error(file, names)
    # With repeated column names, read every column and name them by position.
    wanted = None if dup_note else sorted({c for cols in mapping.values() for c in cols})
    row = 0
    meta = pf.metadata
    for group in range(pf.num_row_groups):
        first, size = row + 1, meta.row_group(group).num_rows
        try:  # one row group at a time: a corrupt page loses its group, not the file
            for batch in pf.iter_batches(columns=wanted, batch_size=4096, row_groups=[group]):
                cols = [c.to_pylist() for c in batch.columns]
                for values in zip(*cols, strict=True):
                    row += 1
                    yield record_to_doc(
                        dict(zip(names if wanted is None else wanted, values, strict=True)),
                        mapping,
                        file=file,
                        row=row,
                        fmt="parquet",
                        encoding=None,
                        unescape=unescape,
                        note=dup_note,
                    )
        except (OSError, ValueError) as exc:  # pyarrow: corrupt pages, bad compression
            lost = first + size - 1 - row
            detail = (
                f"rows {row + 1}-{first + size - 1} (row group {group + 1}) unreadable, "
                f"{lost} rows lost: {type(exc).__name__}: {exc}"
            )
            yield Skip(file, row + 1, "parquet", "unreadable", detail)
            row = first + size - 1


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
