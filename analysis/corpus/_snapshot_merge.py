"""The incremental step of corpus snapshots: merge new files into a loaded corpus.

Given the stored corpus (with private columns: raw text before boilerplate removal, content
and dedup keys), its load report, the per-source counts of short lines (for repeated-line
boilerplate) and the MinHash signatures of its documents, :func:`merge_changes` drops the
documents of removed or changed files and adds those of new or changed files, repeating what
:func:`analysis.corpus.load.load_corpus` does for them:

- boilerplate: footer lines, and the source's repeated lines (which must not change: a new
  repeated line would change existing documents, so that case is refused);
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
import re
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus._boilerplate import is_footer_line
from analysis.corpus._dedup import _NUM_PERM, _SEED, _jaccard, normalise_for_dedup, shingle_hashes

__all__ = ["IncrementalUnsafe", "merge_changes", "raw_texts_for", "snapshot_extras"]

_NONE = "\x00none"  # the group of documents without a source
_BANDS, _ROWS = 16, 8  # datasketch MinHashLSH(threshold=0.65, num_perm=128)


class IncrementalUnsafe(Exception):
    """The change cannot be merged exactly; load the corpus afresh."""


def _key(line: str) -> str:
    return " ".join(line.split())


def _digest(text: str) -> str:
    return hashlib.blake2b(_key(text).encode(), digest_size=16).hexdigest()


def _full_texts(titles: pd.Series, texts: pd.Series) -> list[str]:
    return [f"{t}\n\n{x}" if t else x for t, x in zip(titles, texts, strict=True)]


def _signatures(fulls: list[str], skip: np.ndarray, shingle_size: int) -> np.ndarray:
    from datasketch import MinHash

    template = MinHash(num_perm=_NUM_PERM, seed=_SEED, hashfunc=int)
    sigs = np.zeros((len(fulls), _NUM_PERM), dtype=np.uint64)
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


def _line_counts(raw: list[str], groups: list[str], max_chars: int) -> pd.DataFrame:
    seen: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text, group in zip(raw, groups, strict=True):
        d = _digest(text)
        if d in seen[group]:
            continue
        seen[group].add(d)
        keys = {_key(line) for line in text.split("\n")}
        counts[group].update(k for k in keys if k and len(k) <= max_chars)
    rows = [(g, k, n) for g, c in counts.items() for k, n in c.items()]
    return pd.DataFrame(rows, columns=["group", "key", "n"]).astype({"n": "int64"})


def _raw(frame: pd.DataFrame) -> list[str]:
    """The text before boilerplate removal (stored only where it differs)."""
    raw = frame["_raw_text"].tolist()
    return [
        t if r is None or r is pd.NA else r
        for r, t in zip(raw, frame["text"].tolist(), strict=True)
    ]


def _private(frame: pd.DataFrame, raw: list[str]) -> pd.DataFrame:
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
    out["_bp_digest"] = [_digest(t) for t in raw]
    return out


def _groups(frame: pd.DataFrame) -> list[str]:
    return [_NONE if s is None or s is pd.NA else str(s) for s in frame["source"].tolist()]


def snapshot_extras(
    frame: pd.DataFrame, raw: list[str] | None, options: dict[str, Any]
) -> dict[str, Any]:
    """Private columns, line counts and signatures for a freshly loaded corpus.

    ``raw`` is the text of each document before boilerplate removal (None: an incremental
    update will never be attempted, so nothing is computed).
    """
    if raw is None:
        return {
            "corpus": frame,
            "lines": pd.DataFrame({"group": [], "key": [], "n": []}).astype({"n": "int64"}),
            "sigs": np.zeros((0, _NUM_PERM), dtype=np.uint64),
        }
    out = _private(frame, raw)
    lines = _line_counts(raw, _groups(frame), options["boilerplate_max_chars"])
    if options["near_duplicates"]:
        skip = (frame["duplicate_kind"] == "exact").fillna(False).to_numpy()
        sigs = _signatures(
            _full_texts(frame["title"], frame["text"]), skip, options["shingle_size"]
        )
    else:
        sigs = np.zeros((len(frame), _NUM_PERM), dtype=np.uint64)
    return {"corpus": out, "lines": lines, "sigs": sigs}


def _repeated(lines: pd.DataFrame, n_docs: dict[str, int], options: dict[str, Any]) -> dict:
    """Per group, the line keys in at least ``max(min_docs, min_share * n)`` documents."""
    need = {
        g: max(options["repeated_min_docs"], options["repeated_min_share"] * n)
        for g, n in n_docs.items()
    }
    groups = lines["group"].to_numpy(dtype=object)
    floor = options["repeated_min_docs"]
    threshold = np.array([need.get(g, floor) for g in groups], dtype=float)
    hit = lines["n"].to_numpy() >= threshold
    out: dict[str, set[str]] = {}
    for g, k in zip(groups[hit], lines["key"].to_numpy(dtype=object)[hit], strict=True):
        out.setdefault(g, set()).add(k)
    return {g: frozenset(v) for g, v in out.items()}


def _strip(text: str, drop: frozenset[str], max_chars: int) -> tuple[str, int]:
    """The per-document half of :func:`analysis.corpus._boilerplate.remove_boilerplate`."""
    lines = text.split("\n")
    if drop:
        content = {k for k in map(_key, lines) if k and not is_footer_line(k, max_chars=max_chars)}
        if content and content <= drop:
            drop = frozenset()
    kept, removed = [], 0
    for line in lines:
        key = _key(line)
        if key and (is_footer_line(key, max_chars=max_chars) or key in drop):
            removed += 1
            continue
        kept.append(line)
    if removed:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return text, removed


def _boilerplate(
    kept: pd.DataFrame, gone: pd.DataFrame, new: pd.DataFrame, lines: pd.DataFrame, opts: dict
) -> tuple[list[str], list[int], pd.DataFrame]:
    max_chars = opts["boilerplate_max_chars"]
    raw = _raw(new)
    if not opts["boilerplate"]:
        return raw, [0] * len(new), lines
    before = _distinct([kept, gone])
    delta: dict[tuple[str, str], int] = defaultdict(int)
    kept_pairs = set(zip(_groups(kept), kept["_bp_digest"].tolist(), strict=True))
    left = set(kept_pairs)
    for text, g, d in zip(_raw(gone), _groups(gone), gone["_bp_digest"].tolist(), strict=True):
        if (g, d) not in left:
            left.add((g, d))  # count each distinct removed text once
            for k in {_key(line) for line in text.split("\n")}:
                if k and len(k) <= max_chars:
                    delta[(g, k)] -= 1
    have = set(kept_pairs)
    for text, g, d in zip(raw, _groups(new), new["_bp_digest"].tolist(), strict=True):
        if (g, d) in have:
            continue
        have.add((g, d))
        for k in {_key(line) for line in text.split("\n")}:
            if k and len(k) <= max_chars:
                delta[(g, k)] += 1
    if delta:
        change = pd.DataFrame(
            [(g, k, n) for (g, k), n in delta.items()], columns=["group", "key", "n"]
        )
        merged = pd.concat([lines, change]).groupby(["group", "key"], as_index=False, sort=False)
        updated = merged["n"].sum()
        updated = updated[updated["n"] > 0].reset_index(drop=True).astype({"n": "int64"})
    else:
        updated = lines
    after_docs = _distinct([kept, new])
    sets_before = _repeated(lines, before, opts)
    sets_after = _repeated(updated, after_docs, opts)
    existing = set(_groups(kept))
    for g in existing | set(sets_before) | set(sets_after):
        if g in existing and sets_before.get(g, frozenset()) != sets_after.get(g, frozenset()):
            raise IncrementalUnsafe(f"the repeated boilerplate lines of source {g!r} changed")
    out, counts = [], []
    for text, g in zip(raw, _groups(new), strict=True):
        t, n = _strip(text, sets_after.get(g, frozenset()), max_chars)
        out.append(t)
        counts.append(n)
    return out, counts, updated


def _distinct(frames: list[pd.DataFrame]) -> dict[str, int]:
    pairs = {
        pair
        for frame in frames
        for pair in zip(_groups(frame), frame["_bp_digest"].tolist(), strict=True)
    }
    return dict(Counter(g for g, _ in pairs))


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
        for b in range(_BANDS):
            maybe |= np.isin(keys[:, b], qkeys[:, b])
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
    norm = merged["_norm"].to_numpy()
    first: dict[str, int] = {}
    for i in np.argsort(rank)[::-1]:  # latest first: the earliest visited one wins
        if not is_new[i]:
            first[norm[i]] = int(i)
    dup_of = [None if v is pd.NA else v for v in merged["duplicate_of"].tolist()]
    ids = merged["doc_id"].tolist()
    pos = {d: i for i, d in enumerate(ids)}
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
    original = np.array([k is None for k in kind]) & ~is_new  # kept originals so far
    near_able = np.array([k != "exact" for k in kind]) & ~is_new  # in LSH or compared
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
            j = pos[dup_of[i]]
            if kind[j] == "near":
                sim = score[j] if score[j] is not None else old_similarity(merged["path"].iat[j])
                dup_of[i], kind[i], score[i] = dup_of[j], "near", sim
    merged["duplicate_of"] = pd.array(dup_of, dtype=pd.StringDtype())
    merged["duplicate_kind"] = pd.array(kind, dtype=pd.StringDtype())
    merged["is_duplicate"] = pd.array([k is not None for k in kind], dtype="bool")
    merged["_similarity"] = score


def merge_changes(
    corpus: pd.DataFrame,
    report: pd.DataFrame,
    lines: pd.DataFrame,
    sigs: np.ndarray,
    *,
    fresh: pd.DataFrame | None,
    gone: list[str],
    options: dict[str, Any],
) -> dict[str, Any]:
    """The stored corpus with the files in ``gone`` removed and the ``fresh`` load added.

    Returns ``{"corpus", "report", "lines", "sigs"}`` as a fresh load would store them.

    Raises:
        IncrementalUnsafe: when the merge could differ from a fresh load.
    """
    from analysis.corpus._build import doc_ids as _doc_ids

    gone_set = set(gone)
    in_gone = np.zeros(len(corpus), dtype=bool)
    if gone_set:
        file_of = dict(zip(report["path"].tolist(), report["file"].tolist(), strict=True))
        in_gone = np.array([file_of.get(p) in gone_set for p in corpus["path"].tolist()], bool)
    kept = corpus[~in_gone] if in_gone.any() else corpus
    removed = corpus[in_gone]
    kept_sigs = sigs[~in_gone]
    kept_dups = set(kept["duplicate_of"].dropna().tolist())
    if any(d in kept_dups for d in removed["doc_id"].tolist()):
        raise IncrementalUnsafe("a removed document was the original of a kept duplicate")
    kept_norm, kept_content = set(kept["_norm"].tolist()), set(kept["_content"].tolist())
    if any(n in kept_norm for n in removed["_norm"].tolist()) or any(
        c in kept_content for c in removed["_content"].tolist()
    ):
        raise IncrementalUnsafe("a removed document had an identical copy")
    rep_kept = report[[f not in gone_set for f in report["file"].tolist()]] if gone_set else report
    if fresh is None or fresh.empty:
        new = corpus.iloc[0:0].copy()
        rep_new = report.iloc[0:0]
    else:
        public = [c for c in kept.columns if not str(c).startswith("_")]
        if list(fresh.columns) != public:
            raise IncrementalUnsafe("the new files have other columns")
        new = fresh.copy()
        new["_raw_text"] = new["text"]
        new["_bp_digest"] = [_digest(t) for t in new["text"]]
        rep_new = fresh.attrs["load_report"].files
    texts, bp_counts, lines = _boilerplate(kept, removed, new, lines, options)
    if len(new):
        new["text"] = pd.array(texts, dtype=pd.StringDtype())
        new["n_chars"] = pd.array([len(t) for t in texts], dtype="int64")
        new["n_words"] = pd.array([len(t.split()) for t in texts], dtype="int64")
        new["boilerplate_lines"] = pd.array(bp_counts, dtype="int64")
        new["doc_id"] = pd.array(_doc_ids(new["title"].tolist(), texts), dtype=pd.StringDtype())
        new = _private(new.drop(columns=["_raw_text", "_bp_digest"]), new["_raw_text"].tolist())
        if any(c in kept_content for c in new["_content"].tolist()):
            raise IncrementalUnsafe("a new document is an identical copy of an existing one")
    new_sigs = (
        _signatures(
            _full_texts(new["title"], new["text"]),
            np.zeros(len(new), bool),
            options["shingle_size"],
        )
        if options["near_duplicates"]
        else np.zeros((len(new), _NUM_PERM), dtype=np.uint64)
    )
    # merged order: the report's (files sorted by relative path, rows in file order)
    files = rep_kept["file"].tolist() + rep_new["file"].tolist()
    paths = rep_kept["path"].tolist() + rep_new["path"].tolist()
    rep_order = np.asarray(sorted(range(len(files)), key=files.__getitem__), dtype=np.int64)
    frames = pd.concat([kept, new[kept.columns]], ignore_index=True)
    all_sigs = np.concatenate([kept_sigs, new_sigs]) if len(new) else kept_sigs
    is_new_all = np.r_[np.zeros(len(kept), bool), np.ones(len(new), bool)]
    where = {p: i for i, p in enumerate(frames["path"].tolist())}
    order = np.asarray([where[paths[i]] for i in rep_order if paths[i] in where], dtype=np.int64)
    merged = _take_runs(frames, order)
    all_sigs = all_sigs[order]
    is_new = is_new_all[order]

    def old_similarity(path: str) -> float | None:
        value = report.loc[report["path"] == path, "similarity"].iloc[0]
        return None if pd.isna(value) else float(value)

    _dedup_new(merged, all_sigs, is_new, options, old_similarity)
    if options["near_duplicates"]:  # exact copies are never compared: no signature kept
        all_sigs[is_new & (merged["duplicate_kind"] == "exact").fillna(False).to_numpy()] = 0
    rows = {p: k for k, p in enumerate(merged["path"].tolist())}
    rep_new = rep_new.copy()
    _update_report(rep_new, merged, is_new, rows)
    rep = _take_runs(pd.concat([rep_kept, rep_new], ignore_index=True), rep_order)
    merged = merged.drop(columns=["_similarity"])
    return {"corpus": merged, "report": rep, "lines": lines, "sigs": all_sigs}


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


def _update_report(rep: pd.DataFrame, merged: pd.DataFrame, is_new: np.ndarray, rows: dict) -> None:
    """Fill the load-report columns of the new documents' rows (in place, column-wise)."""
    new_paths = set(merged.loc[is_new, "path"].tolist())
    idx = [i for i, p in enumerate(rep["path"].tolist()) if p in new_paths]
    if not idx:
        return
    ks = [rows[p] for p in rep["path"].iloc[idx].tolist()]
    sub = merged.iloc[ks]
    kinds = sub["duplicate_kind"].tolist()
    sims = sub["_similarity"].tolist()
    values = {
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


def raw_texts_for(frame: pd.DataFrame, loaded_raw: dict[str, str]) -> list[str]:
    """Each document's text before boilerplate removal (``loaded_raw``: path -> raw text)."""
    return [
        t if n == 0 else loaded_raw[p]
        for t, n, p in zip(frame["text"], frame["boilerplate_lines"], frame["path"], strict=True)
    ]
