"""Issue 9, loading: every input accounted for, one bad file never sinks the rest.

Each test reproduces one item of the issue on files written in tmp_path (our own text).
"""

from __future__ import annotations

import codecs
import json
import os

import pytest

from analysis.corpus.load import load_corpus, load_report
from analysis.errors import CorpusError

BODY = (
    "The harbour council voted on Tuesday to rebuild the old north pier before the summer.\n\n"
    "Fishing crews said the decision came years too late, but welcomed the new timetable."
)
OTHER = (
    "A small bakery in the valley has won a regional prize for its rye loaf.\n\n"
    "The owners thanked their neighbours, who queued in the rain on opening day."
)


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def load(path, **kw):
    kw.setdefault("quiet", True)
    kw.setdefault("progress", False)
    return load_corpus(path, **kw)


def files(df):
    return load_report(df).files.set_index("path")


# --------------------------------------------------------------- walking the folder


def test_unreadable_subfolder_is_reported(tmp_path, monkeypatch):
    # Tests run as root, so chmod cannot make a folder unreadable: make os.walk's own
    # listing of that folder fail the way it does for a folder without permission.
    write(tmp_path / "a.txt", "Pier\n\n" + BODY)
    write(tmp_path / "locked" / "b.txt", "Bakery\n\n" + OTHER)
    real_scandir = os.scandir
    locked = str(tmp_path / "locked")

    def scandir(path="."):
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    df = load(tmp_path)
    assert df["path"].tolist() == ["a.txt"]
    rep = files(df)
    assert rep.loc["locked/", "status"] == "skipped"
    assert rep.loc["locked/", "reason"] == "unreadable"
    assert "Permission denied" in rep.loc["locked/", "detail"]
    with pytest.raises(CorpusError, match="locked/: unreadable"):
        load(tmp_path, strict=True)


def test_non_utf8_file_name_is_loaded_and_named(tmp_path):
    root = os.fsencode(tmp_path)
    with open(os.path.join(root, b"caf\xe9.txt"), "wb") as fh:
        fh.write(("Pier\n\n" + BODY).encode())
    write(tmp_path / "ok.txt", "Bakery\n\n" + OTHER)
    df = load(tmp_path)
    rep = files(df)
    assert rep.loc["caf\\xe9.txt", "status"] == "loaded"
    assert "not valid UTF-8" in rep.loc["caf\\xe9.txt", "detail"]
    assert sorted(df["path"]) == ["caf\\xe9.txt", "ok.txt"]


def test_symlink_outside_the_corpus_is_noted(tmp_path):
    outside = write(tmp_path / "elsewhere" / "x.txt", "Pier\n\n" + BODY)
    root = tmp_path / "corpus"
    write(root / "a.txt", "Bakery\n\n" + OTHER)
    (root / "link.txt").symlink_to(outside)
    (root / "inside.txt").symlink_to(root / "a.txt")
    rep = files(load(root))
    assert rep.loc["link.txt", "status"] == "loaded"
    assert "outside the corpus" in rep.loc["link.txt", "detail"]
    assert str(outside) in rep.loc["link.txt", "detail"]
    assert "outside" not in str(rep.loc["inside.txt", "detail"])


