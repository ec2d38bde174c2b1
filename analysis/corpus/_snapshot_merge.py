"""The incremental step of corpus snapshots: merge new files into a loaded corpus.

Given the stored corpus (with private columns: raw text before boilerplate removal, content
and dedup keys, boilerplate digest), its load report, the per-source counts of repeated-unit
candidates (see :mod:`analysis.corpus._snapshot_boilerplate`) and the MinHash signatures of its
documents, :func:`merge_changes` drops the documents of removed or changed files and adds
those of new or changed files, repeating what :func:`analysis.corpus.load.load_corpus` does for
them:

- boilerplate: the per-document steps of :mod:`analysis.corpus._boilerplate` (footer block, footer
  lines) and the source's repeated lines and paragraphs, which must not change for the
  documents kept (a new repeated unit would change existing documents: refused); the load
  report gets the same ``boilerplate_lines``, ``boilerplate_chars`` and footer note;
- duplicates: the same greedy visit as :func:`analysis.corpus._dedup.find_duplicates` (by date,
  then load order): a new document is an exact copy of the first document with its
  normalised text, or a near-duplicate of the most similar kept original before it among
  the LSH candidates (same 16 bands of 8 MinHash values) with verified Jaccard >= threshold;
- ``doc_id``: the content hash.

Whenever the result could differ from a fresh load it raises :class:`IncrementalUnsafe` and
the caller loads afresh.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus._dedup import _NUM_PERM, _SEED, _jaccard, normalise_for_dedup, shingle_hashes
from analysis.corpus._records import count_words
from analysis.corpus._snapshot_boilerplate import NONE_GROUP, count_units, groups_of, merge_units

__all__ = ["IncrementalUnsafe", "merge_changes", "raw_texts_for", "snapshot_extras"]

_BANDS, _ROWS = 16, 8  # datasketch MinHashLSH(threshold=0.65, num_perm=128)
# placeholder signatures (none computed); real ones have the dtype of datasketch's MinHash
# values (uint32 with its default scheme "affine32"; concatenation promotes if wider)
_SIG = np.uint32


class IncrementalUnsafe(Exception):
    """The change cannot be merged exactly; load the corpus afresh."""


def _full_texts(titles: pd.Series, texts: pd.Series) -> list[str]:
    return [f"{t}\n\n{x}" if t else x for t, x in zip(titles, texts, strict=True)]


def _signatures(fulls: list[str], skip: np.ndarray, shingle_size: int) -> np.ndarray:
    from datasketch import MinHash

    template = MinHash(num_perm=_NUM_PERM, seed=_SEED, hashfunc=int)
    sigs = np.zeros((len(fulls), _NUM_PERM), dtype=template.hashvalues.dtype)
    cache: dict[str, int] = {}
    for i, full in enumerate(fulls):
        if skip[i]:
            continue
        mh = MinHash(
            num_perm=_NUM_PERM,
            seed=_SEED,
            hashfunc=int,
            permutations=template.permutations,
            scheme=template.scheme,
        )
        mh.update_batch(shingle_hashes(normalise_for_dedup(full), shingle_size, cache))
        sigs[i] = mh.hashvalues
    return sigs


def _raw(frame: pd.DataFrame) -> list[str]:
    """The text before boilerplate removal (stored only where it differs)."""
    raw = frame["_raw_text"].tolist()
    return [
        t if r is None or r is pd.NA else r
        for r, t in zip(raw, frame["text"].tolist(), strict=True)
    ]


def _private(frame: pd.DataFrame, raw: list[str], digests: list[str]) -> pd.DataFrame:
    texts = frame["text"].tolist()
    fulls = _full_texts(frame["title"].tolist(), texts)
    out = frame.copy()
    out["_raw_text"] = pd.array(
        [None if r == t else r for r, t in zip(raw, texts, strict=True)], dtype=pd.StringDtype()
    )
    out["_content"] = [
        hashlib.sha256(f"{t}\n\n{x}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
        for t, x in zip(frame["title"].tolist(), texts, strict=True)
    ]
    out["_norm"] = [
        hashlib.sha256(normalise_for_dedup(f).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        for f in fulls
    ]
    out["_bp_digest"] = pd.array(digests, dtype=pd.StringDtype())
    return out


def snapshot_extras(
    frame: pd.DataFrame, raw: list[str] | None, options: dict[str, Any]
) -> dict[str, Any]:
    """Private columns, unit counts and signatures for a freshly loaded corpus.

    ``raw`` is the text of each document before boilerplate removal (None: an incremental
    update will never be attempted, so nothing is computed).
    """
    if raw is None:
        return {
            "corpus": frame,
            "units": count_units([], [], options)[0],
            "sigs": np.zeros((0, _NUM_PERM), dtype=_SIG),
        }
    units, digests = count_units(raw, groups_of(frame), options)
    out = _private(frame, raw, digests)
    if options["near_duplicates"]:
        skip = (frame["duplicate_kind"] == "exact").fillna(False).to_numpy()
        sigs = _signatures(
            _full_texts(frame["title"], frame["text"]), skip, options["shingle_size"]
        )
    else:
        sigs = np.zeros((len(frame), _NUM_PERM), dtype=_SIG)
    return {"corpus": out, "units": units, "sigs": sigs}


def _visit_rank(published: pd.Series) -> np.ndarray:
    ts = pd.to_datetime(pd.Series(published).reset_index(drop=True), utc=True)
    n = len(ts)
    has_date = ts.notna().to_numpy()
    keys = ts.to_numpy(dtype="datetime64[ns]").astype("int64")
    order = np.lexsort((np.arange(n), keys, ~has_date))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


class _Bands:
    """LSH candidates by band: rows sharing a whole band of MinHash values with a query."""

    def __init__(self, sigs: np.ndarray, queries: np.ndarray) -> None:
        self.sigs = sigs
        # a row sharing a whole band with a query shares the band's first value: only such
        # rows can be candidates of any query (checked band by band in __call__)
        keys = sigs[:, ::_ROWS]
        qkeys = sigs[queries][:, ::_ROWS]
        maybe = np.zeros(len(sigs), dtype=bool)
        if len(qkeys):
            for b in range(_BANDS):  # membership by binary search in the few query values
                q = np.sort(qkeys[:, b])
                at = np.minimum(np.searchsorted(q, keys[:, b]), len(q) - 1)
                maybe |= q[at] == keys[:, b]
        self.rows = np.flatnonzero(maybe)

    def __call__(self, i: int) -> np.ndarray:
        sub = self.sigs[self.rows]
        eq = (sub == self.sigs[i]).reshape(len(sub), _BANDS, _ROWS).all(axis=2).any(axis=1)
        return self.rows[eq]


def _dedup_new(
    merged: pd.DataFrame,
    sigs: np.ndarray,
    is_new: np.ndarray,
    opts: dict[str, Any],
    old_similarity: Any,
) -> None:
    """Set the duplicate columns of the new rows of ``merged`` (in place), or refuse."""
    threshold, size = opts["near_threshold"], opts["shingle_size"]
    rank = _visit_rank(merged["published"])
    norm = merged["_norm"].to_numpy(dtype=object)
    first: dict[str, int] = {}  # the first visited existing document of a new one's key
    same = np.flatnonzero(~is_new & merged["_norm"].isin(list(set(norm[is_new]))).to_numpy())
    for i in same[np.argsort(rank[same])[::-1]]:  # latest first: the earliest visited wins
        first[norm[i]] = int(i)
    dup_of = [None if v is pd.NA else v for v in merged["duplicate_of"].tolist()]
    ids = merged["doc_id"].tolist()
    pos: dict[str, int] = {}  # row of a doc_id, built when first needed
    kind = [None if v is pd.NA else v for v in merged["duplicate_kind"].tolist()]
    score: list[float | None] = [None] * len(merged)
    titles, texts = merged["title"], merged["text"]
    shingles: dict[int, np.ndarray] = {}

    def sh(i: int) -> np.ndarray:
        if i not in shingles:
            full = _full_texts([titles.iat[i]], [texts.iat[i]])[0]
            shingles[i] = shingle_hashes(normalise_for_dedup(full), size)
        return shingles[i]

    bands = _Bands(sigs, is_new) if opts["near_duplicates"] else None
    kinds = merged["duplicate_kind"]
    original = kinds.isna().to_numpy() & ~is_new  # kept originals so far
    near_able = (kinds != "exact").fillna(True).to_numpy(dtype=bool) & ~is_new  # in LSH
    for i in sorted(np.flatnonzero(is_new), key=lambda i: rank[i]):
        i = int(i)
        j = first.get(norm[i])
        if j is not None and rank[j] > rank[i]:
            raise IncrementalUnsafe("a new document is an earlier copy of an existing one")
        if j is not None:
            dup_of[i], kind[i], score[i] = ids[j], "exact", 1.0
            continue
        first[norm[i]] = i
        if not opts["near_duplicates"]:
            original[i] = True
            continue
        assert bands is not None
        found = bands(i)
        cand = found[(original | near_able)[found]]
        best: tuple[float, int] | None = None
        for j in cand:
            j = int(j)
            if j == i:
                continue
            sim = _jaccard(sh(i), sh(j))
            if sim < threshold:
                continue
            if rank[j] > rank[i]:
                if near_able[j] or original[j]:
                    raise IncrementalUnsafe("a new document matches a later existing one")
                continue
            if original[j] and (
                best is None or sim > best[0] or (sim == best[0] and rank[j] < rank[best[1]])
            ):
                best = (sim, j)
        if best is not None:
            dup_of[i], kind[i], score[i] = ids[best[1]], "near", round(best[0], 6)
        else:
            original[i] = True
    for i in np.flatnonzero(is_new):  # an exact copy of a near-duplicate: as in a fresh load
        if kind[i] == "exact" and dup_of[i] is not None:
            pos = pos or {d: k for k, d in enumerate(ids)}
            j = pos[dup_of[i]]
            if kind[j] == "near":
                sim = score[j] if score[j] is not None else old_similarity(merged["path"].iat[j])
                dup_of[i], kind[i], score[i] = dup_of[j], "near", sim
    merged["duplicate_of"] = pd.array(dup_of, dtype=pd.StringDtype())
    merged["duplicate_kind"] = pd.array(kind, dtype=pd.StringDtype())
    merged["is_duplicate"] = pd.array([k is not None for k in kind], dtype="bool")
    merged["_similarity"] = score


def _without_gone(
    corpus: pd.DataFrame, report: pd.DataFrame, sigs: np.ndarray, gone: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, pd.DataFrame]:
    """The documents kept and removed, the kept signatures and report rows, when the files
    ``gone`` are removed (or changed); refused when that would change a kept document."""
    gone_set = set(gone)
    in_gone = np.zeros(len(corpus), dtype=bool)
    if gone_set:
        file_of = dict(zip(report["path"].tolist(), report["file"].tolist(), strict=True))
        in_gone = np.array([file_of.get(p) in gone_set for p in corpus["path"].tolist()], bool)
    kept = corpus[~in_gone] if in_gone.any() else corpus
    removed = corpus[in_gone]
    kept_sigs = sigs[~in_gone]
    if len(removed) and kept["duplicate_of"].isin(removed["doc_id"].tolist()).any():
        raise IncrementalUnsafe("a removed document was the original of a kept duplicate")
    if len(removed) and (
        kept["_norm"].isin(removed["_norm"].tolist()).any()
        or kept["_content"].isin(removed["_content"].tolist()).any()
    ):
        raise IncrementalUnsafe("a removed document had an identical copy")
    rep_kept = report[[f not in gone_set for f in report["file"].tolist()]] if gone_set else report
    return kept, removed, kept_sigs, rep_kept


def merge_changes(
    corpus: pd.DataFrame,
    report: pd.DataFrame,
    units: pd.DataFrame,
    sigs: np.ndarray,
    *,
    fresh: pd.DataFrame | None,
    gone: list[str],
    options: dict[str, Any],
) -> dict[str, Any]:
    """The stored corpus with the files in ``gone`` removed and the ``fresh`` load added.

    Returns ``{"corpus", "report", "units", "sigs"}`` as a fresh load would store them.

    Raises:
        IncrementalUnsafe: when the merge could differ from a fresh load.
    """
    from analysis.corpus._build import doc_ids as _doc_ids

    kept, removed, kept_sigs, rep_kept = _without_gone(corpus, report, sigs, gone)
    if fresh is None or fresh.empty:
        new = corpus.iloc[0:0].copy()
        rep_new = report.iloc[0:0]
    else:
        public = [c for c in kept.columns if not str(c).startswith("_")]
        if list(fresh.columns) != public:
            raise IncrementalUnsafe("the new files have other columns")
        new = fresh.copy()
        rep_new = fresh.attrs["load_report"].files
    raw = new["text"].tolist()
    bp = merge_units(
        (groups_of(kept), kept["_bp_digest"].tolist()),
        (_raw(removed), groups_of(removed), removed["_bp_digest"].tolist()),
        (raw, groups_of(new)),
        units,
        options,
    )
    if bp.changed:
        shown = ", ".join(repr(g) if g != NONE_GROUP else "(no source)" for g in bp.changed[:3])
        which = "source" if len(bp.changed) == 1 else "sources"
        raise IncrementalUnsafe(f"the repeated boilerplate of {which} {shown} changed")
    cleaned: dict[str, tuple[int, str | None]] = {}
    if len(new):
        texts = bp.texts
        new["text"] = pd.array(texts, dtype=pd.StringDtype())
        new["n_chars"] = pd.array([len(t) for t in texts], dtype="int64")
        new["n_words"] = pd.array([count_words(t) for t in texts], dtype="int64")
        new["boilerplate_lines"] = pd.array(bp.lines, dtype="int64")
        new["doc_id"] = pd.array(_doc_ids(new["title"].tolist(), texts), dtype=pd.StringDtype())
        new = _private(new, raw, bp.digests)
        cleaned = dict(
            zip(new["path"].tolist(), zip(bp.chars, bp.markers, strict=True), strict=True)
        )
        if kept["_content"].isin(new["_content"].tolist()).any():
            raise IncrementalUnsafe("a new document is an identical copy of an existing one")
    new_sigs = (
        _signatures(
            _full_texts(new["title"], new["text"]),
            np.zeros(len(new), bool),
            options["shingle_size"],
        )
        if options["near_duplicates"]
        else np.zeros((len(new), _NUM_PERM), dtype=_SIG)
    )
    # merged order: the report's (files sorted by relative path, rows in file order)
    files = rep_kept["file"].tolist() + rep_new["file"].tolist()
    paths = rep_kept["path"].tolist() + rep_new["path"].tolist()
    rep_order = np.asarray(sorted(range(len(files)), key=files.__getitem__), dtype=np.int64)
    frames = pd.concat([kept, new[kept.columns]], ignore_index=True)
    all_sigs = np.concatenate([kept_sigs, new_sigs]) if len(new) else kept_sigs
    is_new_all = np.r_[np.zeros(len(kept), bool), np.ones(len(new), bool)]
    at = pd.Index(frames["path"].to_numpy(dtype=object)).get_indexer(
        np.asarray(paths, dtype=object)[rep_order]
    )
    order = at[at >= 0].astype(np.int64)  # report rows that are documents, in report order
    merged = _take_runs(frames, order)
    all_sigs = all_sigs[order]
    is_new = is_new_all[order]

    def old_similarity(path: str) -> float | None:
        value = report.loc[report["path"] == path, "similarity"].iloc[0]
        return None if pd.isna(value) else float(value)

    _dedup_new(merged, all_sigs, is_new, options, old_similarity)
    if options["near_duplicates"]:  # exact copies are never compared: no signature kept
        all_sigs[is_new & (merged["duplicate_kind"] == "exact").fillna(False).to_numpy()] = 0
    new_rows = np.flatnonzero(is_new)
    rows = dict(zip(merged["path"].iloc[new_rows].tolist(), new_rows.tolist(), strict=True))
    rep_new = rep_new.copy()
    _update_report(rep_new, merged, is_new, rows, cleaned)
    rep = _take_runs(pd.concat([rep_kept, rep_new], ignore_index=True), rep_order)
    merged = merged.drop(columns=["_similarity"])
    return {"corpus": merged, "report": rep, "units": bp.units, "sigs": all_sigs}


def _take_runs(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[order]`` as a concatenation of slices (no copy of long text columns when
    the order is a few long runs, as when a few files are added to a large corpus)."""
    if len(order) == 0:
        return frame.iloc[0:0].reset_index(drop=True)
    breaks = np.flatnonzero(np.diff(order) != 1) + 1
    starts = np.r_[0, breaks]
    ends = np.r_[breaks, len(order)]
    if len(starts) > 1000:  # scattered: one take is cheaper than many slices
        return frame.iloc[order].reset_index(drop=True)
    parts = [frame.iloc[order[a] : order[a] + (b - a)] for a, b in zip(starts, ends, strict=True)]
    return pd.concat(parts, ignore_index=True)


