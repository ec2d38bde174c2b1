"""Entity co-occurrence: pairs of entities mentioned in the same sentence or document.

Counted by normalised name on the document entity layer (see
:mod:`analysis.analyses.entities`), scored with PMI, NPMI and Jaccard, with evidence
sentences per pair. Graphs built from the pairs live in :mod:`analysis.analyses.network`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis._validate import require_choice, require_positive_int
from analysis.analyses._mentions import (
    DEFAULT_TYPES,
    _annotations_for,
    _check_types,
    _mentions,
    _most_common_label,
)
from analysis.nlp.annotations import Annotations

__all__ = ["entity_cooccurrence"]

_WINDOWS = ("sentence", "document")
_NATIONALITIES = ("separate", "country", "drop")
_COLUMNS = [
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
    from analysis.nlp.nationalities import apply_nationalities

    ann = Annotations(ann.sentences, apply_nationalities(ann.entities, nationalities=nationalities))
    m = _mentions(corpus, ann, types)
    keys, n_windows = _windows(corpus, ann, m, window)
    present = m[[*keys, "name", "_order"]].drop_duplicates([*keys, "name"])
    window_counts = present.groupby("name").size()
    joined, uniques, size = _pairs_in_windows(present, keys)
    counts = joined["key"].value_counts()
    counts = counts[counts >= min_count]
    if counts.empty:
        out = pd.DataFrame(columns=_COLUMNS)
        out.attrs = {"window": window, "n_windows": n_windows}
        return out
    joined = joined[joined["key"].isin(counts.index)]
    out = _scored_pairs(
        joined, counts, uniques, size, _most_common_label(m), window_counts, n_windows
    )
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
    return out[_COLUMNS]


def _windows(
    corpus: pd.DataFrame, ann: Annotations, m: pd.DataFrame, window: str
) -> tuple[list[str], int]:
    """The key columns of a window and the number of windows N (see entity_cooccurrence)."""
    if window == "sentence":
        # (columns as lists: iterating a Series of Arrow strings is slow)
        sent_keys = set(
            zip(ann.sentences["doc_id"].tolist(), ann.sentences["sent_id"].tolist(), strict=True)
        )
        sent_keys |= set(zip(m["doc_id"].tolist(), m["sent_id"].tolist(), strict=True))
        return ["doc_id", "sent_id"], len(sent_keys)
    return ["doc_id"], len(corpus)


def _pairs_in_windows(
    present: pd.DataFrame, keys: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.int64]:
    """Every pair of names in a window: columns win, code_a < code_b, doc (corpus order)
    and key = code_a * size + code_b, where a code is the name's place in ``uniques``."""
    from analysis.nlp.nationalities import own_demonym_codes

    # Integer codes keep the self-join small; sort=True makes code order = name order.
    codes, uniques = pd.factorize(present["name"], sort=True)
    wins = present.groupby(keys, sort=False).ngroup().to_numpy()
    slim = pd.DataFrame({"win": wins, "code": codes, "doc": present["_order"].to_numpy()})
    joined = slim.merge(slim[["win", "code"]], on="win", suffixes=("_a", "_b"))
    joined = joined[joined["code_a"] < joined["code_b"]]
    size = np.int64(len(uniques))
    joined = joined.assign(key=joined["code_a"].astype(np.int64) * size + joined["code_b"])
    # A country and its own demonym ("American"-"United States") are not a finding.
    return joined[~joined["key"].isin(own_demonym_codes(uniques, size))], uniques, size


def _scored_pairs(
    joined: pd.DataFrame,
    counts: pd.Series,
    uniques: np.ndarray,
    size: np.int64,
    labels: pd.Series,
    window_counts: pd.Series,
    n_windows: int,
) -> pd.DataFrame:
    """One row per pair (key = code_a * size + code_b) with its counts, PMI, NPMI and
    Jaccard, sorted by count then npmi (descending), then names."""
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
    return out.sort_values(
        ["count", "npmi", "entity_a", "entity_b"], ascending=[False, False, True, True]
    ).reset_index(drop=True)


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
