"""load_corpus / load_report / LoadReport on small corpora written in tmp_path."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.corpus.load import CORPUS_COLUMNS, LoadReport, load_corpus, load_report
from analysis.errors import AnalysisInputError, CorpusError

BODY_A = (
    "The harbour council voted on Tuesday to rebuild the old north pier before the summer.\n\n"
    "Fishing crews said the decision came years too late, but welcomed the new timetable."
)
BODY_B = (
    "A small bakery in the valley has won a regional prize for its rye loaf.\n\n"
    "The owners thanked their neighbours, who queued in the rain on opening day."
)
BODY_C = (
    "Engineers tested a quieter tram brake on the river line during the night.\n\n"
    "Residents near the depot had complained about the noise for two winters."
)


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def load(path, **kw):
    kw.setdefault("quiet", True)
    kw.setdefault("progress", False)
    return load_corpus(path, **kw)


@pytest.fixture
def txt_corpus(tmp_path):
    root = tmp_path / "news"
    write(root / "local" / "001.txt", "Pier to be rebuilt\n\n" + BODY_A + "\n")
    write(root / "local" / "002.txt", "Bakery wins prize\n\n" + BODY_B + "\n")
    write(root / "transport" / "001.txt", "Quieter tram brakes\n\n" + BODY_C + "\n")
    return root


# ----------------------------------------------------------------------------- schema


def test_txt_folder_schema_and_dtypes(txt_corpus):
    df = load(txt_corpus)
    assert list(df.columns) == CORPUS_COLUMNS
    assert df["path"].tolist() == ["local/001.txt", "local/002.txt", "transport/001.txt"]
    assert df["title"].tolist() == [
        "Pier to be rebuilt",
        "Bakery wins prize",
        "Quieter tram brakes",
    ]
    assert df.loc[0, "text"] == BODY_A
    assert df["category"].tolist() == ["local", "local", "transport"]
    assert df["source"].isna().all()
    assert str(df["published"].dtype) == "datetime64[ns, UTC]"
    assert df["published"].isna().all()
    for col in ("doc_id", "title", "text", "source", "category", "url", "path", "duplicate_of"):
        assert isinstance(df[col].dtype, pd.StringDtype), col
    for col in ("n_chars", "n_words", "boilerplate_lines"):
        assert df[col].dtype == "int64"
    assert df["is_duplicate"].dtype == bool
    assert df["n_chars"].tolist() == [len(t) for t in df["text"]]
    assert df["n_words"].tolist() == [len(t.split()) for t in df["text"]]
    assert df["doc_id"].is_unique


def test_doc_id_stable_across_loads_and_content_derived(txt_corpus, tmp_path):
    first = load(txt_corpus)
    second = load(txt_corpus)
    assert first["doc_id"].tolist() == second["doc_id"].tolist()
    assert load_report(first).fingerprint == load_report(second).fingerprint
    # Same content elsewhere -> same id; changed content -> new id.
    other = tmp_path / "other"
    write(other / "x.txt", "Pier to be rebuilt\n\n" + BODY_A + "\n")
    assert load(other)["doc_id"].iloc[0] == first["doc_id"].iloc[0]
    write(other / "x.txt", "Pier to be rebuilt\n\n" + BODY_A + " Updated.\n")
    assert load(other)["doc_id"].iloc[0] != first["doc_id"].iloc[0]


def test_doc_id_unique_for_identical_files(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        write(tmp_path / name, "Same\n\n" + BODY_A)
    df = load(tmp_path)
    assert df["doc_id"].is_unique
    assert df["is_duplicate"].tolist() == [False, True, True]
    assert df["duplicate_of"].tolist()[1:] == [df["doc_id"].iloc[0]] * 2


def test_single_file(tmp_path):
    f = write(tmp_path / "one.txt", "Only story\n\n" + BODY_B)
    df = load(f)
    assert df["path"].tolist() == ["one.txt"]
    assert df["category"].isna().all()


def test_folder_modes_and_constants(tmp_path):
    write(tmp_path / "Gazette" / "sport" / "1.txt", "T1\n\n" + BODY_A)
    write(tmp_path / "Gazette" / "sport" / "cricket" / "2.txt", "T2\n\n" + BODY_B)
    df = load(tmp_path, folders="source/category")
    assert df["source"].tolist() == ["Gazette", "Gazette"]
    assert df["category"].tolist() == ["sport", "sport/cricket"]
    df = load(tmp_path)
    assert df["category"].tolist() == ["Gazette/sport", "Gazette/sport/cricket"]
    df = load(tmp_path, folders="ignore", source="Wire", category="misc")
    assert df["source"].tolist() == ["Wire", "Wire"]
    assert df["category"].tolist() == ["misc", "misc"]
    df = load(tmp_path, folders=lambda parts: {"source": parts[-1].upper()})
    assert df["source"].tolist() == ["SPORT", "CRICKET"]
    with pytest.raises(CorpusError, match="folders="):
        load(tmp_path, folders="topic")


# ----------------------------------------------------------------------------- formats


def test_csv_with_column_variants_and_guid_preferred(tmp_path):
    f = tmp_path / "feed.csv"
    pd.DataFrame(
        {
            "Headline": ["Pier", "Bakery"],
            "pubDate": ["Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-06T09:30:00+01:00"],
            "link": ["https://ex.org/a?utm=rss", "https://ex.org/b?utm=rss"],
            "guid": ["https://ex.org/a", "https://ex.org/b"],
            "Description": [BODY_A, BODY_B],
            "publisher": ["Gazette", "Gazette"],
            "Section": ["local", "food"],
        }
    ).to_csv(f, index=False)
    df = load(f)
    assert df["title"].tolist() == ["Pier", "Bakery"]
    assert df["text"].tolist() == [BODY_A, BODY_B]
    assert df["url"].tolist() == ["https://ex.org/a", "https://ex.org/b"]
    assert df["source"].tolist() == ["Gazette", "Gazette"]
    assert df["category"].tolist() == ["local", "food"]
    assert df["published"].tolist() == [
        pd.Timestamp("2024-03-05 10:00", tz="UTC"),
        pd.Timestamp("2024-03-06 08:30", tz="UTC"),
    ]
    assert df["path"].tolist() == ["feed.csv:row 1", "feed.csv:row 2"]


def test_explicit_columns(tmp_path):
    f = tmp_path / "t.csv"
    pd.DataFrame({"my_body": [BODY_A], "hed": ["Pier"], "body": ["not this"]}).to_csv(
        f, index=False
    )
    df = load(f, columns={"text": "my_body", "title": "hed"})
    assert df[["title", "text"]].iloc[0].tolist() == ["Pier", BODY_A]
    with pytest.raises(CorpusError, match="no column 'nope'"):
        load(f, columns={"text": "nope"})
    with pytest.raises(CorpusError, match="unknown field"):
        load(f, columns={"bodytext": "my_body"})


def test_csv_without_text_column_is_an_error(tmp_path):
    f = tmp_path / "lookup.csv"
    f.write_text("code,label\n1,a\n")
    with pytest.raises(CorpusError) as err:
        load(f)
    msg = str(err.value)
    assert "lookup.csv" in msg and "['code', 'label']" in msg and "description" in msg


def test_tsv_and_semicolon_csv(tmp_path):
    write(tmp_path / "a.tsv", f"title\ttext\nPier\t{BODY_A.replace(chr(10), ' ')}\n")
    write(tmp_path / "b.csv", f"title;text\nBakery;{BODY_B.replace(chr(10), ' ')}\n")
    df = load(tmp_path)
    assert df["title"].tolist() == ["Pier", "Bakery"]


def test_malformed_csv_rows_are_reported(tmp_path):
    write(tmp_path / "t.csv", f'title,text\nA,"{BODY_A}"\nB,x,extra\nC,\nD,"{BODY_B}"\n')
    df = load(tmp_path)
    assert df["title"].tolist() == ["A", "D"]
    files = load_report(df).files.set_index("path")
    assert files.loc["t.csv:row 2", "reason"] == "malformed CSV row"
    assert files.loc["t.csv:row 3", "reason"] == "no text"
    assert files.loc["t.csv:row 4", "status"] == "loaded"


def test_jsonl_and_json_variants(tmp_path):
    write(
        tmp_path / "a.jsonl",
        json.dumps({"headline": "Pier", "content": BODY_A, "published_at": "2024-03-05"})
        + "\n{not json}\n\n"
        + json.dumps(["a list"])
        + "\n"
        + json.dumps({"headline": "Empty", "content": ""})
        + "\n",
    )
    write(
        tmp_path / "b.json",
        json.dumps(
            {
                "status": "ok",
                "articles": [
                    {
                        "title": "Bakery",
                        "body": ["Para one.", "Para two."],
                        "source": {"name": "G"},
                    },
                ],
            }
        ),
    )
    write(tmp_path / "c.json", json.dumps([{"title": "Tram", "text": BODY_C, "url": "u"}]))
    write(tmp_path / "d.json", "{broken")
    df = load(tmp_path)
    assert df["title"].tolist() == ["Pier", "Bakery", "Tram"]
    assert df.loc[1, "text"] == "Para one.\n\nPara two."
    assert df.loc[1, "source"] == "G"
    assert df.loc[0, "published"] == pd.Timestamp("2024-03-05", tz="UTC")
    rep = load_report(df).files.set_index("path")
    assert rep.loc["a.jsonl:row 2", "reason"] == "malformed JSON line"
    assert rep.loc["a.jsonl:row 3", "reason"] == "malformed JSON line"
    assert rep.loc["a.jsonl:row 4", "reason"] == "no text"
    assert rep.loc["d.json", "reason"] == "malformed JSON"


def test_parquet(tmp_path):
    f = tmp_path / "t.parquet"
    pd.DataFrame(
        {
            "title": ["Pier", "Bakery"],
            "article": [BODY_A, BODY_B],
            "date": pd.to_datetime(["2024-03-05 10:00", "2024-03-06 00:00"]).tz_localize(
                "Europe/Paris"
            ),
        }
    ).to_parquet(f)
    df = load(f)
    assert df["text"].tolist() == [BODY_A, BODY_B]
    assert df["published"].iloc[0] == pd.Timestamp("2024-03-05 09:00", tz="UTC")


HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Pier to be rebuilt | The Harbour Gazette</title>
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
<link rel="canonical" href="https://gazette.example/pier-rebuilt">
</head><body><nav><a href="/">Home</a> | <a href="/local">Local</a></nav>
<article><h1>Pier to be rebuilt</h1>
<p>The harbour council voted on Tuesday to rebuild the old north pier before the summer season.</p>
<p>Fishing crews said the decision came years too late, but welcomed the new timetable.</p>
</article><footer>Contact us</footer></body></html>"""


