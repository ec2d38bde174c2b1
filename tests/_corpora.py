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


def reference_annotations(corpus: pd.DataFrame, nlp):
    """Annotations built straight from spaCy and vaderSentiment, without analysis.annotate.

    Sentences are ``nlp``'s sentences, each scored with ``polarity_scores``; entities are
    ``doc.ents`` with the sentence holding their start; names via normalize_entities.
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis._validate import document_text
    from analysis.annotations import Annotations
    from analysis.normalize import normalize_entities

    vader = SentimentIntensityAnalyzer()
    sents, ents = [], []
    for doc_id, doc in zip(corpus["doc_id"], nlp.pipe(document_text(corpus)), strict=True):
        spans = list(doc.sents)
        for sent_id, span in enumerate(spans):
            sents.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "start": span.start_char,
                    "end": span.end_char,
                    "text": span.text,
                    **vader.polarity_scores(span.text),
                }
            )
        for ent in doc.ents:
            sent_id = next(
                i for i, s in enumerate(spans) if s.start_char <= ent.start_char < s.end_char
            )
            ents.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "start": ent.start_char,
                    "end": ent.end_char,
                    "text": ent.text,
                    "label": ent.label_,
                }
            )
    return Annotations(pd.DataFrame(sents), normalize_entities(pd.DataFrame(ents)))
