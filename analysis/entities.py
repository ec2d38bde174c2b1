"""Named entities: mentions, most-mentioned entities, co-occurrence and trends over time.

Every function reads entity mentions from an :class:`analysis.Annotations` object
(``annotations=``) or, when none is given, annotates the corpus with
:func:`analysis.annotate.annotate` (cached). Entities are counted by their normalised
``name`` (see :mod:`analysis.normalize`): "Putin", "Vladimir Putin" and "Putin's"
in one article count as one entity; the raw forms stay in ``text``/``surface_forms``.

By default they count the document-level entity layer
(:attr:`analysis.Annotations.document_entities`, see :mod:`analysis.entity_layer`): spans
trimmed, one label per name within an article, surnames and repeats spaCy left untagged
added. ``layer="raw"`` counts spaCy's mentions as given.

Graphs built from :func:`entity_cooccurrence` live in :mod:`analysis.network`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis._validate import (
    require_choice,
    require_columns,
    require_nonempty,
    require_positive_int,
)
from analysis.annotations import Annotations
from analysis.errors import AnalysisInputError, NoDatesError

__all__ = [
    "DEFAULT_TYPES",
    "entity_cooccurrence",
    "entity_mentions",
    "entity_trends",
    "top_entities",
]

DEFAULT_TYPES: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
_WINDOWS = ("sentence", "document")
_LAYERS = ("document", "raw")
_NATIONALITIES = ("separate", "country", "drop")
_FREQS = {"day": "D", "week": "W-SUN", "month": "M"}
_META = ("title", "source", "published")


# --------------------------------------------------------------------------- shared helpers
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
        from analysis.annotate import annotate  # lazy: spaCy is heavy

        annotations = annotate(corpus, progress=progress)
    sentences = getattr(annotations, "sentences", None)
    entities = getattr(annotations, "entities", None)
    if not isinstance(sentences, pd.DataFrame) or not isinstance(entities, pd.DataFrame):
        raise AnalysisInputError(
            f"{func}(): annotations={type(annotations).__name__} is not valid; expected an "
            "analysis.Annotations (from analysis.annotate) or None to annotate now"
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
        from analysis.normalize import normalize_entities

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
    from analysis.entity_layer import document_entities

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


def _period_start(published: pd.Series, freq: str) -> pd.Series:
    """The UTC start of each timestamp's day/week (Mon-Sun)/month, tz-aware UTC."""
    ts = pd.to_datetime(published, utc=True).dt.tz_localize(None)
    return ts.dt.to_period(_FREQS[freq]).dt.start_time.dt.tz_localize("UTC").dt.as_unit("ns")


def _period_range(periods: pd.Series, freq: str) -> pd.DatetimeIndex:
    naive = periods.dt.tz_localize(None)
    rng = pd.period_range(naive.min(), naive.max(), freq=_FREQS[freq])
    return rng.start_time.tz_localize("UTC").as_unit("ns")


# --------------------------------------------------------------------------- public API
def entity_mentions(
    corpus: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    types: Iterable[str] | None = DEFAULT_TYPES,
    progress: bool = True,
    layer: Literal["document", "raw"] = "document",
) -> pd.DataFrame:
    """One row per entity mention, joined with its document's metadata.

    Args:
        corpus: one row per document (doc_id, title, text; source/published if present).
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        types: spaCy labels to keep (default :data:`DEFAULT_TYPES`); None keeps all.
        progress: show a progress bar while annotating.
        layer: "document" (default) counts the document-level entity layer
            (:attr:`Annotations.document_entities`: trimmed spans, one label per name
            in a document, surnames and repeats spaCy left untagged); "raw" counts
            spaCy's mentions as given.

    Returns:
        Columns doc_id, name, label, text, sent_id, start, end, published, source,
        title; in corpus order, then by position in the document.

    Example:
        >>> mentions = entity_mentions(corpus, annotations=ann, types=["PERSON"])
    """
    func = "entity_mentions"
    types = _check_types(types, func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress, layer=layer)
    out = _mentions(corpus, ann, types)
    cols = ["doc_id", "name", "label", "text", "sent_id", "start", "end", *_META[::-1]]
    return out[cols]


