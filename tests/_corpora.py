"""Read the real BBC corpus for tests without going through analysis.load_corpus.

Tests of the analyses read the files directly so that they do not depend on the loader
(whose own tests check it against the same files).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def _decode(raw: bytes) -> str:
    """UTF-8, else Latin-1 (the BBC corpus has one Latin-1 byte, in sport/199.txt)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def bbc_frame(bbc_dir: Path, n: int | None = None) -> pd.DataFrame:
    """BBC articles as doc_id, title, text, category: all, or ``n`` spread evenly.

    Title is the first line, text the rest, both stripped; doc_id is "category/NNN".
    """
    files = sorted(Path(bbc_dir).glob("*/*.txt"))
    if n is not None:
        files = files[:: max(1, len(files) // n)][:n]
    rows = []
    for path in files:
        title, _, body = _decode(path.read_bytes()).partition("\n")
        rows.append(
            {
                "doc_id": f"{path.parent.name}/{path.stem}",
                "title": title.strip(),
                "text": body.strip(),
                "category": path.parent.name,
            }
        )
    return pd.DataFrame(rows)


def bbc_texts(bbc_dir: Path, n: int | None = None) -> list[str]:
    """The analysed text of each article (title, blank line, body), as document_text gives."""
    df = bbc_frame(bbc_dir, n)
    return (df["title"] + "\n\n" + df["text"]).tolist()


def bbc_per_category(bbc_dir: Path, files: slice) -> pd.DataFrame:
    """The same slice of (sorted) files from each BBC category folder, as bbc_frame rows."""
    rows = []
    for folder in sorted(p for p in Path(bbc_dir).iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.txt"))[files]:
            title, _, body = _decode(path.read_bytes()).partition("\n")
            rows.append(
                {
                    "doc_id": f"{folder.name}/{path.stem}",
                    "title": title.strip(),
                    "text": body.strip(),
                    "category": folder.name,
                }
            )
    return pd.DataFrame(rows)


def reference_lines(text: str) -> list[tuple[int, str]]:
    """``(offset, line)`` of each non-blank line: the unit spaCy is run on (issue 8).

    Written apart from ``analysis.nlp._texts._segments`` so tests check one against the other.
    """
    out, pos = [], 0
    for line in text.replace("\r", "\n").split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def reference_spans(text: str, nlp) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """Sentence and entity character spans of ``text``: ``nlp`` run on each line alone,
    every span shifted to its line's offset and stripped of outer whitespace.

    Returns ``(sentences, entities)``: ``[(start, end)]`` and ``[(start, end, label)]``.
    """

    def strip(start: int, end: int) -> tuple[int, int]:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    sents, ents = [], []
    for offset, line in reference_lines(text):
        doc = nlp(line)
        for span in doc.sents:
            s, e = strip(offset + span.start_char, offset + span.end_char)
            if s < e:
                sents.append((s, e))
        for ent in doc.ents:
            s, e = strip(offset + ent.start_char, offset + ent.end_char)
            if s < e:
                ents.append((s, e, ent.label_))
    return sents, ents


def reference_annotations(corpus: pd.DataFrame, nlp):
    """Annotations built straight from spaCy and vaderSentiment, without analysis.annotate.

    ``nlp`` runs on each line of a document alone (:func:`reference_spans`); sentences
    are scored with ``polarity_scores``; entities get the sentence holding their start;
    names via normalize_entities.
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis._validate import document_text
    from analysis.nlp.annotations import Annotations
    from analysis.nlp.normalize import normalize_entities

    vader = SentimentIntensityAnalyzer()
    sents, ents = [], []
    for doc_id, text in zip(corpus["doc_id"], document_text(corpus), strict=True):
        spans, entities = reference_spans(text, nlp)
        for sent_id, (s, e) in enumerate(spans):
            sents.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "start": s,
                    "end": e,
                    "text": text[s:e],
                    **vader.polarity_scores(text[s:e]),
                }
            )
        for s, e, label in entities:
            sent_id = next(i for i, (a, b) in enumerate(spans) if a <= s < b)
            ents.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "start": s,
                    "end": e,
                    "text": text[s:e],
                    "label": label,
                }
            )
    return Annotations(pd.DataFrame(sents), normalize_entities(pd.DataFrame(ents)))