def test_html_page(tmp_path):
    write(tmp_path / "page.html", HTML)
    df = load(tmp_path)
    row = df.iloc[0]
    assert row["title"] == "Pier to be rebuilt"
    assert "rebuild the old north pier" in row["text"]
    assert "Fishing crews" in row["text"]
    assert "Home" not in row["text"]
    assert row["url"] == "https://gazette.example/pier-rebuilt"
    assert row["source"] == "The Harbour Gazette"
    assert row["published"] == pd.Timestamp("2024-03-05 09:00", tz="UTC")


def test_mixed_folder_sorted_order(tmp_path):
    write(tmp_path / "b.txt", "B\n\n" + BODY_B)
    write(tmp_path / "a.csv", f'title,text\nA1,"{BODY_A}"\nA2,"{BODY_C}"\n')
    write(tmp_path / "c" / "page.htm", HTML)
    df = load(tmp_path)
    assert df["path"].tolist() == ["a.csv:row 1", "a.csv:row 2", "b.txt", "c/page.htm"]


def test_dataframe_input_is_not_mutated():
    frame = pd.DataFrame(
        {"headline": ["Pier", "Bakery"], "body": [BODY_A, None], "date": ["5 March 2024", "x"]}
    )
    before = frame.copy(deep=True)
    df = load(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert df["title"].tolist() == ["Pier"]
    rep = load_report(df).files
    assert rep["path"].tolist() == ["<DataFrame>:row 1", "<DataFrame>:row 2"]
    assert rep["reason"].tolist()[1] == "no text"


def test_input_file_not_modified(txt_corpus):
    f = txt_corpus / "local" / "001.txt"
    before = f.read_bytes()
    mtime = f.stat().st_mtime_ns
    load(txt_corpus)
    assert f.read_bytes() == before and f.stat().st_mtime_ns == mtime


# ----------------------------------------------------------------------------- sidecar


def test_sidecar_csv_adds_metadata_and_is_not_a_document(txt_corpus):
    write(
        txt_corpus / "metadata.csv",
        "file,published,source,url,title\n"
        "local/001.txt,2024-03-05,Gazette,https://ex.org/1,Sidecar title\n"
        "002.txt,5 March 2024,Gazette,,\n"
        "gone.txt,2024-01-01,X,,\n",
    )
    df = load(txt_corpus)
    assert len(df) == 3
    assert df["source"].tolist() == ["Gazette", "Gazette", pd.NA]
    assert df.loc[0, "title"] == "Sidecar title"
    assert df.loc[0, "url"] == "https://ex.org/1"
    assert df["published"].notna().tolist() == [True, True, False]
    assert df["category"].tolist() == ["local", "local", "transport"]
    rep = load_report(df).files.set_index("path")
    assert rep.loc["metadata.csv", "status"] == "skipped"
    assert rep.loc["metadata.csv", "reason"] == "sidecar"
    assert "1 unmatched" in rep.loc["metadata.csv", "detail"]


def test_sidecar_json_explicit_and_disabled(txt_corpus, tmp_path):
    side = write(
        tmp_path / "meta" / "info.json",
        json.dumps({"transport/001.txt": {"pubDate": "Tue, 05 Mar 2024 10:00:00 GMT"}}),
    )
    df = load(txt_corpus, sidecar=side)
    assert df["published"].notna().tolist() == [False, False, True]
    write(txt_corpus / "_metadata.csv", "file,source\nlocal/001.txt,Gazette\n")
    df = load(txt_corpus, sidecar=False)
    assert df["source"].isna().all()
    assert "_metadata.csv" in set(load_report(df).files["path"])
    with pytest.raises(CorpusError, match="sidecar="):
        load(txt_corpus, sidecar=tmp_path / "missing.csv")


# ----------------------------------------------------------------------------- dates


def test_unparseable_dates_are_nat_and_reported(tmp_path):
    f = tmp_path / "t.csv"
    pd.DataFrame(
        {
            "title": list("ABCD"),
            "text": [BODY_A, BODY_B, BODY_C, BODY_A + " More."],
            "date": ["March 5, 2024", "05/03/2024", "", "next Tuesday"],
        }
    ).to_csv(f, index=False)
    df = load(f)
    assert df["published"].notna().tolist() == [True, False, False, False]
    rep = load_report(df)
    assert rep.counts["unparseable_dates"] == 2
    assert rep.unparseable_dates["unparsed_date"].tolist() == ["05/03/2024", "next Tuesday"]
    assert "2 unparseable dates" in rep.summary()


# ----------------------------------------------------------------------------- skips/errors


def test_every_skip_reason_is_reported(tmp_path):
    write(tmp_path / "good.txt", "Good\n\n" + BODY_A)
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "blank.txt", "  \n\n")
    write(tmp_path / "bin.txt", b"GIF89a\x00\x01\x02\x00\x00")
    write(tmp_path / "title_only.txt", "Just a headline\n")
    write(tmp_path / "image.png", b"\x89PNG")
    write(tmp_path / ".hidden.txt", "Hidden\n\n" + BODY_B)
    write(tmp_path / ".git" / "config.txt", "x\n\ny")
    write(tmp_path / "README.txt", "About this corpus\n\nNot an article.")
    write(tmp_path / "drafts" / "d.txt", "Draft\n\n" + BODY_C)
    df = load(tmp_path, exclude=["drafts"])
    assert df["path"].tolist() == ["good.txt"]
    reasons = load_report(df).files.set_index("path")["reason"].fillna("").to_dict()
    assert reasons == {
        ".git/": "hidden folder",
        ".hidden.txt": "hidden file",
        "README.txt": "documentation file",
        "bin.txt": "binary",
        "blank.txt": "empty",
        "drafts/": "excluded",
        "empty.txt": "empty",
        "good.txt": "",
        "image.png": "unsupported extension",
        "title_only.txt": "no text",
    }