def test_output_root_and_cache_are_not_corpus_input(tmp_path, monkeypatch):
    from analysis.corpus._walk import OUTPUT_MARKER

    write(tmp_path / "a.txt", "Pier\n\n" + BODY)
    out = tmp_path / "reports"
    write(out / OUTPUT_MARKER, "")
    write(out / "index.html", "<html><body><p>" + OTHER + "</p></body></html>")
    write(out / "2026-01-01" / "overview.json", json.dumps({"text": OTHER}))
    cache = tmp_path / "annotations"
    write(cache / "part-0.json", json.dumps({"text": OTHER}))
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(cache))
    tagged = tmp_path / "cache2"
    write(tagged / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n")
    write(tagged / "x.txt", "Bakery\n\n" + OTHER)
    df = load(tmp_path)
    assert df["path"].tolist() == ["a.txt"]
    rep = files(df)
    assert rep.loc["reports/", "reason"] == "report output"
    assert rep.loc["annotations/", "reason"] == "cache"
    assert rep.loc["cache2/", "reason"] == "cache"


def test_report_index_marks_its_output_root(tmp_path):
    from analysis.corpus._walk import OUTPUT_MARKER
    from analysis.reports.runner import rebuild_index

    index = rebuild_index(tmp_path / "corpus" / "reports")
    assert (index.parent / OUTPUT_MARKER).is_file()
    write(tmp_path / "corpus" / "a.txt", "Pier\n\n" + BODY)
    rep = files(load(tmp_path / "corpus"))
    assert rep.loc["reports/", "reason"] == "report output"


# --------------------------------------------------------------- file by file


def test_header_only_csv_is_accounted_as_no_rows(tmp_path):
    write(tmp_path / "a.csv", "title,text\n")
    write(tmp_path / "b.csv", f'title,text\nPier,"{BODY}"\n')
    write(tmp_path / "c.json", "[]")
    df = load(tmp_path)
    rep = files(df)
    assert rep.loc["a.csv", "reason"] == "no rows"
    assert rep.loc["c.json", "reason"] == "no rows"
    assert load_report(df).counts["files"] == 3


def test_corrupt_parquet_page_is_partly_loaded(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    table = pa.table(
        {"title": [f"T{i}" for i in range(300)], "text": [f"{BODY} number {i}" for i in range(300)]}
    )
    pq.write_table(table, path, row_group_size=100, compression="snappy")
    meta = pq.ParquetFile(path).metadata
    col = meta.row_group(2).column(1)  # the text column of the third row group
    start = col.data_page_offset
    data = bytearray(path.read_bytes())
    data[start + 20 : start + 200] = os.urandom(180)
    path.write_bytes(bytes(data))
    write(tmp_path / "z.txt", "Bakery\n\n" + OTHER)
    df = load(tmp_path)
    assert (df["path"] == "z.txt").any()
    rep = load_report(df).files
    bad = rep[rep["file"].eq("t.parquet") & rep["status"].eq("skipped")]
    assert len(bad) == 1
    assert bad["reason"].iloc[0] == "unreadable"
    assert "t.parquet" in bad["path"].iloc[0]
    assert (df["path"].str.startswith("t.parquet:row")).sum() == 200
    assert bad["row"].iloc[0] == 201


def test_cp1252_csv_with_a_bad_byte_after_the_first_megabyte(tmp_path):
    rows = [f'Row {i},"Café prices rose by {i}% — the owners said"' for i in range(30_000)]
    head = ("title,text\n" + "\n".join(rows) + "\n").encode("cp1252")
    assert len(head) > 1 << 20
    bad = b'Bad row,"A byte \x81 that cp1252 does not define"\n'
    tail = 'Last row,"Crème brûlée for £3."\n'.encode("cp1252")
    write(tmp_path / "t.csv", head + bad + tail)
    df = load(tmp_path, near_duplicates=False)
    assert len(df) == 30_002
    rep = load_report(df).files.set_index("row")
    assert rep.loc[30_001, "status"] in {"loaded", "duplicate"}
    assert "0x81" in rep.loc[30_001, "detail"]
    assert df["text"].iloc[-1] == "Crème brûlée for £3."
    assert df["text"].iloc[-2] == "A byte \ufffd that cp1252 does not define"


def test_one_bad_file_does_not_abort_the_folder(tmp_path):
    write(tmp_path / "good.txt", "Pier\n\n" + BODY)
    write(tmp_path / "lookup.csv", "code,label\n1,a\n")
    write(tmp_path / "two_lists.json", json.dumps({"a": [{"text": "x"}], "b": [{"text": "y"}]}))
    write(tmp_path / "sub" / "meta.csv", f'title,text\nBakery,"{OTHER}"\n')
    df = load(tmp_path)
    rep = files(df)
    assert rep.loc["lookup.csv", "reason"] == "no text column"
    assert "['code', 'label']" in rep.loc["lookup.csv", "detail"]
    assert rep.loc["two_lists.json", "reason"] == "malformed JSON"
    assert "2 lists" in rep.loc["two_lists.json", "detail"]
    # A data file named like a sidecar, without a file-name column, is data.
    assert rep.loc["sub/meta.csv:row 1", "status"] == "loaded"
    assert sorted(df["title"]) == ["Bakery", "Pier"]
    with pytest.raises(CorpusError, match=r"lookup\.csv"):
        load(tmp_path, strict=True)


def test_nothing_loadable_left_raises_with_the_reasons(tmp_path):
    write(tmp_path / "lookup.csv", "code,label\n1,a\n")
    with pytest.raises(CorpusError) as err:
        load(tmp_path)
    assert "lookup.csv" in str(err.value) and "no text column" in str(err.value)


def test_semicolon_metadata_sidecar_is_read(tmp_path):
    write(tmp_path / "a.txt", "Pier\n\n" + BODY)
    write(tmp_path / "metadata.csv", "file;published;source\na.txt;2024-03-05;Gazette\n")
    df = load(tmp_path)
    assert df["source"].tolist() == ["Gazette"]
    assert str(df["published"].iloc[0].date()) == "2024-03-05"


def test_bad_sidecar_is_skipped_not_fatal(tmp_path):
    write(tmp_path / "a.txt", "Pier\n\n" + BODY)
    write(tmp_path / "metadata.json", "{not json")
    df = load(tmp_path)
    rep = files(df)
    assert rep.loc["a.txt", "status"] == "loaded"
    assert rep.loc["metadata.json", "reason"] == "bad sidecar"
    with pytest.raises(CorpusError, match=r"metadata\.json"):
        load(tmp_path, strict=True)


def test_jsonl_is_split_on_newlines_only(tmp_path):
    recs = [
        {"title": "Sep", "text": "Line\u2028separator inside a story about the pier."},
        {"title": "Nel", "text": "Next\x85line inside a story about the bakery."},
        {"title": "Para", "text": "Paragraph\u2029separator inside a story about trams."},
    ]
    write(tmp_path / "a.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in recs))
    df = load(tmp_path)
    assert df["title"].tolist() == ["Sep", "Nel", "Para"]
    assert set(files(df)["status"]) == {"loaded"}


# --------------------------------------------------------------- silent value changes


def test_duplicate_column_names_first_wins_with_a_note(tmp_path):
    write(tmp_path / "t.csv", f'title,text,text\nPier,"{BODY}","{OTHER}"\n')
    df = load(tmp_path)
    assert df["text"].tolist() == [BODY]
    assert "duplicate column" in files(df).loc["t.csv:row 1", "detail"]


def test_duplicate_json_keys_and_parquet_columns_first_wins_with_a_note(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    body, other = json.dumps(BODY), json.dumps(OTHER)
    write(tmp_path / "a.json", f'[{{"title": "Pier", "text": {body}, "text": {other}}}]')
    write(tmp_path / "b.jsonl", f'{{"title": "Bakery", "text": {other}, "text": "x"}}\n')
    table = pa.Table.from_arrays(
        [pa.array(["Tram"]), pa.array([BODY + " Trams."]), pa.array(["second"])],
        names=["title", "text", "text"],
    )
    pq.write_table(table, tmp_path / "c.parquet")
    df = load(tmp_path)
    assert df["text"].tolist() == [BODY, OTHER, BODY + " Trams."]
    rep = files(df)
    for path in ("a.json:row 1", "b.jsonl:row 1", "c.parquet:row 1"):
        assert "duplicate" in rep.loc[path, "detail"], path


def test_parquet_binary_text_is_decoded(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "title": pa.array([b"Pier", "Caf\xe9".encode("cp1252")], type=pa.binary()),
            "text": pa.array([BODY.encode(), OTHER.encode("utf-16")], type=pa.binary()),
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    df = load(tmp_path)
    assert df["title"].tolist() == ["Pier", "Café"]
    assert df["text"].tolist() == [BODY, OTHER]
    assert not df["text"].str.startswith("b'").any()
    assert "binary" in files(df).loc["t.parquet:row 2", "detail"]


def test_duplicate_sidecar_keys_are_noted(tmp_path):
    write(tmp_path / "a.txt", "Pier\n\n" + BODY)
    write(
        tmp_path / "metadata.csv",
        "file,source\na.txt,First Gazette\na.txt,Second Gazette\n",
    )
    df = load(tmp_path)
    assert df["source"].tolist() == ["First Gazette"]
    detail = files(df).loc["metadata.csv", "detail"]
    assert "duplicate" in detail and "a.txt" in detail


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(tmp_path, codec):
    text = "Café reopens\n\n" + BODY + "\n\nPrices in € and £ stay the same."
    data = text.encode(codec)
    assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    write(tmp_path / "a.txt", data)
    write(tmp_path / "t.csv", ("title,text\nPier,Fine words about the pier.\n").encode(codec))
    df = load(tmp_path)
    rep = files(df)
    assert rep.loc["a.txt", "status"] == "loaded"
    assert rep.loc["a.txt", "encoding"] == codec.replace("-", "_")
    assert df.set_index("path").loc["a.txt", "text"].endswith("€ and £ stay the same.")
    assert rep.loc["t.csv:row 1", "status"] == "loaded"


def test_binary_with_nul_in_every_other_byte_is_still_binary(tmp_path):
    write(tmp_path / "a.txt", bytes([1, 0, 2, 0, 3, 0, 200, 0, 7, 0]) * 50)
    write(tmp_path / "b.txt", "Pier\n\n" + BODY)
    assert files(load(tmp_path)).loc["a.txt", "reason"] == "binary"


def test_lone_surrogates_in_json_do_not_abort(tmp_path):
    write(tmp_path / "a.json", '[{"title": "Bad \\ud800 title", "text": "Text \\udfff here."}]')
    write(tmp_path / "b.txt", "Pier\n\n" + BODY)
    df = load(tmp_path)
    assert df.set_index("path").loc["a.json:row 1", "text"] == "Text \ufffd here."


# --------------------------------------------------------------- memory


def test_large_text_file_memory_is_a_small_multiple_of_its_size(tmp_path):
    import random
    import tracemalloc

    rng = random.Random(3)
    words = [
        "harbour",
        "council",
        "pier",
        "ferry",
        "tram",
        "bakery",
        "valley",
        "river",
        "winter",
        "crews",
        "budget",
    ]
    paragraphs = []
    size = 0
    while size < 4_000_000:
        p = " ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + "."
        paragraphs.append(p)
        size += len(p) + 2
    path = write(tmp_path / "big.txt", "A long diary\n\n" + "\n\n".join(paragraphs))
    tracemalloc.start()
    try:
        df = load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert df["n_words"].iloc[0] == len(" ".join(paragraphs).split())
    assert peak < 8 * path.stat().st_size, f"peak {peak / 1e6:.0f} MB"
