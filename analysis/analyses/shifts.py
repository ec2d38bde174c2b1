"""Entities, pairs and sentiment that changed between baseline and new documents.

Used by :mod:`analysis.analyses.briefing`. ``is_new`` is one boolean per corpus row (new since the
last run); the other rows are the baseline.

- :func:`entity_changes` — an entity is **new** when no baseline document mentions it and
  at least ``min_docs`` new documents do; **rising** when its share of documents is at
  least twice the baseline share (log ratio >= 1) with a log-likelihood G² >= 15.13
  (p < 0.0001) on the 2x2 table of documents mentioning it / not, new / baseline.
- :func:`pair_changes` — pairs mentioned together in one sentence of at least
  ``min_docs`` new documents that were never together in a baseline sentence (**new**),
  or whose share of sentences rose as above (**rising**).
- :func:`sentiment_shifts` — per group (source) on document scores and per entity on the
  sentences mentioning it: the difference of means new - baseline with Welch's
  t-interval. It *moved* when that interval excludes 0 at the Bonferroni-adjusted level
  ``1 - (1 - confidence) / m`` for m groups (or entities) tested, so that testing many
  entities does not turn chance into findings.

Example:
    >>> entity_changes(corpus, is_new=is_new, annotations=ann)             # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.analyses._mentions import DEFAULT_TYPES, _most_common_label
from analysis.analyses.cooccurrence import entity_cooccurrence
from analysis.analyses.keyness import log_likelihood
from analysis.analyses.volume import _mask
from analysis.errors import AnalysisInputError
from analysis.nlp.annotations import Annotations

__all__ = ["entity_changes", "pair_changes", "sentiment_shifts", "welch_interval"]

G2_CUTOFF = 15.13


def _log_ratio(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    a = np.where(np.asarray(a, float) == 0, 0.5, a)
    b = np.where(np.asarray(b, float) == 0, 0.5, b)
    return np.log2((a / c) / (b / d))


def _evidence(
    ann: Annotations, corpus: pd.DataFrame, keys: pd.DataFrame, per: int
) -> dict[Any, list[dict[str, Any]]]:
    """key -> up to ``per`` sentences (distinct documents first) for rows key, doc_id, sent_id."""
    meta = corpus.set_index(corpus["doc_id"].astype(str))
    sents = ann.sentences.set_index(["doc_id", "sent_id"])["text"]
    out: dict[Any, list[dict[str, Any]]] = {}
    for key, group in keys.drop_duplicates(["key", "doc_id"]).groupby("key", sort=False):
        items = []
        for doc_id, sent_id in zip(group["doc_id"], group["sent_id"], strict=True):
            text = sents.get((doc_id, sent_id))
            if text is None or str(doc_id) not in meta.index:
                continue
            row = meta.loc[str(doc_id)]
            if isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            published = row.get("published")
            items.append(
                {
                    "doc_id": str(doc_id),
                    "title": "" if pd.isna(row.get("title")) else str(row.get("title")),
                    "url": row.get("url") if isinstance(row.get("url"), str) else None,
                    "published": None
                    if pd.isna(published)
                    else pd.Timestamp(published).date().isoformat(),
                    "text": " ".join(str(text).split()),
                }
            )
            if len(items) == per:
                break
        out[key] = items
    return out


def _entity_mentions(corpus: pd.DataFrame, ann: Annotations) -> pd.DataFrame:
    ents = ann.entities
    ents = ents[ents["label"].isin(DEFAULT_TYPES) & ents["name"].notna()]
    ents = ents[ents["name"].astype(str).str.len() > 1]
    return ents[ents["doc_id"].isin(set(corpus["doc_id"]))]


def entity_changes(
    corpus: pd.DataFrame,
    *,
    is_new: Any,
    annotations: Annotations,
    min_docs: int = 3,
    top: int = 10,
    evidence: int = 2,
) -> pd.DataFrame:
    """Entities new in the new documents or far above their baseline share.

    Returns:
        Columns name, label, status ("new" / "rising"), new_docs, baseline_docs, g2,
        log_ratio, examples; new entities first (most documents first), then rising ones
        (highest G² first), at most ``top`` of each.

    Example:
        >>> entity_changes(corpus, is_new=is_new, annotations=ann)         # doctest: +SKIP
    """
    cols = ["name", "label", "status", "new_docs", "baseline_docs", "g2", "log_ratio", "examples"]
    mask = _mask(corpus, is_new, func="entity_changes")
    n_new, n_base = int(mask.sum()), int((~mask).sum())
    if n_new == 0 or n_base == 0:
        return pd.DataFrame(columns=cols)
    new_ids = set(corpus.loc[mask, "doc_id"])
    ments = _entity_mentions(corpus, annotations)
    labels = _most_common_label(ments)
    per_doc = ments.drop_duplicates(["doc_id", "name"])
    is_new_doc = per_doc["doc_id"].isin(new_ids)
    new_docs = per_doc[is_new_doc].groupby("name").size()
    base_docs = per_doc[~is_new_doc].groupby("name").size()
    table = pd.DataFrame({"new_docs": new_docs}).join(base_docs.rename("baseline_docs"))
    table = table.fillna({"baseline_docs": 0}).astype(int)
    table = table[table["new_docs"] >= min_docs]
    a, b = table["new_docs"].to_numpy(float), table["baseline_docs"].to_numpy(float)
    table["g2"] = log_likelihood(a, b, n_new, n_base)
    table["log_ratio"] = _log_ratio(a, b, n_new, n_base)
    table["status"] = np.where(table["baseline_docs"] == 0, "new", "rising")
    keep = (table["status"] == "new") | ((table["g2"] >= G2_CUTOFF) & (table["log_ratio"] >= 1))
    table = table[keep].rename_axis("name").reset_index()
    fresh = table[table["status"] == "new"].sort_values(
        ["new_docs", "name"], ascending=[False, True]
    )
    rising = table[table["status"] == "rising"].sort_values(["g2", "name"], ascending=[False, True])
    table = pd.concat([fresh.head(top), rising.head(top)], ignore_index=True)
    table["label"] = table["name"].map(labels)
    where = ments[ments["doc_id"].isin(new_ids) & ments["name"].isin(set(table["name"]))]
    ev = _evidence(annotations, corpus, where.rename(columns={"name": "key"}), evidence)
    table["examples"] = table["name"].map(lambda n: ev.get(n, []))
    return table[cols]


def pair_changes(
    corpus: pd.DataFrame,
    *,
    is_new: Any,
    annotations: Annotations,
    min_docs: int = 2,
    top: int = 10,
    evidence: int = 2,
) -> pd.DataFrame:
    """Entity pairs (same sentence) that are new or rising in the new documents.

    Returns:
        Columns entity_a, entity_b, status, new_count (sentences), new_docs,
        baseline_count, g2, examples; new pairs first, then rising ones.

    Example:
        >>> pair_changes(corpus, is_new=is_new, annotations=ann)           # doctest: +SKIP
    """
    cols = ["entity_a", "entity_b", "status", "new_count", "new_docs", "baseline_count", "g2",
            "examples"]  # fmt: skip
    mask = _mask(corpus, is_new, func="pair_changes")
    if not mask.any() or mask.all():
        return pd.DataFrame(columns=cols)
    new_c, base_c = corpus[mask], corpus[~mask]
    new_ann = annotations.for_documents(new_c["doc_id"])
    base_ann = annotations.for_documents(base_c["doc_id"])
    new_pairs = entity_cooccurrence(
        new_c, annotations=new_ann, min_count=min_docs, examples=evidence, progress=False
    )
    new_pairs = new_pairs[new_pairs["doc_count"] >= min_docs]
    if new_pairs.empty:
        return pd.DataFrame(columns=cols)
    base_pairs = entity_cooccurrence(
        base_c, annotations=base_ann, min_count=1, examples=0, progress=False
    )
    base = base_pairs.set_index(["entity_a", "entity_b"])["count"]
    n_new = max(int(new_pairs.attrs.get("n_windows", 1)), 1)
    n_base = max(int(base_pairs.attrs.get("n_windows", 1)), 1)
    keys = list(zip(new_pairs["entity_a"], new_pairs["entity_b"], strict=True))
    out = pd.DataFrame(
        {
            "entity_a": new_pairs["entity_a"].to_numpy(),
            "entity_b": new_pairs["entity_b"].to_numpy(),
            "new_count": new_pairs["count"].to_numpy(dtype=int),
            "new_docs": new_pairs["doc_count"].to_numpy(dtype=int),
            "baseline_count": [int(base.get(k, 0)) for k in keys],
            "examples": new_pairs["examples"].to_numpy(),
        }
    )
    a, b = out["new_count"].to_numpy(float), out["baseline_count"].to_numpy(float)
    out["g2"] = log_likelihood(a, b, n_new, n_base)
    ratio = _log_ratio(a, b, n_new, n_base)
    out["status"] = np.where(out["baseline_count"] == 0, "new", "rising")
    out = out[(out["status"] == "new") | ((out["g2"] >= G2_CUTOFF) & (ratio >= 1))]
    fresh = out[out["status"] == "new"].sort_values("new_docs", ascending=False, kind="stable")
    rising = out[out["status"] == "rising"].sort_values("g2", ascending=False, kind="stable")
    out = pd.concat([fresh.head(top), rising.head(top)], ignore_index=True)
    out["examples"] = [_pair_examples(ex, corpus) for ex in out["examples"]]
    return out[cols]


def _pair_examples(examples: Any, corpus: pd.DataFrame) -> list[dict[str, Any]]:
    meta = corpus.drop_duplicates("doc_id").set_index("doc_id")
    items = []
    for ex in list(examples or []):
        doc_id = ex.get("doc_id")
        row = meta.loc[doc_id] if doc_id in meta.index else {}
        published = row.get("published") if len(row) else None
        items.append(
            {
                "doc_id": str(doc_id),
                "title": str(row.get("title", "")) if len(row) else "",
                "url": row.get("url") if len(row) and isinstance(row.get("url"), str) else None,
                "published": None
                if published is None or pd.isna(published)
                else pd.Timestamp(published).date().isoformat(),
                "text": " ".join(str(ex.get("text", "")).split()),
            }
        )
    return items


# --------------------------------------------------------------------------- sentiment


def welch_interval(
    new: Any, baseline: Any, *, confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """Difference of means new - baseline with Welch's t-interval and two-sided p-value.

    Returns:
        (difference, low, high, p_value); NaN when either side has fewer than 2 values.
        Equals ``scipy.stats.ttest_ind(new, baseline, equal_var=False)`` and its
        ``confidence_interval(confidence)``.

    Example:
        >>> welch_interval([0.1, 0.3, 0.2], [-0.2, -0.1, 0.0, -0.3])       # doctest: +SKIP
        (0.35, 0.19..., 0.50..., 0.002...)
    """
    x = np.asarray(new, dtype=float)
    y = np.asarray(baseline, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if len(x) < 2 or len(y) < 2:
        return (np.nan, np.nan, np.nan, np.nan)
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    diff = float(x.mean() - y.mean())
    se = float(np.sqrt(vx + vy))
    if se == 0:
        return (diff, diff, diff, 0.0 if diff != 0 else 1.0)
    df = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    half = float(stats.t.ppf((1 + confidence) / 2, df)) * se
    p = float(2 * stats.t.sf(abs(diff) / se, df))
    return (diff, diff - half, diff + half, p)


def _shift_rows(
    values: pd.DataFrame, kind: str, confidence: float, min_n: int
) -> list[dict[str, Any]]:
    """values: key, is_new, value -> one dict per key tested."""
    counts = values.groupby(["key", "is_new"]).size().unstack(fill_value=0)
    for flag in (True, False):
        if flag not in counts.columns:
            counts[flag] = 0
    tested = counts[(counts[True] >= min_n) & (counts[False] >= min_n)].index
    if len(tested) == 0:
        return []
    level = 1 - (1 - confidence) / len(tested)
    rows = []
    for key, group in values[values["key"].isin(set(tested))].groupby("key", sort=True):
        new = group.loc[group["is_new"], "value"]
        base = group.loc[~group["is_new"], "value"]
        diff, low, high, p = welch_interval(new, base, confidence=level)
        rows.append(
            {
                "kind": kind,
                "name": key,
                "new_mean": float(new.mean()),
                "baseline_mean": float(base.mean()),
                "n_new": len(new),
                "n_baseline": len(base),
                "difference": diff,
                "ci_low": low,
                "ci_high": high,
                "p_value": p,
                "level": level,
                "moved": bool(low > 0 or high < 0),
            }
        )
    return rows


def sentiment_shifts(
    corpus: pd.DataFrame,
    *,
    is_new: Any,
    annotations: Annotations,
    by: str = "source",
    confidence: float = 0.95,
    min_docs: int = 5,
    min_sentences: int = 10,
    moved_only: bool = True,
) -> pd.DataFrame:
    """Groups and entities whose mean sentiment moved between baseline and new documents.

    Groups: the mean of document scores (:func:`analysis.analyses.sentiment.document_sentiment`,
    its ``auto`` rule and masked names, as the sentiment report), groups with ``min_docs``
    documents on each side. Entities: the mean masked compound of the sentences mentioning
    them (the name itself does not count), ``min_sentences`` on each side. Intervals: :func:`welch_interval` at the
    Bonferroni-adjusted level for the number of groups (entities) tested.

    Returns:
        Columns kind ("group" / "entity"), name, new_mean, baseline_mean, n_new,
        n_baseline, difference, ci_low, ci_high, p_value, level, moved; moved rows only
        unless ``moved_only=False``; largest absolute difference first.

    Example:
        >>> sentiment_shifts(corpus, is_new=is_new, annotations=ann)       # doctest: +SKIP
    """
    cols = ["kind", "name", "new_mean", "baseline_mean", "n_new", "n_baseline", "difference",
            "ci_low", "ci_high", "p_value", "level", "moved"]  # fmt: skip
    mask = _mask(corpus, is_new, func="sentiment_shifts")
    if by not in corpus.columns:
        raise AnalysisInputError(f"sentiment_shifts(): by={by!r} is not a corpus column")
    new_ids = set(corpus.loc[mask, "doc_id"])
    sents = annotations.sentences[annotations.sentences["doc_id"].isin(set(corpus["doc_id"]))]
    from analysis.analyses.sentiment import document_sentiment

    score = "compound_masked" if "compound_masked" in sents.columns else "compound"
    scored = document_sentiment(
        corpus.drop_duplicates("doc_id"), annotations=annotations, progress=False
    )
    docs = scored[["doc_id", "compound"]].dropna().rename(columns={"compound": "value"})
    groups = corpus.drop_duplicates("doc_id").set_index("doc_id")[by]
    docs["key"] = docs["doc_id"].map(groups).astype(str)
    docs["is_new"] = docs["doc_id"].isin(new_ids)
    rows = _shift_rows(docs, "group", confidence, min_docs)
    ments = _entity_mentions(corpus, annotations).drop_duplicates(["doc_id", "sent_id", "name"])
    ent = ments.merge(sents[["doc_id", "sent_id", score]], on=["doc_id", "sent_id"])
    ent = ent.rename(columns={"name": "key", score: "value"})
    ent["is_new"] = ent["doc_id"].isin(new_ids)
    rows += _shift_rows(ent[["key", "is_new", "value"]], "entity", confidence, min_sentences)
    out = pd.DataFrame(rows, columns=cols)
    if moved_only:
        out = out[out["moved"].astype(bool)]
    order = out["difference"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)
