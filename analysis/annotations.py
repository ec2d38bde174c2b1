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
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

    def for_documents(self, doc_ids: Any) -> Annotations:
        """The annotations of the given ``doc_id`` values only (a new object)."""
        keep = set(doc_ids)
        return Annotations(
            sentences=self.sentences[self.sentences["doc_id"].isin(keep)].reset_index(drop=True),
            entities=self.entities[self.entities["doc_id"].isin(keep)].reset_index(drop=True),
            model=self.model,
            lexicon=self.lexicon,
            stats=dict(self.stats),
        )
