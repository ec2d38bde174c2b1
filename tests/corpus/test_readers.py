"""Readers: decoding (_decode), column mapping (_records), text files (_readers), tables (_tables)."""

from __future__ import annotations

import codecs

import pytest

from analysis.corpus._decode import (
    decode_bytes,
    detect_file_encoding,
    looks_binary,
    unescape_entities,
)
from analysis.corpus._readers import read_text_file
from analysis.corpus._records import RawDoc, Skip, resolve_columns
from analysis.corpus._tables import read_csv_file
from analysis.errors import CorpusError

LATIN = "Café crème at the Hôtel de Ville cost £15.\n\nNaïve résumé, señor.\n"
CP1252 = "He said \u201cit costs \u20ac5\u201d \u2013 that\u2019s all.\n\nThe end\u2026\n"


@pytest.mark.parametrize(
    ("raw", "text", "encodings"),
    [
        (b"plain ascii", "plain ascii", {"utf_8"}),
        ("£5 and café".encode(), "£5 and café", {"utf_8"}),
        (codecs.BOM_UTF8 + "£5 BOM".encode(), "£5 BOM", {"utf_8_sig"}),
        ("UTF-16 £5".encode("utf-16"), "UTF-16 £5", {"utf_16"}),
        (LATIN.encode("latin-1"), LATIN, {"cp1252", "latin_1"}),
        (CP1252.encode("cp1252"), CP1252, {"cp1252"}),
        (b"a \xa315.8m signing", "a £15.8m signing", {"cp1252"}),
    ],
)
def test_decode_bytes(raw, text, encodings):
    got, enc = decode_bytes(raw)
    assert got == text
    assert enc in encodings
    assert "\ufeff" not in got


def test_decode_cyrillic_is_detected():
    text = "Добрый день, как у вас дела? Всё хорошо, спасибо. " * 3
    got, enc = decode_bytes(text.encode("cp1251"))
    assert got == text and enc == "cp1251"


def test_decode_polish_cp1250_is_not_read_as_cp1252():
    text = "Zażółć gęślą jaźń, wszystko jest w porządku, mówił. " * 3
    got, enc = decode_bytes(text.encode("cp1250"))
    assert got == text and enc == "cp1250"


def test_forced_encoding():
    with pytest.raises(Exception, match="not valid utf-8"):
        decode_bytes(LATIN.encode("latin-1"), "utf-8")
    assert decode_bytes(LATIN.encode("latin-1"), "latin-1") == (LATIN, "latin_1")


def test_detect_file_encoding(tmp_path):
    (tmp_path / "u.csv").write_bytes("title,text\nA,£5\n".encode())
    (tmp_path / "l.csv").write_bytes("title,text\nA,£5\n".encode("latin-1"))
    (tmp_path / "b.csv").write_bytes(codecs.BOM_UTF8 + b"title,text\nA,x\n")
    assert detect_file_encoding(tmp_path / "u.csv") == "utf_8"
    assert detect_file_encoding(tmp_path / "l.csv") == "cp1252"
    assert detect_file_encoding(tmp_path / "b.csv") == "utf_8_sig"


def test_looks_binary():
    assert looks_binary(b"GIF89a\x00\x00")
    assert looks_binary(bytes(range(1, 9)) * 10)
    assert not looks_binary(b"Plain text\r\n\twith tabs\x0c")
    assert not looks_binary("utf16".encode("utf-16"), "utf_16")


@pytest.mark.parametrize(
    ("encoding", "bom"), [("latin-1", b""), ("cp1252", b""), ("utf-8", codecs.BOM_UTF8)]
)
def test_text_file_encodings(tmp_path, encoding, bom):
    body = CP1252 if encoding == "cp1252" else LATIN
    f = tmp_path / "a.txt"
    f.write_bytes(bom + ("Title £\n\n" + body).encode(encoding))
    (doc,) = read_text_file(f, "a.txt", encoding=None, unescape=True)
    assert isinstance(doc, RawDoc)
    assert doc.title == "Title £"
    assert doc.text == body.strip("\n")
    assert doc.encoding == {"utf-8": "utf_8_sig", "latin-1": "cp1252", "cp1252": "cp1252"}[encoding]


def test_text_file_crlf_and_leading_blank_lines(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"\r\n\r\n  Headline here  \r\n\r\nPara one.  \r\n\r\nPara two.\r\n")
    (doc,) = read_text_file(f, "a.txt", encoding=None, unescape=True)
    assert doc.title == "Headline here"
    assert doc.text == "Para one.\n\nPara two."


