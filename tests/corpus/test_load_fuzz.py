"""Property-based test of load_corpus on hostile folders (issue 9).

The one invariant: every input appears in the load report with a status, and a load never
raises because of one bad file. Each example is a folder with one good article and a few
generated files: odd (also non-UTF-8) file names, several encodings (UTF-16 without BOM
too), CSV/JSON/JSONL/Parquet shapes (duplicate or missing columns, junk rows, lone
surrogates, nested lists), dates good and bad, and metadata sidecars.

Seeded and bounded: ``derandomize=True`` (the same examples every run) and a fixed
``max_examples`` keep it to a few tens of seconds.
"""

from __future__ import annotations

import io
import json
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.corpus._walk import display_path
from analysis.corpus.load import load_corpus, load_report

GOOD = (
    "Harbour pier to be rebuilt\n\n"
    "The harbour council voted on Tuesday to rebuild the old north pier before summer.\n\n"
    "Fishing crews said the decision came years too late, but welcomed the timetable."
)
STATUSES = {"loaded", "duplicate", "skipped"}

words = st.sampled_from(
    ["pier", "ferry", "Café", "£3", "naïve", "—", "€", "“quoted”", "a,b", 'say "hi"', "x\ny"]
)
text_values = st.one_of(
    st.lists(words, min_size=0, max_size=8).map(" ".join),
    st.text(max_size=40),
    st.just(""),
)
dates = st.one_of(
    st.sampled_from(
        [
            "2024-03-05",
            "Tue, 05 Mar 2024 10:00:00 GMT",
            "5 March 2024",
            "2024-13-45",
            "yesterday",
            "0",
            "",
            "1969-12-31T23:59:59Z",
            "2024-02-30",
        ]
    ),
    st.datetimes().map(lambda d: d.isoformat()),
)
encodings = st.sampled_from(
    ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be"]
)
columns = st.lists(
    st.sampled_from(["title", "text", "body", "published", "date", "url", "source", "code"]),
    min_size=1,
    max_size=5,
)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def txt_file(draw):
    if draw(st.booleans()):
        return draw(st.binary(max_size=200))
    body = draw(st.lists(text_values, max_size=4))
    return _encode(draw(text_values) + "\n\n" + "\n\n".join(body), draw(encodings))


@st.composite
def csv_file(draw):
    names = draw(columns)
    delim = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(st.one_of(text_values, dates), max_size=6), max_size=5))
    buf = io.StringIO()
    buf.write(delim.join(names) + "\n")
    for row in rows:
        cells = ['"' + c.replace('"', '""') + '"' if draw(st.booleans()) else c for c in row]
        buf.write(delim.join(cells) + "\n")
    data = _encode(buf.getvalue(), draw(encodings))
    if draw(st.booleans()):  # a stray byte somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + bytes([draw(st.integers(0x80, 0xFF))]) + data[at:]
    return data


records = st.lists(
    st.dictionaries(
        st.sampled_from(["title", "text", "content", "published", "url", "tags", "source"]),
        st.one_of(text_values, dates, st.lists(text_values, max_size=2), st.none(), st.integers()),
        max_size=5,
    ),
    max_size=4,
)


@st.composite
def json_file(draw):
    shape = draw(st.sampled_from(["list", "wrapped", "two lists", "one", "scalar", "junk"]))
    recs = draw(records)
    obj = {
        "list": recs,
        "wrapped": {"articles": recs},
        "two lists": {"a": recs or [{}], "b": recs or [{}]},
        "one": recs[0] if recs else {},
        "scalar": 42,
    }.get(shape)
    text = draw(st.text(max_size=30)) if shape == "junk" else json.dumps(obj, ensure_ascii=False)
    if draw(st.booleans()):
        text = text.replace("pier", "\\ud800")  # a lone surrogate escape
    return _encode(text, draw(st.sampled_from(["utf-8", "utf-16", "cp1252"])))


