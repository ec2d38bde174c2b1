"""Private: entity mentions with their documents' metadata, shared by the entity analyses
(:mod:`analysis.analyses.entities`, :mod:`analysis.analyses.cooccurrence`) and the entity
sentiment of :mod:`analysis.analyses.sentiment`.

:func:`_annotations_for` checks the annotations given (or annotates the corpus) and picks
the entity layer; :func:`_mentions` joins the mentions with the documents' metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis._validate import require_choice, require_columns, require_nonempty
from analysis.errors import AnalysisInputError
from analysis.nlp.annotations import Annotations

DEFAULT_TYPES: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
_LAYERS = ("document", "raw")
_META = ("title", "source", "published")


def _check_corpus(corpus: Any, *, func: str) -> None:
    require_columns(corpus, ["doc_id", "title", "text"], func=func)
    require_nonempty(corpus, func=func)
    dup = corpus["doc_id"].duplicated()
    if dup.any():
        raise AnalysisInputError(
            f"{func}(): corpus has duplicate doc_id values, e.g. "
            f"{corpus.loc[dup, 'doc_id'].iloc[0]!r}; doc_id must be unique per row"
        )


def _annotations_for(
    corpus: pd.DataFrame,
    annotations: Any,
    *,
    func: str,
    progress: bool = True,
    layer: Literal["document", "raw"] = "raw",
) -> Annotations:
    """Validated annotations restricted to the corpus's documents (annotating if None).

    ``layer="document"`` puts the document-level entity layer
    (:attr:`Annotations.document_entities`) in ``entities``; "raw" keeps spaCy's mentions.
    """
    _check_corpus(corpus, func=func)
    require_choice(layer, _LAYERS, func=func, arg="layer")
    if annotations is None:
        from analysis.nlp.annotator import annotate  # lazy: spaCy is heavy

        annotations = annotate(corpus, progress=progress)
    sentences = getattr(annotations, "sentences", None)
    entities = getattr(annotations, "entities", None)
    if not isinstance(sentences, pd.DataFrame) or not isinstance(entities, pd.DataFrame):
        raise AnalysisInputError(
            f"{func}(): annotations={type(annotations).__name__} is not valid; expected an "
            "analysis.Annotations (from analysis.nlp.annotator) or None to annotate now"
        )
    require_columns(
        sentences,
        ["doc_id", "sent_id", "text", "compound"],
        func=func,
        arg="annotations.sentences",
    )
    require_columns(
        entities,
        ["doc_id", "sent_id", "start", "text", "label"],
        func=func,
        arg="annotations.entities",
    )
    if "name" not in entities.columns:
        from analysis.nlp.normalize import normalize_entities

        entities = normalize_entities(entities)
    ids = set(corpus["doc_id"].tolist())  # (lists: iterating Arrow strings is slow)
    known = set(sentences["doc_id"].tolist()) | set(entities["doc_id"].tolist())
    if known and not (known & ids):
        raise AnalysisInputError(
            f"{func}(): annotations cover none of the corpus's {len(ids)} doc_id values; "
            "were they made from another corpus? Call analysis.annotate(corpus)"
        )
    if layer == "document":
        entities = _document_layer(annotations, entities, sentences, ids, func=func)
    return Annotations(
        sentences=sentences[sentences["doc_id"].isin(ids)].reset_index(drop=True),
        entities=entities[entities["doc_id"].isin(ids)].reset_index(drop=True),
        model=getattr(annotations, "model", ""),
        lexicon=getattr(annotations, "lexicon", ""),
        stats=dict(getattr(annotations, "stats", {}) or {}),
    )


def _document_layer(
    annotations: Any, entities: pd.DataFrame, sentences: pd.DataFrame, ids: set, *, func: str
) -> pd.DataFrame:
    """The document-level entity layer of the corpus's documents (cached on Annotations)."""
    require_columns(
        sentences, ["start", "end"], func=func, arg="annotations.sentences (layer='document')"
    )
    if isinstance(annotations, Annotations) and "name" in annotations.entities.columns:
        return annotations.document_entities
    from analysis.nlp.entity_layer import document_entities

    keep = entities["doc_id"].isin(ids)
    return document_entities(entities[keep], sentences[sentences["doc_id"].isin(ids)])


def _check_types(types: Any, *, func: str) -> tuple[str, ...] | None:
    if types is None:
        return None
    if isinstance(types, str):
        types = (types,)
    try:
        out = tuple(types)
    except TypeError:
        out = ()
    if not out or not all(isinstance(t, str) for t in out):
        raise AnalysisInputError(
            f"{func}(): types={types!r} is not valid; expected spaCy labels such as "
            f"{DEFAULT_TYPES} or None for all labels"
        )
    return out


def _doc_meta(corpus: pd.DataFrame, extra: Iterable[str] = ()) -> pd.DataFrame:
    """doc_id, doc order and the metadata columns (NA when the corpus lacks them)."""
    meta = pd.DataFrame({"doc_id": corpus["doc_id"].to_numpy()})
    meta["_order"] = np.arange(len(corpus))
    for col in (*_META, *extra):
        if col in meta.columns:
            continue
        if col in corpus.columns:
            meta[col] = corpus[col].to_numpy()
        elif col == "published":
            meta[col] = pd.Series(pd.NaT, index=meta.index, dtype="datetime64[ns, UTC]")
        else:
            meta[col] = pd.NA
    return meta


def _mentions(
    corpus: pd.DataFrame, ann: Annotations, types: tuple[str, ...] | None, extra: Iterable[str] = ()
) -> pd.DataFrame:
    ents = ann.entities
    if types is not None:
        ents = ents[ents["label"].isin(types)]
    ents = ents[ents["name"].notna() & (ents["name"].astype(str).str.len() > 0)]
    cols = ["doc_id", "name", "label", "text", "sent_id", "start"]
    if "end" in ents.columns:
        cols.append("end")
    out = ents[cols].merge(_doc_meta(corpus, extra), on="doc_id", how="inner")
    if "end" not in out.columns:
        out["end"] = out["start"] + out["text"].astype(str).str.len()
    out = out.sort_values(["_order", "start"], kind="stable").reset_index(drop=True)
    return out


def _most_common_label(mentions: pd.DataFrame) -> pd.Series:
    """name -> its most frequent label (ties: alphabetical).

    Mentions that spell the name out ("Rohan Castell's" for "Rohan Castell") decide
    when there are any: a bare surname that spaCy labelled ORG must not make a person
    an organisation.
    """
    if mentions.empty:
        return pd.Series(dtype=object)
    names = mentions["name"].astype(str).tolist()
    texts = mentions["text"].astype(str).str.replace("\u2019", "'").tolist()
    spelled = [n in t for n, t in zip(names, texts, strict=True)]
    counts = (
        mentions.assign(_spelled=spelled)
        .groupby(["name", "label"])
        .agg(spelled=("_spelled", "sum"), n=("_spelled", "size"))
        .reset_index()
    )
    counts = counts.sort_values(
        ["name", "spelled", "n", "label"], ascending=[True, False, False, True]
    )
    return counts.drop_duplicates("name").set_index("name")["label"]
