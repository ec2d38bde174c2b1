"""Format readers for corpus loading: bytes in, raw documents or skip records out.

Every reader is a generator of :class:`RawDoc` (a document to load) and :class:`Skip`
(an input that is not loaded, with a reason), so that each input file — and each row of
a tabular file — is accounted for. Readers never raise for bad *content*; they raise
:class:`~analysis.errors.CorpusError` only for a *schema* problem the user must fix
(a table with no text-like column, an explicit column that does not exist).

Decoding (per file): strict UTF-8 (BOM stripped) → UTF-16/32 when a BOM says so →
charset-normalizer's detection → cp1252 → Latin-1. charset-normalizer is unreliable on
mostly-ASCII files with a handful of accented bytes (it calls a lone 0xA3 "£" cp932), so
when cp1252/Latin-1 is among its plausible candidates, cp1252 wins.
"""

from __future__ import annotations

import codecs
import csv
import html
import html.entities
import json
import re
import sys
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import CorpusError

TEXT_EXTS = {".txt"}
CSV_EXTS = {".csv", ".tsv"}
JSONL_EXTS = {".jsonl", ".ndjson"}
JSON_EXTS = {".json"}
PARQUET_EXTS = {".parquet", ".pq"}
HTML_EXTS = {".html", ".htm"}
SUPPORTED_EXTS = TEXT_EXTS | CSV_EXTS | JSONL_EXTS | JSON_EXTS | PARQUET_EXTS | HTML_EXTS

FIELDS = ("title", "text", "published", "url", "source", "category")

# Normalised column name -> field, in priority order (first present wins).
COLUMN_VARIANTS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "subject"),
    "text": (
        "text",
        "body",
        "content",
        "article",
        "articlebody",
        "articletext",
        "fulltext",
        "maintext",
        "description",
        "summary",
    ),
    "published": (
        "published",
        "publishedat",
        "publishedon",
        "publicationdate",
        "publishdate",
        "datepublished",
        "pubdate",
        "date",
        "datetime",
        "timestamp",
        "time",
        "createdat",
    ),
    # guid before link: RSS links carry tracking parameters, the guid is the clean URL.
    "url": ("url", "canonicalurl", "canonical", "guid", "link", "permalink", "href"),
    "source": ("source", "sourcename", "site", "sitename", "publisher", "feed", "outlet"),
    "category": ("category", "section", "topic", "categories"),
}

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_URLISH = re.compile(r"^https?://", re.IGNORECASE)
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}
_DETECT_BYTES = 1 << 20
_WESTERN_SIGNS = set("€‚„…†‡ˆ‰‹‘’“”•–—˜™›\xa0¡¢£¤¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷")


@dataclass
class RawDoc:
    """One document as read, before dates, boilerplate and duplicates are handled."""

    file: str
    row: int | None
    fmt: str
    encoding: str | None
    title: str
    text: str
    published: Any = None
    url: str | None = None
    source: str | None = None
    category: str | None = None


@dataclass
class Skip:
    """An input (file or row) that is not loaded, and why."""

    file: str
    row: int | None
    fmt: str
    reason: str
    detail: str = ""
    encoding: str | None = None


class DecodeError(Exception):
    """Bytes that cannot be decoded as asked (only with a forced ``encoding=``)."""


# ----------------------------------------------------------------------------- decoding


def _norm_name(name: str) -> str:
    norm = codecs.lookup(name).name.replace("-", "_")
    return "latin_1" if norm == "iso8859_1" else norm