def test_latin1_csv(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes("title,text\nCafé,Crème brûlée £3\n".encode("latin-1"))
    (doc,) = read_csv_file(f, "t.csv", columns=None, encoding=None, unescape=True)
    assert (doc.title, doc.text, doc.encoding) == ("Café", "Crème brûlée £3", "cp1252")


def test_bom_csv_header_is_clean(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes(codecs.BOM_UTF8 + b"text,title\nbody,head\n")
    (doc,) = read_csv_file(f, "t.csv", columns=None, encoding=None, unescape=True)
    assert (doc.title, doc.text) == ("head", "body")


@pytest.mark.parametrize(
    ("names", "field", "expected"),
    [
        (["Headline", "Body"], "title", ["Headline"]),
        (["heading", "content"], "text", ["content"]),
        (["title", "description", "content"], "text", ["content", "description"]),
        (["title", "summary"], "text", ["summary"]),
        (["Published_At", "text"], "published", ["Published_At"]),
        (["pubDate", "text"], "published", ["pubDate"]),
        (["timestamp", "text"], "published", ["timestamp"]),
        (["link", "guid", "text"], "url", ["guid", "link"]),
        (["Site", "text"], "source", ["Site"]),
        (["feed", "text"], "source", ["feed"]),
        (["Topic", "text"], "category", ["Topic"]),
        (["section", "text"], "category", ["section"]),
    ],
)
def test_column_variants(names, field, expected):
    assert resolve_columns(names, None, file="f.csv")[field] == expected


def test_explicit_columns_override_and_disable():
    m = resolve_columns(["body", "x", "date"], {"text": "x", "published": None}, file="f")
    assert m["text"] == ["x"] and m["published"] == []
    with pytest.raises(CorpusError, match=r"f has no column 'y'; its columns are"):
        resolve_columns(["body"], {"text": "y"}, file="f")


def test_url_prefers_guid_but_falls_back_to_link(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(
        "text,guid,link\n"
        "a,https://ex.org/a,https://ex.org/a?utm=1\n"
        "b,tag:ex.org:42,https://ex.org/b?utm=1\n"
    )
    docs = list(read_csv_file(f, "t.csv", columns=None, encoding=None, unescape=True))
    assert [d.url for d in docs] == ["https://ex.org/a", "https://ex.org/b?utm=1"]


def test_csv_empty_and_header_only(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    (tmp_path / "h.csv").write_text("title,text\n")
    (skip,) = read_csv_file(tmp_path / "e.csv", "e.csv", columns=None, encoding=None, unescape=True)
    assert isinstance(skip, Skip) and skip.reason == "empty"
    assert (
        list(read_csv_file(tmp_path / "h.csv", "h.csv", columns=None, encoding=None, unescape=True))
        == []
    )


def test_unescape_entities():
    assert unescape_entities("Caf&#233; &#xE9; &#163;5 &amp; &quot;q&quot;") == 'Café é £5 & "q"'
    # Incomplete or unknown references stay as written.
    assert unescape_entities("AT&T, R&D; &copy 2024, &notanentity;") == (
        "AT&T, R&D; &copy 2024, &notanentity;"
    )


def test_html_declared_cp1252_and_no_main_text(tmp_path):
    from analysis.corpus._readers import read_html_file

    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Caf\u00e9 reopens</title></head><body><article><h1>Caf\u00e9 reopens</h1>"
        "<p>The caf\u00e9 on the quay reopened on Monday, serving cr\u00e8me br\u00fbl\u00e9e for "
        "\u00a33 and \u201cthe best tea in town\u201d, its owner said.</p>"
        "<p>Regulars queued from seven o\u2019clock, and the first tray sold out by nine.</p>"
        "</article></body></html>"
    )
    (tmp_path / "a.html").write_bytes(page.encode("cp1252"))
    (doc,) = read_html_file(tmp_path / "a.html", "a.html", encoding=None)
    assert doc.encoding == "cp1252"
    assert doc.title == "Caf\u00e9 reopens"
    assert "cr\u00e8me br\u00fbl\u00e9e for \u00a33" in doc.text
    assert "\u201cthe best tea in town\u201d" in doc.text
    (tmp_path / "b.html").write_text("<html><head><title>x</title></head><body></body></html>")
    (skip,) = read_html_file(tmp_path / "b.html", "b.html", encoding=None)
    assert isinstance(skip, Skip) and skip.reason == "no text"


def test_text_falls_back_to_next_column_per_row(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("title,description,content\nA,short a,full a\nB,short b,\nC,,\n")
    docs = list(read_csv_file(f, "t.csv", columns=None, encoding=None, unescape=True))
    assert [getattr(d, "text", None) for d in docs] == ["full a", "short b", None]
    assert isinstance(docs[2], Skip) and docs[2].reason == "no text"


def test_single_line_text_files(tmp_path):
    (tmp_path / "h.txt").write_text("Just a headline\n")
    (tmp_path / "b.txt").write_text("word " * 60 + "\n")
    (skip,) = read_text_file(tmp_path / "h.txt", "h.txt", encoding=None, unescape=True)
    assert isinstance(skip, Skip) and skip.reason == "no text"
    (doc,) = read_text_file(tmp_path / "b.txt", "b.txt", encoding=None, unescape=True)
    assert doc.title == "" and doc.text == ("word " * 60).strip()