@st.composite
def jsonl_file(draw):
    lines = [
        json.dumps(r, ensure_ascii=False) if draw(st.booleans()) else draw(st.text(max_size=20))
        for r in draw(records)
    ]
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    return sep.join(lines).replace("ferry", "fer\u2028ry").encode("utf-8", "replace")


@st.composite
def parquet_file(draw):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = draw(st.integers(0, 3))
    cols = {}
    for name in draw(columns):
        values = [draw(text_values) for _ in range(n)]
        if draw(st.booleans()):
            cols[name] = pa.array([v.encode("utf-8") for v in values], type=pa.binary())
        else:
            cols[name] = pa.array(values, type=pa.string())
    buf = io.BytesIO()
    pq.write_table(pa.table(cols), buf)
    data = buf.getvalue()
    if draw(st.booleans()) and len(data) > 12:  # damage some bytes in the middle
        at = draw(st.integers(4, len(data) - 8))
        data = data[:at] + b"\xff\x00\xff" + data[at + 3 :]
    return data


@st.composite
def sidecar_file(draw):
    delim = draw(st.sampled_from([",", ";"]))
    keys = draw(st.lists(st.sampled_from(["good.txt", "f0.txt", "f1.csv", "x"]), max_size=4))
    lines = [delim.join(["file", "published", "source"])]
    lines += [delim.join([k, draw(dates).replace(delim, " "), "Gazette"]) for k in keys]
    return "\n".join(lines).encode()


file_contents = st.one_of(
    st.tuples(st.just(".txt"), txt_file()),
    st.tuples(st.sampled_from([".csv", ".tsv"]), csv_file()),
    st.tuples(st.just(".json"), json_file()),
    st.tuples(st.sampled_from([".jsonl", ".ndjson"]), jsonl_file()),
    st.tuples(st.just(".parquet"), parquet_file()),
    st.tuples(st.sampled_from([".md", ".docx", ""]), st.binary(max_size=20)),
)
stems = st.one_of(
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
        min_size=1,
        max_size=10,
    ).map(lambda s: s.encode("utf-8")),
    st.binary(min_size=1, max_size=6).map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")),
)


@st.composite
def corpus_folder(draw):
    files = {}
    for i, (ext, data) in enumerate(draw(st.lists(file_contents, min_size=1, max_size=5))):
        name = b"f%d_" % i + draw(stems)[:40] + ext.encode()
        sub = draw(st.sampled_from([b"", b"sub/", b".hidden/"]))
        files[sub + name] = data
    if draw(st.booleans()):
        files[draw(st.sampled_from([b"metadata.csv", b"sub/meta.csv"]))] = draw(sidecar_file())
    return files


def _write(root: bytes, files: dict[bytes, bytes]) -> None:
    with open(os.path.join(root, b"good.txt"), "wb") as fh:
        fh.write(GOOD.encode())
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)


def _expected_paths(root: bytes) -> set[str]:
    """Every file on disk, as the report shows it (hidden folders are one entry)."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for d in list(dirnames):
            if d.startswith(b"."):
                out.add(
                    display_path(os.fsdecode(os.path.relpath(os.path.join(dirpath, d), root)))[0]
                    + "/"
                )
                dirnames.remove(d)
        for f in filenames:
            rel = os.fsdecode(os.path.relpath(os.path.join(dirpath, f), root))
            out.add(display_path(rel.replace(os.sep, "/"))[0])
    return out


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=corpus_folder())
def test_every_input_has_a_status_and_one_bad_file_never_raises(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = os.fsencode(tmp)
        _write(root, files)
        df = load_corpus(tmp, quiet=True, progress=False, near_duplicates=False)
        report = load_report(df).files
        assert report["status"].notna().all()
        assert set(report["status"]) <= STATUSES
        skipped = report[report["status"] == "skipped"]
        assert skipped["reason"].notna().all()
        assert set(report["file"]) == _expected_paths(root)
        assert "good.txt" in set(df["path"])
        # every loaded row is a report row, and the other way round
        kept = report[report["status"] != "skipped"]
        assert sorted(kept["doc_id"]) == sorted(df["doc_id"])