def _plausible_western(sample: bytes) -> bool:
    """True when ``sample`` reads as mostly-ASCII Western text in cp1252.

    Accented letters must be a minority of the letters (misread Cyrillic/Greek is almost
    all "accented"), and every non-ASCII character must be a Latin-1 letter or common
    typographic sign (quotes, dashes, €, £, …).
    """
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    letters = sum(c.isalpha() for c in text)
    accented = 0
    for i, c in enumerate(text):
        if c < "\x80":
            continue
        if c.isalpha() and ("\xc0" <= c <= "\xff" or c in "ŠšŒœŽžŸƒ"):
            accented += 1
        elif c not in _WESTERN_SIGNS:
            return False
        elif (
            c not in "’‘\xad·–—"
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            return False  # "³" or "¿" inside a word: a Central/Eastern European code page
    return letters > 0 and accented / letters < 0.3


def _legacy_encoding(sample: bytes) -> str:
    """The encoding of non-UTF-8 bytes: detection, preferring cp1252 when plausible."""
    from charset_normalizer import from_bytes

    if _plausible_western(sample[:_DETECT_BYTES]):
        return "cp1252"
    results = list(from_bytes(sample[:_DETECT_BYTES]))
    if results:
        best = results[0]
        for r in results:
            if _norm_name(r.encoding) in _WESTERN and r.chaos <= best.chaos + 0.1:
                return "cp1252" if _cp1252_ok(sample) else "latin_1"
        return _norm_name(best.encoding)
    return "cp1252" if _cp1252_ok(sample) else "latin_1"


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf_32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf_16"
    return None


def looks_binary(data: bytes, encoding: str | None = None) -> bool:
    """NUL bytes (outside UTF-16/32) or many control characters mean "not text"."""
    head = data[:65536]
    if encoding and encoding.startswith(("utf_16", "utf_32")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a whole file. Returns ``(text, encoding used)``; BOMs are stripped."""
    if encoding is not None:
        try:
            return data.decode(encoding), _norm_name(encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not valid {encoding}: {exc.reason} at byte {exc.start}") from exc
    bom = _bom_encoding(data)
    if bom:
        text = data.decode(bom)
        return text.lstrip("\ufeff"), bom
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    enc = _legacy_encoding(data)
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin_1"), "latin_1"


def detect_file_encoding(path: Path, encoding: str | None = None) -> str:
    """The encoding of a (possibly large) file, read in chunks; raises DecodeError."""
    with path.open("rb") as fh:
        head = fh.read(4)
        bom = _bom_encoding(head)
        if encoding is None and bom:
            return bom
        enc = encoding or "utf-8"
        decoder = codecs.getincrementaldecoder(enc)("strict")
        fh.seek(0)
        try:
            while chunk := fh.read(_DETECT_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return _norm_name(enc) if encoding else "utf_8"
        except UnicodeDecodeError as exc:
            if encoding is not None:
                raise DecodeError(f"not valid {encoding}: {exc.reason}") from exc
        fh.seek(0)
        return _legacy_encoding(fh.read(_DETECT_BYTES))


# ----------------------------------------------------------------------------- values


def unescape_entities(text: str) -> str:
    """Decode ``&#233;``/``&#xE9;``/``&amp;``-style references that end with ``;``.

    Only complete references are touched, so "AT&T" or "R&D;" (not an entity) stay as is.
    """
    if "&" not in text:
        return text
    return _ENTITY.sub(_entity, text)


def _entity(match: re.Match[str]) -> str:
    ref = match.group(0)
    if ref[1] != "#" and ref[1:] not in html.entities.html5:
        return ref  # unknown name: html.unescape would decode a prefix ("&notx;" -> "¬x;")
    return html.unescape(ref)


def _scalar(value: Any) -> Any:
    """Flatten JSON/Parquet values: {"name": ...} -> name, lists -> joined, NaN -> None."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        for key in ("name", "title", "id", "value"):
            if value.get(key) not in (None, ""):
                return _scalar(value[key])
        return None
    if isinstance(value, list | tuple):
        parts = [str(v) for v in (_scalar(x) for x in value) if v not in (None, "")]
        return ", ".join(parts) if parts else None
    if isinstance(value, float) and value != value:
        return None
    return value


def _text_value(value: Any, *, sep: str = ", ") -> str | None:
    if isinstance(value, list | tuple) and sep != ", ":
        value = sep.join(str(_scalar(v)) for v in value if _scalar(v) not in (None, ""))
    value = _scalar(value)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def normalise_column(name: Any) -> str:
    return re.sub(r"[\s_\-.]+", "", str(name).strip().lower())


def resolve_columns(
    names: list[str], columns: Mapping[str, str | None] | None, *, file: str
) -> dict[str, list[str]]:
    """Map each field to the column(s) holding it (url may have several, in priority order)."""
    columns = dict(columns or {})
    unknown = set(columns) - set(FIELDS)
    if unknown:
        raise CorpusError(
            f"load_corpus(): columns= has unknown field(s) {sorted(unknown)}; "
            f"valid fields are {list(FIELDS)}"
        )
    by_norm: dict[str, str] = {}
    for n in names:
        by_norm.setdefault(normalise_column(n), n)
    mapping: dict[str, list[str]] = {}
    for field in FIELDS:
        if field in columns:
            want = columns[field]
            if want is None:
                mapping[field] = []
            elif want in names:
                mapping[field] = [want]
            else:
                raise CorpusError(
                    f"load_corpus(): columns={{{field!r}: {want!r}}} but {file} has no column "
                    f"{want!r}; its columns are {names}"
                )
            continue
        found = [by_norm[v] for v in COLUMN_VARIANTS[field] if v in by_norm]
        mapping[field] = found if field == "url" else found[:1]
    return mapping


def no_text_error(file: str, names: list[str]) -> CorpusError:
    return CorpusError(
        f"load_corpus(): {file} has no text column; columns found: {names}; expected one of "
        f"{list(COLUMN_VARIANTS['text'])} (any case, '_'/'-'/space ignored), or name it with "
        f"columns={{'text': '<column>'}}"
    )


def record_to_doc(
    record: Mapping[str, Any],
    mapping: dict[str, list[str]],
    *,
    file: str,
    row: int,
    fmt: str,
    encoding: str | None,
    unescape: bool,
) -> RawDoc | Skip:
    """One table row/JSON record -> RawDoc, or Skip("no text") when its text is empty."""

    def first(field: str, *, sep: str = ", ") -> Any:
        for col in mapping[field]:
            v = record.get(col)
            if field == "published":
                v = _scalar(v)
                if v is not None and not (isinstance(v, str) and not v.strip()):
                    return v
                continue
            v = _text_value(v, sep=sep)
            if v is not None:
                return v
        return None

    text = first("text", sep="\n\n")
    if text is None:
        return Skip(file, row, fmt, "no text", "text field empty or missing", encoding)
    title = first("title") or ""
    if unescape:
        text, title = unescape_entities(text), unescape_entities(title)
    urls = [_text_value(record.get(c)) for c in mapping["url"]]
    urls = [u for u in urls if u]
    url = next((u for u in urls if _URLISH.match(u)), urls[0] if urls else None)
    return RawDoc(
        file=file,
        row=row,
        fmt=fmt,
        encoding=encoding,
        title=_one_line(title),
        text=_clean_lines(text),
        published=first("published"),
        url=url,
        source=first("source"),
        category=first("category"),
    )


def _clean_lines(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


# ----------------------------------------------------------------------------- readers


def read_text_file(
    path: Path, file: str, *, encoding: str | None, unescape: bool
) -> Iterator[RawDoc | Skip]:
    """A .txt article: first non-blank line is the title, the rest is the body."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skip(file, None, "txt", "unreadable", str(exc))
        return
    if not data.strip():
        yield Skip(file, None, "txt", "empty", f"{len(data)} bytes, no text")
        return
    if looks_binary(data, _bom_encoding(data)):
        yield Skip(file, None, "txt", "binary", "NUL bytes or control characters")
        return
    try:
        text, enc = decode_bytes(data, encoding)
    except DecodeError as exc:
        yield Skip(file, None, "txt", "decode failure", str(exc))
        return
    if unescape:
        text = unescape_entities(text)
    text = _clean_lines(text)
    title, _, body = text.lstrip().partition("\n")
    body = body.strip("\n")
    if not body.strip():
        yield Skip(file, None, "txt", "no text", "only a title line", enc)
        return
    yield RawDoc(file, None, "txt", enc, title.strip(), body)


def read_html_file(path: Path, file: str, *, encoding: str | None) -> Iterator[RawDoc | Skip]:
    """An HTML page: main text and metadata with trafilatura (offline, never fetches)."""
    import trafilatura

    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skip(file, None, "html", "unreadable", str(exc))
        return
    if not data.strip():
        yield Skip(file, None, "html", "empty", f"{len(data)} bytes, no text")
        return
    if looks_binary(data, _bom_encoding(data)):
        yield Skip(file, None, "html", "binary", "NUL bytes or control characters")
        return
    if encoding is None and _bom_encoding(data) is None:
        declared = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.I)
        if declared:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    encoding = _norm_name(declared.group(1).decode("ascii"))
                except LookupError:
                    encoding = None
    try:
        page, enc = decode_bytes(data, encoding)
    except DecodeError as exc:
        yield Skip(file, None, "html", "decode failure", str(exc))
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            doc = trafilatura.bare_extraction(
                page,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                date_extraction_params={
                    "extensive_search": False,
                    "original_date": True,
                    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                },
            )
        except Exception as exc:  # trafilatura/lxml raise many types on broken markup
            yield Skip(file, None, "html", "unreadable", f"HTML extraction failed: {exc}", enc)
            return
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    title = " ".join((getattr(doc, "title", None) or "").split())
    if paragraphs and title and " ".join(paragraphs[0].split()) == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        yield Skip(file, None, "html", "no text", "no main text found in the page", enc)
        return
    yield RawDoc(
        file,
        None,
        "html",
        enc,
        title,
        "\n\n".join(paragraphs),
        published=getattr(doc, "date", None),
        url=getattr(doc, "url", None) or None,
        source=getattr(doc, "sitename", None) or None,
        category=_text_value(getattr(doc, "categories", None)),
    )


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
    cache: dict[tuple[str, ...], dict[str, list[str]]] = {}
    n_records = n_with_text_field = 0
    all_keys: list[str] = []
    for row, record, error in items:
        if error is not None:
            yield Skip(file, row, fmt, "malformed JSON line", error, enc)
            continue
        if not isinstance(record, dict):
            reason = "malformed JSON line" if lines else "malformed JSON"
            detail = f"record is a {type(record).__name__}, not an object"
            yield Skip(file, row, fmt, reason, detail, enc)
            continue
        n_records += 1
        keys = tuple(record)
        mapping = cache.get(keys)
        if mapping is None:
            mapping = cache[keys] = resolve_columns(list(keys), columns, file=file)
            all_keys.extend(k for k in keys if k not in all_keys)
        if mapping["text"]:
            n_with_text_field += 1
        yield record_to_doc(
            record, mapping, file=file, row=row, fmt=fmt, encoding=enc, unescape=unescape
        )
    if n_records and not n_with_text_field:
        raise no_text_error(file, all_keys)


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


def _one_line(title: str) -> str:
    """A title as one line: line breaks become spaces, ends stripped, inner spacing kept."""
    return re.sub(r"\s*[\r\n]+\s*", " ", title).strip()