def test_forced_encoding_failure_is_a_skip(tmp_path):
    write(tmp_path / "latin.txt", "Café\n\nCrème brûlée for £3.", encoding="latin-1")
    write(tmp_path / "ok.txt", "Fine\n\n" + BODY_A)
    df = load(tmp_path, encoding="utf-8")
    rep = load_report(df).files.set_index("path")
    assert rep.loc["latin.txt", "reason"] == "decode failure"


def test_errors_name_the_path(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load(tmp_path / "nope")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="no loadable documents"):
        load(empty)
    doc = write(tmp_path / "notes.docx", b"PK")
    with pytest.raises(CorpusError, match=r"unsupported extension.*\.txt"):
        load(doc)
    for bad in ({"shingle_size": 0}, {"near_threshold": 1.5}, {"repeated_min_share": 2}):
        with pytest.raises(CorpusError, match=next(iter(bad))):
            load(tmp_path, **bad)
    write(empty / "only.md", "# not loadable")
    with pytest.raises(CorpusError, match="unsupported extension"):
        load(empty)


# ----------------------------------------------------------------------------- report


def test_report_accounts_for_everything_and_summary(tmp_path):
    write(tmp_path / "a.txt", "A\n\n" + BODY_A)
    write(tmp_path / "b.txt", "A\n\n" + BODY_A.upper())
    write(tmp_path / "c.txt", "")
    write(tmp_path / "t.csv", f'title,text\nX,"{BODY_B}"\nY,\n')
    df = load(tmp_path)
    rep = load_report(df)
    assert isinstance(rep, LoadReport) and df.attrs["load_report"] is rep
    assert rep.counts["files"] == 4 and rep.counts["rows"] == 2
    assert rep.files["status"].value_counts().to_dict() == {
        "loaded": 2,
        "duplicate": 1,
        "skipped": 2,
    }
    assert rep.summary() == (
        "4 files, 2 rows: 2 loaded, 1 duplicates (1 exact, 0 near), 2 skipped "
        "(1 empty, 1 no text); 0 unparseable dates; 0 boilerplate lines removed from 0 documents"
    )
    loaded_ids = set(rep.files.loc[rep.files["status"] != "skipped", "doc_id"])
    assert loaded_ids == set(df["doc_id"])
    assert len(rep.fingerprint) == 16