def top_entities(
    corpus: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    types: Iterable[str] | None = DEFAULT_TYPES,
    top: int | None = 20,
    by: str | None = None,
    progress: bool = True,
    layer: Literal["document", "raw"] = "document",
) -> pd.DataFrame:
    """The most-mentioned entities (by normalised name), overall or per group.

    Args:
        corpus: one row per document.
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        types: spaCy labels to keep; None keeps all.
        top: how many entities to return (per group when ``by`` is set); None for all.
        by: a corpus column to group by (e.g. "source", "category"); None for overall.
        progress: show a progress bar while annotating.
        layer: "document" (default) counts the document-level entity layer
            (:attr:`Annotations.document_entities`: trimmed spans, one label per name
            in a document, surnames and repeats spaCy left untagged); "raw" counts
            spaCy's mentions as given.

    Returns:
        Columns [by,] name, label (its most common label), mentions (number of
        mentions), doc_count (documents mentioning it), surface_forms (the distinct
        raw forms, most common first, joined with "; "). Sorted by mentions, then
        doc_count (descending), then name.

    Example:
        >>> top_entities(corpus, annotations=ann, types=["GPE"], top=5)
    """
    func = "top_entities"
    types = _check_types(types, func=func)
    if top is not None:
        require_positive_int(top, func=func, arg="top")
    if by is not None:
        require_columns(corpus, [by], func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress, layer=layer)
    extra = (by,) if by is not None else ()
    m = _mentions(corpus, ann, types, extra)
    keys = [by, "name"] if by is not None else ["name"]
    cols = [*keys, "label", "mentions", "doc_count", "surface_forms"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m["text"] = m["text"].astype(str).str.split().str.join(" ")
    grouped = m.groupby(keys, dropna=False, sort=False)
    out = grouped.agg(mentions=("doc_id", "size"), doc_count=("doc_id", "nunique"))
    forms = (
        m.groupby([*keys, "text"], dropna=False, sort=False)
        .size()
        .reset_index(name="n")
        .sort_values([*keys, "n", "text"], ascending=[True] * len(keys) + [False, True])
    )
    out = out.join(_joined_per_group(forms, keys, "text").rename("surface_forms")).reset_index()
    out["label"] = out["name"].map(_most_common_label(m))
    sort = ([by] if by else []) + ["mentions", "doc_count", "name"]
    asc = ([True] if by else []) + [False, False, True]
    out = out.sort_values(sort, ascending=asc, kind="stable")
    if top is not None:
        out = out.groupby(by, dropna=False, sort=False).head(top) if by else out.head(top)
    return out[cols].reset_index(drop=True)


def _joined_per_group(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """``frame.groupby(keys, dropna=False, sort=False)[column].agg("; ".join)`` for a
    frame sorted by ``keys`` (each group's rows together), without a Python call per
    group through pandas (a second for the ~13,000 names of the BBC corpus)."""
    codes = frame.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    if len(codes) == 0:
        return frame.groupby(keys, dropna=False, sort=False)[column].agg("; ".join)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    if len(starts) != codes.max() + 1:  # a group in pieces: not sorted by keys
        return frame.groupby(keys, dropna=False, sort=False)[column].agg("; ".join)
    ends = np.r_[starts[1:], len(codes)]
    values = frame[column].tolist()
    joined = ["; ".join(values[i:j]) for i, j in zip(starts.tolist(), ends.tolist(), strict=True)]
    firsts = frame[keys].iloc[starts]
    if len(keys) == 1:
        index = pd.Index(firsts[keys[0]], name=keys[0])
    else:
        index = pd.MultiIndex.from_frame(firsts)
    return pd.Series(joined, index=index, name=column)


def entity_cooccurrence(
    corpus: pd.DataFrame,
    *,
    window: Literal["sentence", "document"] = "sentence",
    types: Iterable[str] | None = DEFAULT_TYPES,
    min_count: int = 2,
    examples: int = 3,
    annotations: Annotations | None = None,
    progress: bool = True,
    layer: Literal["document", "raw"] = "document",
    nationalities: Literal["separate", "country", "drop"] = "separate",
) -> pd.DataFrame:
    """Pairs of entities mentioned together in the same sentence or document.

    A *window* is one sentence (``window="sentence"``: every sentence of the corpus's
    annotations, with or without entities) or one document (``window="document"``:
    every row of the corpus). Let N be the number of windows, c(a) the number of
    windows mentioning entity a (by normalised name, however often) and c(a,b) the
    number mentioning both a and b. Then

    - p(a) = c(a) / N, p(a,b) = c(a,b) / N;
    - pmi = log2( p(a,b) / (p(a) p(b)) ) — how much more often than by chance;
    - npmi = pmi / -log2 p(a,b), in [-1, 1] (1: always together; defined as 1 when
      p(a,b) = 1);
    - jaccard = c(a,b) / (c(a) + c(b) - c(a,b)).

    Args:
        corpus: one row per document.
        window: "sentence" or "document".
        types: spaCy labels to keep; None keeps all.
        min_count: keep pairs with count >= this.
        examples: up to this many evidence sentences per pair (0 for none). For sentence
            windows, the sentences mentioning both; for document windows, sentences
            mentioning both first, then sentences of co-mentioning documents that
            mention either.
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        progress: show a progress bar while annotating.
        layer: "document" (default) counts the document-level entity layer
            (:attr:`Annotations.document_entities`: trimmed spans, one label per name
            in a document, surnames and repeats spaCy left untagged); "raw" counts
            spaCy's mentions as given.
        nationalities: demonyms (NORP "Russian", "Americans"; table
            ``analysis/data/demonyms.csv``): "separate" keeps them as entities of
            their own, "country" counts them as their country (GPE), "drop" leaves
            them out. A country and its own demonym ("American"-"United States")
            are never reported as a pair.

    Returns:
        One row per unordered pair with entity_a < entity_b: entity_a, label_a,
        entity_b, label_b, count (= c(a,b)), doc_count (documents where they co-occur),
        count_a (= c(a)), count_b, pmi, npmi, jaccard, examples (a list of dicts with
        doc_id, sent_id, text). Sorted by count then npmi (descending), then names.
        ``.attrs`` holds window and n_windows (N).

    Example:
        >>> pairs = entity_cooccurrence(corpus, annotations=ann, window="sentence")
    """
    func = "entity_cooccurrence"
    require_choice(window, _WINDOWS, func=func, arg="window")
    types = _check_types(types, func=func)
    require_positive_int(min_count, func=func, arg="min_count")
    require_positive_int(examples, func=func, arg="examples", minimum=0)
    require_choice(nationalities, _NATIONALITIES, func=func, arg="nationalities")
    ann = _annotations_for(corpus, annotations, func=func, progress=progress, layer=layer)
    from analysis.nationalities import apply_nationalities, own_demonym_codes

    ann = Annotations(ann.sentences, apply_nationalities(ann.entities, nationalities=nationalities))
    m = _mentions(corpus, ann, types)
    labels = _most_common_label(m)

    if window == "sentence":
        keys = ["doc_id", "sent_id"]
        # (columns as lists: iterating a Series of Arrow strings is slow)
        sent_keys = set(
            zip(ann.sentences["doc_id"].tolist(), ann.sentences["sent_id"].tolist(), strict=True)
        )
        sent_keys |= set(zip(m["doc_id"].tolist(), m["sent_id"].tolist(), strict=True))
        n_windows = len(sent_keys)
    else:
        keys = ["doc_id"]
        n_windows = len(corpus)

    cols = [
        "entity_a",
        "label_a",
        "entity_b",
        "label_b",
        "count",
        "doc_count",
        "count_a",
        "count_b",
        "pmi",
        "npmi",
        "jaccard",
        "examples",
    ]
    present = m[[*keys, "name", "_order"]].drop_duplicates([*keys, "name"])
    window_counts = present.groupby("name").size()
    # Integer codes keep the self-join small; sort=True makes code order = name order.
    codes, uniques = pd.factorize(present["name"], sort=True)
    wins = present.groupby(keys, sort=False).ngroup().to_numpy()
    slim = pd.DataFrame({"win": wins, "code": codes, "doc": present["_order"].to_numpy()})
    joined = slim.merge(slim[["win", "code"]], on="win", suffixes=("_a", "_b"))
    joined = joined[joined["code_a"] < joined["code_b"]]
    size = np.int64(len(uniques))
    joined = joined.assign(key=joined["code_a"].astype(np.int64) * size + joined["code_b"])
    # A country and its own demonym ("American"-"United States") are not a finding.
    joined = joined[~joined["key"].isin(own_demonym_codes(uniques, size))]
    counts = joined["key"].value_counts()
    counts = counts[counts >= min_count]
    if counts.empty:
        out = pd.DataFrame(columns=cols)
        out.attrs = {"window": window, "n_windows": n_windows}
        return out
    joined = joined[joined["key"].isin(counts.index)]
    doc_counts = joined.drop_duplicates(["key", "doc"])["key"].value_counts()
    keys_arr = counts.index.to_numpy(dtype=np.int64)
    out = pd.DataFrame(
        {
            "entity_a": uniques[keys_arr // size],
            "entity_b": uniques[keys_arr % size],
            "count": counts.to_numpy(dtype=int),
            "doc_count": doc_counts.reindex(counts.index).to_numpy(dtype=int),
        }
    )
    out["label_a"] = out["entity_a"].map(labels)
    out["label_b"] = out["entity_b"].map(labels)
    out["count_a"] = out["entity_a"].map(window_counts).astype(int)
    out["count_b"] = out["entity_b"].map(window_counts).astype(int)
    n = float(n_windows)
    p_ab = out["count"] / n
    p_a = out["count_a"] / n
    p_b = out["count_b"] / n
    out["pmi"] = np.log2(p_ab / (p_a * p_b))
    denom = -np.log2(p_ab)
    out["npmi"] = np.where(denom > 0, out["pmi"] / denom.where(denom > 0, 1.0), 1.0)
    out["jaccard"] = out["count"] / (out["count_a"] + out["count_b"] - out["count"])
    out = out.sort_values(
        ["count", "npmi", "entity_a", "entity_b"], ascending=[False, False, True, True]
    ).reset_index(drop=True)
    doc_ids = m.drop_duplicates("_order").set_index("_order")["doc_id"]
    kept = pd.DataFrame(
        {
            "entity_a": uniques[joined["code_a"].to_numpy()],
            "entity_b": uniques[joined["code_b"].to_numpy()],
            "_order": joined["doc"].to_numpy(),
        }
    )
    kept["doc_id"] = kept["_order"].map(doc_ids)
    out["examples"] = _examples(out, kept, m, ann.sentences, window, examples)
    out.attrs = {"window": window, "n_windows": n_windows}
    return out[cols]


def _is_key(value: Any) -> bool:
    """Whether a value would be a group key of a pandas groupby (not None/NaN/NA)."""
    return value is not None and value is not pd.NA and value == value


def _examples(
    out: pd.DataFrame,
    kept: pd.DataFrame,
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    window: str,
    limit: int,
) -> list[list[dict[str, Any]]]:
    """Evidence sentences per pair, in corpus order (see entity_cooccurrence)."""
    if limit == 0:
        return [[] for _ in range(len(out))]
    text = {
        (d, s): t
        for d, s, t in zip(
            sentences["doc_id"].tolist(),
            sentences["sent_id"].tolist(),
            sentences["text"].tolist(),
            strict=True,
        )
    }
    # (doc_id, name) -> sorted sent_ids mentioning it; doc_id -> corpus order
    # (plain dicts over the columns: a pandas groupby loop over ~40,000 groups took a second)
    sent_sets: dict[tuple[Any, str], set[int]] = {}
    for d, name, s in zip(
        mentions["doc_id"].tolist(),
        mentions["name"].tolist(),
        mentions["sent_id"].tolist(),
        strict=True,
    ):
        if _is_key(d) and _is_key(name):  # as groupby: no missing keys
            sent_sets.setdefault((d, name), set()).add(s)
    sents_of = {key: sorted(found) for key, found in sent_sets.items()}
    order = dict(zip(mentions["doc_id"].tolist(), mentions["_order"].tolist(), strict=False))
    docs_in: dict[tuple[str, str], dict[Any, None]] = {}
    kept = kept.sort_values("_order", kind="stable")
    for a, b, d in zip(
        kept["entity_a"].tolist(), kept["entity_b"].tolist(), kept["doc_id"].tolist(), strict=True
    ):
        if _is_key(a) and _is_key(b):
            docs_in.setdefault((a, b), {})[d] = None  # in corpus order, once each
    docs_of = {pair: list(found) for pair, found in docs_in.items()}

    result = []
    for a, b in zip(out["entity_a"].tolist(), out["entity_b"].tolist(), strict=True):
        docs = sorted(docs_of.get((a, b), []), key=lambda d: order.get(d, 0))
        both: list[tuple[Any, int]] = []
        either: list[tuple[Any, int]] = []
        for d in docs:
            sa = set(sents_of.get((d, a), []))
            sb = set(sents_of.get((d, b), []))
            both.extend((d, s) for s in sorted(sa & sb))
            if window == "document" and len(either) < limit:
                either.extend((d, s) for s in sorted(sa ^ sb))
            if len(both) >= limit:
                break
        chosen = (both + either)[:limit]
        result.append(
            [{"doc_id": d, "sent_id": int(s), "text": text.get((d, s), "")} for d, s in chosen]
        )
    return result


def entity_trends(
    corpus: pd.DataFrame,
    *,
    freq: Literal["day", "week", "month"] = "week",
    top: int = 10,
    names: Iterable[str] | None = None,
    types: Iterable[str] | None = DEFAULT_TYPES,
    annotations: Annotations | None = None,
    progress: bool = True,
    layer: Literal["document", "raw"] = "document",
) -> pd.DataFrame:
    """Mentions per entity per day/week/month, with zeros for periods without any.

    Periods run from the earliest to the latest ``published`` date in the corpus
    (documents without a date are left out). Weeks run Monday to Sunday; all
    periods are in UTC and labelled by their start.

    Args:
        corpus: one row per document, with a ``published`` column.
        freq: "day", "week" or "month".
        top: follow the ``top`` most-mentioned entities (among dated documents).
        names: follow these normalised names instead of the top ones.
        types: spaCy labels to keep; None keeps all.
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        progress: show a progress bar while annotating.
        layer: "document" (default) counts the document-level entity layer
            (:attr:`Annotations.document_entities`: trimmed spans, one label per name
            in a document, surnames and repeats spaCy left untagged); "raw" counts
            spaCy's mentions as given.

    Returns:
        Columns period (tz-aware UTC Timestamp), name, mentions (int); one row per
        period and name, sorted by period then by the entity's overall rank.

    Example:
        >>> entity_trends(corpus, annotations=ann, freq="month", top=5)
    """
    func = "entity_trends"
    require_choice(freq, tuple(_FREQS), func=func, arg="freq")
    types = _check_types(types, func=func)
    require_columns(corpus, ["published"], func=func)
    if names is None:
        require_positive_int(top, func=func, arg="top")
    else:
        names = list(dict.fromkeys([names] if isinstance(names, str) else names))
        if not names or not all(isinstance(x, str) for x in names):
            raise AnalysisInputError(
                f"{func}(): names={names!r} is not valid; expected a non-empty list of entity names"
            )
    _check_corpus(corpus, func=func)
    published = pd.to_datetime(corpus["published"], utc=True, errors="coerce")
    if published.isna().all():
        raise NoDatesError(
            f"{func}(): corpus column 'published' has no dates; trends need publication dates"
        )
    dated = corpus[published.notna().to_numpy()]
    ann = _annotations_for(dated, annotations, func=func, progress=progress, layer=layer)
    m = _mentions(dated, ann, types)
    m["period"] = _period_start(m["published"], freq)
    if names is None:
        counts = m.groupby("name").size().reset_index(name="n")
        counts = counts.sort_values(["n", "name"], ascending=[False, True])
        names = counts["name"].head(top).tolist()
    periods = _period_range(_period_start(published[published.notna()], freq), freq)
    grid = pd.MultiIndex.from_product([periods, names], names=["period", "name"])
    counted = m[m["name"].isin(names)].groupby(["period", "name"]).size()
    out = counted.reindex(grid, fill_value=0).rename("mentions").reset_index()
    out["mentions"] = out["mentions"].astype(int)
    return out
