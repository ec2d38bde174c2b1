"""Private: annotate texts in this process: the unit of work of every annotation engine.

:func:`annotate_texts` runs spaCy's fast pipeline on each line of each text and scores each
sentence with VADER, twice: as written and with the names masked (``compound_masked``).
Worker processes (:mod:`analysis.nlp._pool`) and Dask tasks (:mod:`analysis.nlp._dask`)
call it on chunks of texts; it returns plain Arrow rows (``store.PART_SCHEMA``), so no
spaCy ``Doc`` crosses a process boundary or stays in memory.

Every line of a text (title, each paragraph, each list item) is annotated as a spaCy
``Doc`` of its own (:func:`_segments`), so a line break is a hard boundary: no entity or
sentence crosses it (spaCy on the whole text read "England\n\nLewis Moody" as one ORG
across a headline's end). A headline is its own sentence. Sentences and entities are
spaCy's spans with surrounding whitespace trimmed; ``text`` is exactly
``document_text[start:end]``; the scores are exactly
``SentimentIntensityAnalyzer().polarity_scores(text)`` and ``compound_masked`` is the
compound of the sentence with each name mention (:data:`MASK_LABELS`) replaced by
:data:`MASK_TOKEN`.
"""

from __future__ import annotations

import bisect
import functools
import importlib.metadata
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from analysis.nlp.models import load_model, pipeline_signature
from analysis.nlp.store import ENTITY_KIND, PART_SCHEMA, SENTENCE_KIND, TEXT_KIND, text_hash

if TYPE_CHECKING:
    import spacy

__all__ = ["MASK_LABELS", "MASK_TOKEN", "annotate_texts", "lexicon_description", "store_meta"]

DEFAULT_BATCH_SIZE = 32


@functools.lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon_description() -> str:
    """The sentiment lexicon used, e.g. ``"vaderSentiment 3.3.2"``."""
    return f"vaderSentiment {_version('vaderSentiment')}"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


#: Entity labels that are names. A sentence is scored a second time with each such
#: mention replaced by :data:`MASK_TOKEN`, so words inside names ("Supreme People's
#: Assembly", "Liberal Democrats") do not colour the sentence (``compound_masked``).
#: A one-word "name" that is itself a VADER lexicon word is kept: in informal text
#: those are mostly tagging errors ("LOL" ORG, "Yay" PERSON, "Congrats" NORP), and
#: masking them cost r = 0.871 -> 0.852 on VADER's rated tweets (0.870 when kept).
MASK_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
)
#: What a masked name is replaced with: one lower-case word that is not in VADER's
#: lexicon, its negations or boosters (lower case, so it cannot trigger the ALL-CAPS rule).
MASK_TOKEN = "someone"
#: What ends a segment: NER and sentences never cross a line break.
_LINE = re.compile(r"[^\n\r\u2028\u2029]+")