def test_summary_printed_unless_quiet(txt_corpus, capsys):
    load_corpus(txt_corpus, progress=False)
    assert "3 files: 3 loaded" in capsys.readouterr().out
    load_corpus(txt_corpus, progress=False, quiet=True)
    assert capsys.readouterr().out == ""


def test_report_survives_pandas_operations(txt_corpus):
    df = load(txt_corpus)
    sub = df[df["category"] == "local"].copy()
    assert load_report(sub) is load_report(df)
    with pytest.raises(AnalysisInputError, match="load report"):
        load_report(pd.DataFrame({"text": ["x"]}))


# ----------------------------------------------------------------------------- cleaning


def test_boilerplate_footer_and_repeated_lines(tmp_path):
    promo = "Get the Gazette app for the latest local headlines."
    bodies = [BODY_A, BODY_B, BODY_C, "Library hours will change in May.\n\nVolunteers welcome."]
    for i, body in enumerate(bodies):
        write(
            tmp_path / "gazette" / f"{i}.txt",
            f"Story {i}\n\n{body}\n\n{promo}\n\nShare this article\n\nFollow us on Twitter",
        )
    df = load(tmp_path, folders="source")
    assert df["boilerplate_lines"].tolist() == [3, 3, 3, 3]
    assert df.loc[0, "text"] == BODY_A
    off = load(tmp_path, folders="source", boilerplate=False)
    assert off["boilerplate_lines"].sum() == 0
    assert promo in off.loc[0, "text"]
    strict = load(tmp_path, folders="source", repeated_min_docs=5)
    assert strict["boilerplate_lines"].tolist() == [2, 2, 2, 2]
    assert promo in strict.loc[0, "text"]