def _update_report(
    rep: pd.DataFrame,
    merged: pd.DataFrame,
    is_new: np.ndarray,
    rows: dict[str, int],
    cleaned: dict[str, tuple[int, str | None]],
) -> None:
    """Fill the load-report columns of the new documents' rows (in place, column-wise).

    ``cleaned``: per new document's path, the characters boilerplate removal took and the
    marker that ended the article (noted in ``detail`` as a fresh load does).
    """
    new_paths = set(merged.loc[is_new, "path"].tolist())
    idx = [i for i, p in enumerate(rep["path"].tolist()) if p in new_paths]
    if not idx:
        return
    ks = [rows[p] for p in rep["path"].iloc[idx].tolist()]
    sub = merged.iloc[ks]
    kinds = sub["duplicate_kind"].tolist()
    sims = sub["_similarity"].tolist()
    paths = rep["path"].iloc[idx].tolist()
    details = rep["detail"].iloc[idx].tolist()
    notes = [cleaned[p][1] for p in paths]
    values = {
        "detail": [
            "; ".join(filter(None, [None if d is pd.NA else d, f"footer from {m!r} on removed"]))
            if m
            else d
            for d, m in zip(details, notes, strict=True)
        ],
        "status": ["loaded" if k is None or k is pd.NA else "duplicate" for k in kinds],
        "reason": [None] * len(idx),
        "doc_id": sub["doc_id"].tolist(),
        "duplicate_of": sub["duplicate_of"].tolist(),
        "duplicate_kind": kinds,
    }
    for col, vals in values.items():
        column = rep[col].astype(object)
        column.iloc[idx] = [None if v is pd.NA else v for v in vals]
        rep[col] = pd.array(column.tolist(), dtype=rep[col].dtype)
    similarity = rep["similarity"].astype(object)
    similarity.iloc[idx] = [None if v is None else v for v in sims]
    rep["similarity"] = pd.array(similarity.tolist(), dtype=rep["similarity"].dtype)
    bp = rep["boilerplate_lines"].to_numpy().copy()
    bp[idx] = sub["boilerplate_lines"].to_numpy()
    rep["boilerplate_lines"] = bp
    chars = rep["boilerplate_chars"].to_numpy().copy()
    chars[idx] = [cleaned[p][0] for p in paths]
    rep["boilerplate_chars"] = chars


def raw_texts_for(frame: pd.DataFrame, loaded_raw: dict[str, str]) -> list[str]:
    """Each document's text before boilerplate removal (``loaded_raw``: path -> raw text)."""
    return [
        t if n == 0 else loaded_raw[p]
        for t, n, p in zip(frame["text"], frame["boilerplate_lines"], frame["path"], strict=True)
    ]
