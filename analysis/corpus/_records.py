"""Raw documents and skip records, and mapping table columns/JSON keys to corpus fields."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.corpus._decode import unescape_entities
from analysis.errors import CorpusError

__all__ = [
    "COLUMN_VARIANTS",
    "FIELDS",
    "RawDoc",
    "Skip",
    "count_words",
    "no_text_error",
    "normalise_column",
    "record_to_doc",
    "resolve_columns",
]

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

_URLISH = re.compile(r"^https?://", re.IGNORECASE)


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
    note: str | None = None  # for the load report's ``detail`` (e.g. a value decoded)
    extra: dict[str, str | None] = dataclasses.field(default_factory=dict)  # unmapped table columns


@dataclass
class Skip:
    """An input (file or row) that is not loaded, and why."""

    file: str
    row: int | None
    fmt: str
    reason: str
    detail: str = ""
    encoding: str | None = None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _decode_binary(value: bytes | bytearray | memoryview) -> tuple[str, str]:
    """Text stored as bytes (a Parquet ``binary`` column): decoded like a file."""
    from analysis.corpus._decode import decode_bytes

    return decode_bytes(bytes(value))


def _scalar(value: Any) -> Any:
    """Flatten JSON/Parquet values: {"name": ...} -> name, lists -> joined, NaN -> None."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return _decode_binary(value)[0]
    if isinstance(value, str) and _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value)  # lone surrogates (JSON "\ud800") cannot be stored
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
    """Map each field to the column(s) holding it, in priority order.

    ``text`` and ``url`` keep every matching column (a row with an empty ``content`` falls
    back to its ``description``; a non-URL ``guid`` falls back to ``link``); the other fields
    use the first matching column only. Explicit ``columns`` entries name exactly one column.
    """
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
                err = CorpusError(
                    f"load_corpus(): columns={{{field!r}: {want!r}}} but {file} has no column "
                    f"{want!r}; its columns are {names}"
                )
                err.reason = "missing column"  # type: ignore[attr-defined]
                raise err
            continue
        found = [by_norm[v] for v in COLUMN_VARIANTS[field] if v in by_norm]
        # url and text may come from several columns: per row, the first non-empty one wins.
        mapping[field] = found if field in ("url", "text") else found[:1]
    return mapping


def no_text_error(file: str, names: list[str]) -> CorpusError:
    """The error for a table without a text column; ``.reason`` is its load-report reason."""
    err = CorpusError(
        f"load_corpus(): {file} has no text column; columns found: {names}; expected one of "
        f"{list(COLUMN_VARIANTS['text'])} (any case, '_'/'-'/space ignored), or name it with "
        f"columns={{'text': '<column>'}}"
    )
    err.reason = "no text column"  # type: ignore[attr-defined]
    return err


def binary_note(record: Mapping[str, Any], columns: list[str]) -> str | None:
    """A note naming the columns of ``record`` whose values were bytes (decoded as text)."""
    notes = []
    for col in columns:
        value = record.get(col)
        if isinstance(value, bytes | bytearray | memoryview):
            notes.append(f"{col!r} as {_decode_binary(value)[1]}")
        elif isinstance(value, str) and _SURROGATE.search(value):
            notes.append(f"{col!r}: lone surrogate escapes replaced with U+FFFD")
    return ("binary text decoded: " + ", ".join(notes)) if notes else None


def record_to_doc(
    record: Mapping[str, Any],
    mapping: dict[str, list[str]],
    *,
    file: str,
    row: int,
    fmt: str,
    encoding: str | None,
    unescape: bool,
    note: str | None = None,
) -> RawDoc | Skip:
    """One table row/JSON record -> RawDoc, or Skip("no text") when its text is empty.

    ``note`` (e.g. "duplicate column names") goes to the load report with the row.
    """

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
        note="; ".join(
            filter(None, [note, binary_note(record, [c for cs in mapping.values() for c in cs])])
        )
        or None,
        extra=_extra(record, mapping),
    )


def _extra(record: Mapping[str, Any], mapping: dict[str, list[str]]) -> dict[str, str | None]:
    """The columns not mapped to a field, as text (kept as extra corpus columns)."""
    used = {c for cols in mapping.values() for c in cols}
    return {str(k): _text_value(v) for k, v in record.items() if k not in used}


def _clean_lines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"[^\S\n](?:\n|$)", text):  # whitespace at a line end
        text = "\n".join([line.rstrip() for line in text.split("\n")])
    return text.strip("\n")


def _one_line(title: str) -> str:
    """A title as one line: line breaks become spaces, ends stripped, inner spacing kept."""
    return re.sub(r"\s*[\r\n]+\s*", " ", title).strip()


def count_words(text: str, chunk: int = 1 << 20) -> int:
    """``len(text.split())`` without a list of every word of a very long text."""
    if len(text) <= chunk:
        return len(text.split())
    n = 0
    for start in range(0, len(text), chunk):
        n += len(text[start : start + chunk].split())
        if start and not text[start - 1].isspace() and not text[start].isspace():
            n -= 1  # a word cut in two by the chunk boundary
    return n