def test_html_entities_decoded_in_txt(tmp_path):
    write(tmp_path / "a.txt", "Caf&#233; owner\n\nShe paid &#163;5 &amp; smiled at AT&T staff.")
    df = load(tmp_path)
    assert df.loc[0, "title"] == "Café owner"
    assert df.loc[0, "text"] == "She paid £5 & smiled at AT&T staff."
    raw = load(tmp_path, unescape_entities=False)
    assert raw.loc[0, "title"] == "Caf&#233; owner"


def _words(seed, n=120):
    import random

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)]
    return " ".join(rng.choice(vocab) for _ in range(n))


def test_exact_and_near_duplicates_and_drop(tmp_path):
    base = _words(1)
    near = base.replace(base.split()[60], "changed", 1)
    write(tmp_path / "a.txt", "Story\n\n" + base)
    write(tmp_path / "b.txt", "Story\n\n" + near)
    write(tmp_path / "c.txt", "STORY\n\n  " + base.upper())
    write(tmp_path / "d.txt", "Other\n\n" + _words(2))
    write(
        tmp_path / "metadata.csv",
        "file,published\nb.txt,2024-01-01\na.txt,2024-02-01\n",
    )
    df = load(tmp_path)
    ids = dict(zip(df["path"], df["doc_id"], strict=True))
    # b is the earliest published -> kept; a is its near copy; c an exact copy of a -> points to b.
    assert df.set_index("path")["duplicate_kind"].fillna("").to_dict() == {
        "a.txt": "near",
        "b.txt": "",
        "c.txt": "near",
        "d.txt": "",
    }
    assert df.set_index("path")["duplicate_of"]["a.txt"] == ids["b.txt"]
    no_near = load(tmp_path, near_duplicates=False)
    assert no_near.set_index("path")["duplicate_kind"]["c.txt"] == "exact"
    assert no_near.set_index("path")["duplicate_of"]["c.txt"] == ids["a.txt"]
    dropped = load(tmp_path, drop_duplicates=True)
    assert dropped["path"].tolist() == ["b.txt", "d.txt"]
    rep = load_report(dropped).files.set_index("path")
    assert rep.loc["a.txt", "status"] == "duplicate" and rep.loc["c.txt", "status"] == "duplicate"
    assert load_report(dropped).fingerprint != load_report(df).fingerprint


