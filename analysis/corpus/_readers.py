"""Format readers for corpus loading: bytes in, raw documents or skip records out.

Every reader is a generator of :class:`RawDoc` (a document to load) and :class:`Skip`
(an input that is not loaded, with a reason), so that each input file — and each row of
a tabular file — is accounted for. Readers never raise for bad *content*; they raise
:class:`~analysis.errors.CorpusError` only for a *schema* problem the user must fix
(a table with no text-like column, an explicit column that does not exist).

This module: the supported extensions, plain-text articles and HTML pages. Tables live in
:mod:`analysis.corpus._tables`, decoding in :mod:`analysis.corpus._decode`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

from analysis.corpus._decode import (
    DecodeError,
    _bom_encoding,
    _norm_name,
    decode_bytes,
    looks_binary,
    sniff_encoding,
    unescape_entities,
)
from analysis.corpus._records import RawDoc, Skip, _clean_lines, _text_value

__all__ = ["SUPPORTED_EXTS", "read_html_file", "read_text_file"]

TEXT_EXTS = {".txt"}
CSV_EXTS = {".csv", ".tsv"}
JSONL_EXTS = {".jsonl", ".ndjson"}
JSON_EXTS = {".json"}
PARQUET_EXTS = {".parquet", ".pq"}
HTML_EXTS = {".html", ".htm"}
SUPPORTED_EXTS = TEXT_EXTS | CSV_EXTS | JSONL_EXTS | JSON_EXTS | PARQUET_EXTS | HTML_EXTS


_MAX_TITLE_ONLY = 200  # a lone line longer than this is a body, not a headline


def read_text_file(
    path: Path, file: str, *, encoding: str | None, unescape: bool
) -> Iterator[RawDoc | Skip]:
    """A .txt article: first non-blank line is the title, the rest is the body.

    A file with a single line is a headline without a story ("no text") when the line is
    at most 200 characters long, otherwise a body without a title.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skip(file, None, "txt", "unreadable", str(exc))
        return
    if not data.strip():
        yield Skip(file, None, "txt", "empty", f"{len(data)} bytes, no text")
        return
    if looks_binary(data, sniff_encoding(data)):
        yield Skip(file, None, "txt", "binary", "NUL bytes or control characters")
        return
    try:
        text, enc = decode_bytes(data, encoding)
    except DecodeError as exc:
        yield Skip(file, None, "txt", "decode failure", str(exc))
        return
    del data  # keep memory near the size of the text on very large files
    if unescape:
        text = unescape_entities(text)
    text = _clean_lines(text)
    title, _, body = text.lstrip().partition("\n")
    body = body.strip("\n")
    if not body.strip():
        if len(title.strip()) <= _MAX_TITLE_ONLY:
            yield Skip(file, None, "txt", "no text", "only a title line", enc)
            return
        title, body = "", title.strip()  # one long line: a body without a title
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
    if looks_binary(data, sniff_encoding(data)):
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
