"""Decoding corpus files: strict UTF-8 first, then detection, then cp1252/Latin-1.

Order (per file): a BOM decides (UTF-8-sig/UTF-16/UTF-32) → strict UTF-8 → cp1252 when the
bytes read as plausible Western text in it → charset-normalizer's detection (cp1252 preferred
when it is among the plausible candidates) → cp1252 → Latin-1. charset-normalizer alone is
unreliable on mostly-ASCII files with a few accented bytes: it calls a lone 0xA3 ("£") cp932
and short curly-quoted cp1252 text cp852.

Also: HTML character references in plain text (``&#233;``), decoded only when complete.
"""

from __future__ import annotations

import codecs
import html
import html.entities
import re
from pathlib import Path

__all__ = [
    "DecodeError",
    "decode_bytes",
    "detect_file_encoding",
    "looks_binary",
    "sniff_encoding",
    "unescape_entities",
]

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}
_DETECT_BYTES = 1 << 20
_WESTERN_SIGNS = set("€‚„…†‡ˆ‰‹‘’“”•–—˜™›\xa0¡¢£¤¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷")


class DecodeError(Exception):
    """Bytes that cannot be decoded as asked (only with a forced ``encoding=``)."""


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


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-Latin text has a NUL in every other byte.

    "utf_16_le" when the odd bytes are nearly all NUL and the even ones are not and the
    sample reads as printable text, "utf_16_be" for the mirror image; else None.
    """
    sample = data[: 1 << 16]
    sample = sample[: len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 2:
        return None
    even_nul = sample[0::2].count(0) / half
    odd_nul = sample[1::2].count(0) / half
    for enc, hi, lo in (("utf_16_le", odd_nul, even_nul), ("utf_16_be", even_nul, odd_nul)):
        if hi >= 0.6 and lo <= 0.05:
            text = sample.decode(enc, errors="replace")
            printable = sum(c.isprintable() or c in "\t\n\r" for c in text)
            # binary data with NULs in every other byte does not read as text
            return enc if printable >= 0.95 * len(text) else None
    return None


def sniff_encoding(data: bytes) -> str | None:
    """The encoding a file's first bytes prove: a BOM, or BOM-less UTF-16; else None."""
    return _bom_encoding(data) or _utf16_guess(data)


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
    utf16 = _utf16_guess(data)
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
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
        head = fh.read(1 << 16)
        bom = sniff_encoding(head)
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