# ----------------------------------------------------------------------------- real corpora


@pytest.fixture(scope="module")
def bbc(bbc_dir):
    return load_corpus(bbc_dir, quiet=True, progress=False)


def _bbc_files(bbc_dir):
    return sorted(p for p in bbc_dir.glob("*/*.txt"))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def test_bbc_every_file_accounted(bbc, bbc_dir):
    import os

    rep = load_report(bbc).files
    on_disk = sorted(
        os.path.relpath(os.path.join(d, f), bbc_dir).replace(os.sep, "/")
        for d, _, fs in os.walk(bbc_dir)
        for f in fs
    )
    assert rep["path"].tolist() == on_disk
    articles = rep[rep["path"].str.match(r"^[a-z]+/\d{3}\.txt$")]
    assert len(articles) == len(_bbc_files(bbc_dir)) == 2225
    assert set(articles["status"]) <= {"loaded", "duplicate"}
    assert len(bbc) == 2225
    assert bbc["doc_id"].is_unique
    assert sorted(bbc["category"].unique()) == sorted(
        p.name for p in bbc_dir.iterdir() if p.is_dir()
    )
    assert set(rep.loc[rep["status"] == "skipped", "path"]) == {
        "README.TXT",
        "PROVENANCE.md",
        "SHA256SUMS",
    }


def test_bbc_titles_text_and_pound_sign(bbc, bbc_dir):
    import html

    by_path = bbc.set_index("path")
    for p in _bbc_files(bbc_dir):
        rel = p.relative_to(bbc_dir).as_posix()
        lines = html.unescape(_decode(p.read_bytes())).split("\n")
        assert by_path.at[rel, "title"] == lines[0].strip(), rel
    text = by_path.at["sport/199.txt", "text"]
    assert "£15.8m" in text and "\ufffd" not in text and "Â£" not in "".join(bbc["text"])
    enc = load_report(bbc).files.set_index("path")["encoding"]
    assert enc["sport/199.txt"] == "cp1252"
    assert (enc.drop("sport/199.txt").dropna() == "utf_8").all()
    assert not bbc["text"].str.contains("&#").any()


def test_bbc_exact_duplicates_match_independent_hash(bbc_dir):
    import hashlib
    import html

    groups: dict[str, list[str]] = {}
    for p in _bbc_files(bbc_dir):
        norm = " ".join(html.unescape(_decode(p.read_bytes())).casefold().split())
        groups.setdefault(hashlib.sha256(norm.encode()).hexdigest(), []).append(
            p.relative_to(bbc_dir).as_posix()
        )
    expected = {path for paths in groups.values() for path in paths[1:]}
    assert len(expected) > 24  # "dozens"
    df = load_corpus(bbc_dir, quiet=True, progress=False, near_duplicates=False)
    assert set(df.loc[df["duplicate_kind"] == "exact", "path"]) == expected
    originals = df.set_index("doc_id")["path"]
    for path, orig in df.loc[df["is_duplicate"], ["path", "duplicate_of"]].itertuples(index=False):
        group = next(g for g in groups.values() if path in g)
        assert originals[orig] == group[0]  # no dates: first in sorted path order is kept


