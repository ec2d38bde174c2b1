"""Dask engine: annotations on a LocalCluster, corpus shards and term counts on Dask."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _corpora import bbc_frame

from analysis.analyses.terms_dask import term_frequencies_dask
from analysis.corpus.shards import read_corpus_dask
from analysis.errors import AnalysisInputError, CorpusError
from analysis.nlp.annotator import annotate

# dask's own Parquet reader still calls reset_index(inplace=True), deprecated in pandas 3.1.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")

# Fictional articles written for these tests.
_DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d", "e", "f"],
        "title": [
            "Ferry plan backed",
            "Profits slump at Orbis",
            "Millbrook win again",
            "Ferry fares rise",
            "Orbis cuts jobs",
            "Festival opens",
        ],
        "text": [
            "The council backed the ferry plan. The ferry will sail in spring.",
            "Orbis Motors said profits fell sharply. Orbis blamed weak sales.",
            "Millbrook United won their fifth match in a row on Saturday.",
            "Ferry fares will rise by 5% next year, the operator said.",
            "Orbis Motors will cut 300 jobs at its plant, the union said.",
            "The festival opened with a concert in the park on Friday.",
        ],
        "category": ["local", "business", "sport", "local", "business", None],
    }
)


def _write_shards(folder: Path, fmt: str) -> None:
    folder.mkdir()
    for i, part in enumerate([_DOCS.iloc[:2], _DOCS.iloc[2:5], _DOCS.iloc[5:]]):
        if fmt == "parquet":
            part.to_parquet(folder / f"shard-{i}.parquet", index=False)
        else:
            part.to_json(folder / f"shard-{i}.jsonl", orient="records", lines=True)


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_read_corpus_dask_reads_shards(tmp_path, fmt):
    _write_shards(tmp_path / "shards", fmt)
    ddf = read_corpus_dask(tmp_path / "shards")
    assert ddf.npartitions >= 3
    got = ddf.compute().sort_values("doc_id").reset_index(drop=True)
    assert got["doc_id"].tolist() == _DOCS["doc_id"].tolist()
    assert got["text"].tolist() == _DOCS["text"].tolist()


def test_read_corpus_dask_errors(tmp_path):
    with pytest.raises(CorpusError, match="matched no file"):
        read_corpus_dask(tmp_path / "nothing-*.parquet")
    (tmp_path / "x.parquet").write_bytes(b"")
    (tmp_path / "y.jsonl").write_text("{}\n")
    with pytest.raises(CorpusError, match="mix formats"):
        read_corpus_dask([tmp_path / "x.parquet", tmp_path / "y.jsonl"])
    _DOCS[["doc_id"]].to_parquet(tmp_path / "notext.parquet")
    with pytest.raises(CorpusError, match="text"):
        read_corpus_dask(tmp_path / "notext.parquet")


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"by": "category"}, {"top": 3, "min_count": 2}, {"ngram_range": (1, 2), "by": "category"}],
)
def test_term_frequencies_dask_equals_pandas(tmp_path, kwargs):
    from analysis.analyses.terms import term_frequencies

    _write_shards(tmp_path / "shards", "parquet")
    ddf = read_corpus_dask(tmp_path / "shards")
    got = term_frequencies_dask(ddf, scheduler="sync", **kwargs)
    want = term_frequencies(
        ddf.compute().reset_index(drop=True), progress=False, **kwargs
    ).reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    assert got["term"].tolist() == want["term"].tolist()
    assert got["count"].tolist() == want["count"].tolist()
    assert got["doc_count"].tolist() == want["doc_count"].tolist()
    assert got["share"].tolist() == pytest.approx(want["share"].tolist())
    if "by" in kwargs:
        assert got["category"].isna().tolist() == want["category"].isna().tolist()


def test_term_frequencies_dask_rejects_bad_options(tmp_path):
    _write_shards(tmp_path / "shards", "parquet")
    ddf = read_corpus_dask(tmp_path / "shards")
    with pytest.raises(AnalysisInputError, match="unknown option"):
        term_frequencies_dask(ddf, colour="red")
    with pytest.raises(AnalysisInputError, match="missing column"):
        term_frequencies_dask(ddf, by="section")


def test_dask_engine_rejects_bad_scheduler(tmp_path):
    with pytest.raises(AnalysisInputError, match="scheduler"):
        annotate(_DOCS, engine="dask", scheduler=3.5, cache_dir=tmp_path, progress=False)


def _bbc(bbc_dir: Path, n: int) -> pd.DataFrame:
    return bbc_frame(bbc_dir, n)[["doc_id", "title", "text"]]


@pytest.mark.slow
def test_dask_engine_equals_local_engine_on_bbc(bbc_dir, tmp_path):
    corpus = _bbc(bbc_dir, 200)
    local = annotate(corpus, cache_dir=tmp_path / "local", progress=False)
    dask = annotate(corpus, cache_dir=tmp_path / "dask", progress=False, engine="dask")
    assert dask.stats["engine"] == "dask"
    assert dask.stats["n_annotated"] == local.stats["n_annotated"] > 190
    pd.testing.assert_frame_equal(dask.sentences, local.sentences)
    pd.testing.assert_frame_equal(dask.entities, local.entities)
    # Its parts went to the same kind of store: a local run now reads them.
    again = annotate(corpus, cache_dir=tmp_path / "dask", progress=False)
    assert again.stats["n_annotated"] == 0
    pd.testing.assert_frame_equal(again.entities, local.entities)