def _segments(text: str) -> list[tuple[int, str]]:
    """``(offset, line)`` of each line of ``text`` holding more than whitespace.

    Each line is annotated as a spaCy ``Doc`` of its own, so a headline's last word and
    the body's first (or two list items) can never form one entity, and no entity or
    sentence contains a line break.
    """
    return [(m.start(), m.group()) for m in _LINE.finditer(text) if not m.group().isspace()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed so that ``text[start:end]`` has no outer whitespace."""
    seg = text[start:end]
    stripped = seg.lstrip()
    start += len(seg) - len(stripped)
    return start, start + len(stripped.rstrip())


def _maskable(span: str, label: str) -> bool:
    """Is this entity mention a name to mask (see :data:`MASK_LABELS`)?"""
    if label not in MASK_LABELS:
        return False
    return any(c.isspace() for c in span) or span.lower() not in _analyzer().lexicon


def _masked(sentence: str, offset: int, spans: list[tuple[int, int, str]]) -> str | None:
    """``sentence`` with the name mentions among ``spans`` replaced; None if it has none."""
    parts, pos = [], offset
    end = offset + len(sentence)
    for s, e, label in spans:
        if offset <= s and e <= end and _maskable(sentence[s - offset : e - offset], label):
            parts.append(sentence[pos - offset : s - offset])
            parts.append(MASK_TOKEN)
            pos = e
    if not parts:
        return None
    parts.append(sentence[pos - offset :])
    return "".join(parts)


def _doc_rows(
    text: str, pieces: list[tuple[int, Any]], key: str, cols: dict[str, list], polarity: Callable
) -> None:
    """Append the rows of one text (text, sentences, entities) to ``cols``.

    ``pieces`` are the spaCy Docs of the text's lines with their offsets in ``text``.
    """
    c_hash, c_kind, c_sent, c_start, c_end = (
        cols["hash"],
        cols["kind"],
        cols["sent_id"],
        cols["start"],
        cols["end"],
    )
    c_text, c_label = cols["text"], cols["label"]
    c_neg, c_neu, c_pos, c_comp = cols["neg"], cols["neu"], cols["pos"], cols["compound"]
    c_masked = cols["compound_masked"]

    def row(kind, sent_id, start, end, span, label, scores, masked=None):
        c_hash.append(key)
        c_kind.append(kind)
        c_sent.append(sent_id)
        c_start.append(start)
        c_end.append(end)
        c_text.append(span)
        c_label.append(label)
        c_neg.append(scores and scores["neg"])
        c_neu.append(scores and scores["neu"])
        c_pos.append(scores and scores["pos"])
        c_comp.append(scores and scores["compound"])
        c_masked.append(masked)

    row(TEXT_KIND, None, 0, len(text), None, None, None)
    starts: list[int] = []
    ents: list[tuple[int, int, str]] = []
    for offset, doc in pieces:
        line_ents = []
        for ent in doc.ents:
            s, e = _trimmed(text, offset + ent.start_char, offset + ent.end_char)
            if s < e:
                line_ents.append((s, e, ent.label_))
        ents.extend(line_ents)
        for sent in doc.sents:
            s, e = _trimmed(text, offset + sent.start_char, offset + sent.end_char)
            if s == e:
                continue
            sentence = text[s:e]
            scores = polarity(sentence)
            masked_text = _masked(sentence, s, line_ents)
            masked = scores if masked_text is None else polarity(masked_text)
            row(SENTENCE_KIND, len(starts), s, e, sentence, None, scores, masked["compound"])
            starts.append(s)
    for s, e, label in ents:
        sent_id = max(bisect.bisect_right(starts, s) - 1, 0)
        row(ENTITY_KIND, sent_id, s, e, text[s:e], label, None)


def annotate_texts(
    texts: Sequence[str],
    *,
    keys: Sequence[str] | None = None,
    nlp: spacy.Language | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> pa.Table:
    """Annotate texts in this process and return the raw rows (``store.PART_SCHEMA``).

    This is the unit of work of every engine: worker processes and Dask tasks call it
    on a chunk of texts. ``keys`` default to :func:`analysis.nlp.store.text_hash` of each text.
    Each line of a text is one spaCy ``Doc`` (see :func:`_segments`); ``batch_size``
    counts texts, so a batch holds the lines of about that many texts.

    Example:
        >>> annotate_texts(["Tony Blair met Gordon Brown."]).num_rows  # doctest: +SKIP
        4
    """
    if nlp is None:
        nlp = load_model(fast=True)
    if keys is None:
        keys = [text_hash(t) for t in texts]
    polarity = _analyzer().polarity_scores
    cols: dict[str, list] = {name: [] for name in PART_SCHEMA.names}
    segments = [_segments(t) for t in texts]
    n_lines = sum(map(len, segments))
    line_batch = max(batch_size, batch_size * n_lines // max(len(texts), 1))
    docs = nlp.pipe((line for seg in segments for _, line in seg), batch_size=line_batch)
    for key, text, seg in zip(keys, texts, segments, strict=True):
        pieces = [(offset, next(docs)) for offset, _ in seg]
        _doc_rows(text, pieces, key, cols, polarity)
    return pa.Table.from_pydict(cols, schema=PART_SCHEMA)


def store_meta(model_desc: str, nlp: Any) -> dict[str, Any]:
    """What the cache's rows depend on: model, pipeline, versions, segments, masking."""
    if nlp is None:
        pipeline = pipeline_signature(fast=True)
    else:
        import hashlib

        config = nlp.config.to_str() if hasattr(nlp, "config") else repr(nlp.pipe_names)
        pipeline = "custom:" + "+".join(nlp.pipe_names)
        pipeline += ":" + hashlib.sha256(config.encode()).hexdigest()[:12]
    return {
        "model": model_desc,
        "pipeline": pipeline,
        "spacy": _version("spacy"),
        "vaderSentiment": _version("vaderSentiment"),
        "sentences": "sentencizer spans, whitespace-trimmed, paragraph breaks end sentences",
        "segments": "each line a Doc: line breaks end sentences and entities; spans trimmed",
        "masked": f"compound_masked: {'+'.join(sorted(MASK_LABELS))} -> {MASK_TOKEN!r}, "
        "except one-word names that are lexicon words",
    }