def test_bbc_near_duplicates_and_boilerplate(bbc):
    rep = load_report(bbc)
    c = rep.counts
    assert c["exact"] + c["near"] == c["duplicates"] == int(bbc["is_duplicate"].sum())
    assert c["near"] > 0
    near = rep.files[rep.files["duplicate_kind"] == "near"]
    assert (near["similarity"] >= 0.8).all()
    # Boilerplate removal must (almost) never touch real news text.
    assert bbc["boilerplate_lines"].sum() <= 5


def test_rss_csv(rss_csv):
    import csv
    import email.utils

    df = load_corpus(rss_csv, quiet=True, progress=False)
    rep = load_report(df)
    files = rep.files
    assert len(files) == 6168
    assert files["row"].tolist() == list(range(1, 6169))
    assert set(files["status"]) <= {"loaded", "duplicate"}
    assert len(df) == 6168 and df["doc_id"].is_unique
    with open(rss_csv, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    expected = [pd.Timestamp(email.utils.parsedate_to_datetime(r["pubDate"])) for r in rows]
    assert df["published"].notna().all()
    assert df["published"].tolist() == [e.tz_convert("UTC") for e in expected]
    assert df["url"].tolist() == [r["guid"] for r in rows]
    assert df["title"].tolist() == [r["title"].strip() for r in rows]
    assert rep.counts["unparseable_dates"] == 0
    # Kept originals are never later than their duplicates.
    when = df.set_index("doc_id")["published"]
    dups = df[df["is_duplicate"]]
    assert (when[dups["duplicate_of"]].to_numpy() <= dups["published"].to_numpy()).all()


def test_sample_corpus(sample_dir):
    if not (sample_dir / "metadata.csv").is_file():
        pytest.skip("sample corpus not written yet")
    df = load_corpus(sample_dir, quiet=True, progress=False)
    rep = load_report(df)
    on_disk = sorted(
        p.relative_to(sample_dir).as_posix() for p in sample_dir.rglob("*") if p.is_file()
    )
    assert sorted(rep.files["path"]) == on_disk
    assert rep.files.set_index("path").loc["metadata.csv", "reason"] == "sidecar"
    meta = pd.read_csv(sample_dir / "metadata.csv").set_index("file")
    for path, src in df[["path", "source"]].itertuples(index=False):
        if path in meta.index and pd.notna(meta.loc[path, "source"]):
            assert src == meta.loc[path, "source"]
    from analysis.corpus._boilerplate import is_footer_line

    assert not any(is_footer_line(line) for t in df["text"] for line in t.split("\n"))
    assert df["doc_id"].is_unique


def test_nested_sidecar_is_more_specific(txt_corpus):
    write(txt_corpus / "metadata.csv", "file,source\nlocal/001.txt,Root\ntransport/001.txt,Root\n")
    write(
        txt_corpus / "local" / "metadata.json", json.dumps([{"file": "001.txt", "source": "Local"}])
    )
    df = load(txt_corpus)
    assert df["source"].tolist() == ["Local", pd.NA, "Root"]
    rep = load_report(df).files.set_index("path")
    assert rep.loc["local/metadata.json", "reason"] == "sidecar"


def test_json_explicit_column_missing_in_some_records(tmp_path):
    recs = [{"hed": "A", "copy": BODY_A}, {"hed": "B"}, {"copy": BODY_B, "extra": 1}]
    write(tmp_path / "a.jsonl", "\n".join(json.dumps(r) for r in recs))
    df = load(tmp_path, columns={"text": "copy", "title": "hed"})
    assert df["title"].tolist() == ["A", ""]
    assert load_report(df).files["reason"].fillna("").tolist() == ["", "no text", ""]
    write(tmp_path / "b.json", json.dumps([{"code": 1}]))
    with pytest.raises(CorpusError, match=r"b\.json has no text column"):
        load(tmp_path / "b.json")


def test_corpus_can_be_saved_with_its_report_header(txt_corpus, tmp_path):
    import pickle

    df = load(txt_corpus)
    rep = load_report(df)
    df.to_parquet(tmp_path / "c.parquet")
    header = pd.read_parquet(tmp_path / "c.parquet").attrs["load_report"]
    assert header["fingerprint"] == rep.fingerprint and header["summary"] == rep.summary()
    again = load_report(pickle.loads(pickle.dumps(df)))
    assert again.fingerprint == rep.fingerprint
    pd.testing.assert_frame_equal(again.files, rep.files)
