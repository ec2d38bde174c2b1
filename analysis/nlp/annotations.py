"""The result type of :func:`analysis.annotate`: per-document annotations as tidy frames.

Every analysis that needs sentences, entities or sentence sentiment reads them from one
:class:`Annotations` object, so each document is annotated once and reused.

Frames and their columns (offsets are character offsets into
``analysis._validate.document_text(corpus)`` for that document — title, blank line, body):

``sentences`` — one row per sentence
    doc_id (str), sent_id (int, 0-based within the document), start (int), end (int),
    text (str), neg, neu, pos, compound (float; vaderSentiment ``polarity_scores`` of ``text``),
    compound_masked (float; the compound of ``text`` with entity names masked, see
    :mod:`analysis.annotate`)

``entities`` — one row per entity mention
    doc_id (str), sent_id (int, the sentence that contains the mention's start),
    start (int), end (int), text (str, the surface form as written; never contains a line
    break or outer whitespace), label (str, spaCy label),
    name (str, the normalised name: one real-world entity, one name)
    These are spaCy's mentions as given (the raw layer, checked against spaCy's own
    pipeline); only ``name`` is added.

``document_entities`` — the document-level entity layer (a property, computed on first
use from ``entities`` and ``sentences``; see :mod:`analysis.nlp.entity_layer`)
    the columns of ``entities`` plus origin (str: "spacy", "surname" or "repeat"); spans
    trimmed, one label per name within a document, surnames of people named in full and
    untagged repeats of multi-word names added. The entity reports read this layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

__all__ = ["ENTITY_COLUMNS", "SENTENCE_COLUMNS", "Annotations"]

SENTENCE_COLUMNS = [
    "doc_id",
    "sent_id",
    "start",
    "end",
    "text",
    "neg",
    "neu",
    "pos",
    "compound",
    "compound_masked",
]
ENTITY_COLUMNS = ["doc_id", "sent_id", "start", "end", "text", "label", "name"]


@dataclass(frozen=True)
class Annotations:
    """Sentences, entity mentions and sentence sentiment for a set of documents.

    Attributes:
        sentences: one row per sentence (see module docstring for columns).
        entities: one row per entity mention (see module docstring for columns).
        model: the spaCy model that produced them, e.g. ``"en_core_web_sm 3.8.0"``.
        lexicon: the sentiment lexicon, e.g. ``"vaderSentiment 3.3.2"``.
        stats: how the run went: ``n_docs``, ``n_cached``, ``n_annotated``, ``seconds``, ...
    """

    sentences: pd.DataFrame
    entities: pd.DataFrame
    model: str = ""
    lexicon: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    #: Set by :func:`analysis.nlp.annotator.annotate`: computes :attr:`document_entities`
    #: through the annotation cache's memo (:mod:`analysis.nlp._layer_cache`), given this
    #: object.
    _layer: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def document_entities(self) -> pd.DataFrame:
        """The document-level entity layer (:func:`analysis.nlp.entity_layer.document_entities`).

        Computed once per object from ``entities`` and ``sentences`` (by
        :func:`analysis.nlp.annotator.annotate`'s result through the annotation cache,
        where each text's layer is kept); ``entities`` (the raw layer) is not changed.

        Example:
            >>> ann.document_entities.query("origin == 'surname'")  # doctest: +SKIP
        """
        if self._layer is not None:
            return self._layer(self)
        from analysis.nlp.entity_layer import document_entities
        from analysis.nlp.normalize import normalize_entities

        entities = self.entities
        if "name" not in entities.columns:
            entities = normalize_entities(entities)
        return document_entities(entities, self.sentences)

    def for_documents(self, doc_ids: Any) -> Annotations:
        """The annotations of the given ``doc_id`` values only (a new object)."""
        keep = set(doc_ids)
        out = Annotations(
            sentences=self.sentences[self.sentences["doc_id"].isin(keep)].reset_index(drop=True),
            entities=self.entities[self.entities["doc_id"].isin(keep)].reset_index(drop=True),
            model=self.model,
            lexicon=self.lexicon,
            stats=dict(self.stats),
        )
        if "document_entities" in self.__dict__:  # already computed: a per-document layer
            layer = self.__dict__["document_entities"]
            out.__dict__["document_entities"] = layer[layer["doc_id"].isin(keep)].reset_index(
                drop=True
            )
        return out
