"""Boilerplate removal for the documents an incremental snapshot update adds.

A fresh load cleans every body with :func:`analysis.corpus._boilerplate.clean_boilerplate`. Its
footer rules look at one document only; its repeated-unit rule (lines and multi-line
paragraphs, of any length, in at least ``repeated_need(n)`` of the ``n`` distinct documents
of a source) needs the other documents of the source. So the snapshot stores:

- per document, its :func:`~analysis.corpus._boilerplate.document_digest` (after its footer cut),
  which says which documents are "distinct" for the rule (column ``_bp_digest``);
- per source, in how many distinct documents each unit of
  :func:`~analysis.corpus._boilerplate.document_units` occurs (``units.parquet``: the unit as a
  128-bit hash of its key, and the count).

:func:`merge_units` updates those counts with the removed and the new documents and cleans
the new documents with the per-document steps of :mod:`analysis.corpus._boilerplate` — the very
functions a fresh load runs — and their source's repeated units. When the repeated units of a
source that keeps documents would change (a unit's count crosses the threshold, or the
threshold, which grows with the number of documents, moves past a count), existing
documents would change: the merge names those sources and the caller loads afresh.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus._boilerplate import (
    cut_footer,
    document_digest,
    document_units,
    finish_document,
    repeated_need,
)

__all__ = ["NONE_GROUP", "UnitMerge", "count_units", "empty_units", "groups_of", "merge_units"]

NONE_GROUP = "\x00none"  # the group of documents without a source


def groups_of(frame: pd.DataFrame) -> list[str]:
    """The repeated-unit group of each row (its source; :data:`NONE_GROUP` without one)."""
    return frame["source"].astype(object).fillna(NONE_GROUP).tolist()


def empty_units() -> pd.DataFrame:
    return _units_frame(np.zeros(0, np.int64), [], np.zeros((0, 2), np.uint64), np.zeros(0))


def _units_frame(
    codes: np.ndarray, groups: list[str], hashes: np.ndarray, counts: np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": pd.Categorical.from_codes(codes, categories=pd.Index(groups, dtype=object)),
            "h1": hashes[:, 0].astype(np.uint64),
            "h2": hashes[:, 1].astype(np.uint64),
            "n": counts.astype(np.int64),
        }
    )


def _hashes(keys: Iterable[str]) -> np.ndarray:
    """A 128-bit hash of each unit key, as rows of two uint64."""
    raw = b"".join(
        hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=16).digest() for k in keys
    )
    return np.frombuffer(raw, dtype="<u8").reshape(-1, 2)


def _cut(text: str, opts: dict[str, Any]) -> tuple[list[str], int, str | None]:
    return cut_footer(
        text,
        footers=True,
        max_share=opts["footer_max_share"],
        max_chars=opts["boilerplate_max_chars"],
    )


def count_units(
    raw: Sequence[str], groups: Sequence[str], opts: dict[str, Any]
) -> tuple[pd.DataFrame, list[str]]:
    """The unit counts of a freshly loaded corpus and each document's digest (hex).

    ``raw`` is each body before boilerplate removal. Without boilerplate removal there is
    nothing to count (empty table, empty digests).
    """
    if not opts["boilerplate"]:
        return empty_units(), [""] * len(raw)
    seen: set[tuple[str, str]] = set()
    digests: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    for text, group in zip(raw, groups, strict=True):
        lines = _cut(text, opts)[0]
        digest = document_digest(lines).hex()
        digests.append(digest)
        if (group, digest) not in seen:
            seen.add((group, digest))
            counts.update((group, k) for k in document_units(lines))
    code_of: dict[str, int] = {}
    codes = np.array([code_of.setdefault(g, len(code_of)) for g, _ in counts], dtype=np.int64)
    table = _units_frame(
        codes,
        list(code_of),
        _hashes(k for _, k in counts),
        np.fromiter(counts.values(), dtype=np.int64, count=len(counts)),
    )
    return table, digests


def _lookup(
    codes: np.ndarray, hashes: np.ndarray, q_codes: np.ndarray, q_hashes: np.ndarray
) -> np.ndarray:
    """Row of each query (group code, hash) in the table, -1 where absent."""
    if len(q_codes) == 0:
        return np.zeros(0, dtype=np.int64)
    rows = np.flatnonzero(np.isin(hashes[:, 0], q_hashes[:, 0]))
    where = {
        (c, a, b): i
        for i, c, (a, b) in zip(
            rows.tolist(), codes[rows].tolist(), hashes[rows].tolist(), strict=True
        )
    }
    return np.array(
        [
            where.get((c, a, b), -1)
            for c, (a, b) in zip(q_codes.tolist(), q_hashes.tolist(), strict=True)
        ],
        dtype=np.int64,
    )


@dataclass
class UnitMerge:
    """What :func:`merge_units` found: the new documents cleaned, the updated counts."""

    texts: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # non-blank lines removed
    chars: list[int] = field(default_factory=list)  # characters removed
    markers: list[str | None] = field(default_factory=list)  # the footer block's marker
    digests: list[str] = field(default_factory=list)
    units: pd.DataFrame | None = None
    changed: list[str] = field(default_factory=list)  # sources whose existing docs change


def _unit_changes(
    kept: tuple[Sequence[str], Sequence[str]],
    gone: tuple[Sequence[str], Sequence[str], Sequence[str]],
    new: tuple[Sequence[str], Sequence[str]],
    opts: dict[str, Any],
) -> tuple[list, list[str], list, Counter[tuple[str, str]], tuple[Counter, Counter, Counter]]:
    """The new documents' footer cuts, digests and units; the change of each unit's count
    (each distinct removed or added document once); and the distinct documents per group
    kept, before (kept + gone) and after (kept + new). See :func:`merge_units`."""
    new_raw, new_groups = new
    # distinct documents per group before (kept + gone) and after (kept + new)
    kept_pairs = set(zip(*kept, strict=True))
    kept_n = Counter(g for g, _ in kept_pairs)
    gone_raw, gone_groups, gone_digests = gone
    cuts = [_cut(text, opts) for text in new_raw]
    digests = [document_digest(lines).hex() for lines, _, _ in cuts]
    new_units = [document_units(lines) for lines, _, _ in cuts]
    delta: Counter[tuple[str, str]] = Counter()
    gone_extra: set[tuple[str, str]] = set()
    for text, g, d in zip(gone_raw, gone_groups, gone_digests, strict=True):
        if (g, d) not in kept_pairs and (g, d) not in gone_extra:  # each distinct one once
            gone_extra.add((g, d))
            delta.subtract((g, k) for k in document_units(_cut(text, opts)[0]))
    new_extra: set[tuple[str, str]] = set()
    for g, d, keys in zip(new_groups, digests, new_units, strict=True):
        if (g, d) not in kept_pairs and (g, d) not in new_extra:
            new_extra.add((g, d))
            delta.update((g, k) for k in keys)
    before = kept_n + Counter(g for g, _ in gone_extra)
    after = kept_n + Counter(g for g, _ in new_extra)
    return cuts, digests, new_units, delta, (kept_n, before, after)


def merge_units(
    kept: tuple[Sequence[str], Sequence[str]],
    gone: tuple[Sequence[str], Sequence[str], Sequence[str]],
    new: tuple[Sequence[str], Sequence[str]],
    units: pd.DataFrame,
    opts: dict[str, Any],
) -> UnitMerge:
    """Clean the new bodies as a fresh load of kept + new documents would.

    Args:
        kept: (groups, digests) of the documents that stay.
        gone: (raw bodies, groups, digests) of the documents removed (or changed).
        new: (raw bodies, groups) of the documents added.
        units: the stored unit counts (kept + gone documents).
        opts: the loader options.

    Returns:
        A :class:`UnitMerge`; when ``changed`` is not empty, the rest is not filled in.
    """
    new_raw, new_groups = new
    if not opts["boilerplate"]:
        n = len(new_raw)
        return UnitMerge(list(new_raw), [0] * n, [0] * n, [None] * n, [""] * n, units)
    need_args = (opts["repeated_min_docs"], opts["repeated_min_share"])
    gone_groups = gone[1]
    cuts, digests, new_units, delta, (kept_n, before, after) = _unit_changes(kept, gone, new, opts)

    # the counts after the change, for the table's units and the new documents' units
    cat = units["group"].astype("category")
    groups = [str(c) for c in cat.cat.categories]
    code_of = {g: i for i, g in enumerate(groups)}
    for g in [*new_groups, *gone_groups]:
        code_of.setdefault(g, len(code_of))
    groups = list(code_of)
    codes = cat.cat.codes.to_numpy(dtype=np.int64)
    hashes = units[["h1", "h2"]].to_numpy(dtype=np.uint64)
    n_old = units["n"].to_numpy(dtype=np.int64)
    index = dict.fromkeys(p for p, v in delta.items() if v)
    for g, keys in zip(new_groups, new_units, strict=True):
        index.update(dict.fromkeys((g, k) for k in keys))
    pairs = list(index)
    p_codes = np.array([code_of[g] for g, _ in pairs], dtype=np.int64)
    p_hashes = _hashes(k for _, k in pairs)
    p_delta = np.array([delta.get(p, 0) for p in pairs], dtype=np.int64)
    rows = _lookup(codes, hashes, p_codes, p_hashes)
    found = rows >= 0
    n_new = n_old.copy()
    n_new[rows[found]] += p_delta[found]
    if (p_delta[~found] < 0).any() or (n_new < 0).any():
        return UnitMerge(units=units, changed=["(stored unit counts do not match)"])
    p_after = np.where(found, n_new[np.maximum(rows, 0)], p_delta)

    # a source that keeps documents must keep exactly its repeated units
    need_before = np.array([repeated_need(before[g], *need_args) for g in groups], dtype=float)
    need_after = np.array([repeated_need(after[g], *need_args) for g in groups], dtype=float)
    watched = np.array([kept_n[g] > 0 for g in groups], dtype=bool)
    flips = (n_old >= need_before[codes]) != (n_new >= need_after[codes])
    extra = ~found & (p_delta > 0)  # units in no stored document
    bad = set(codes[flips & watched[codes]].tolist())
    bad |= set(p_codes[extra & watched[p_codes] & (p_delta >= need_after[p_codes])].tolist())
    if bad:
        return UnitMerge(units=units, changed=sorted(groups[c] for c in bad))
    live = n_new > 0
    table = _units_frame(
        np.concatenate([codes[live], p_codes[extra]]),
        groups,
        np.concatenate([hashes[live], p_hashes[extra]]),
        np.concatenate([n_new[live], p_delta[extra]]),
    )

    # each new document without its footer block, footer lines and repeated units
    after_of = dict(zip(pairs, p_after.tolist(), strict=True))
    out = UnitMerge(digests=digests, units=table)
    for text, g, (lines, cut, marker), keys in zip(
        new_raw, new_groups, cuts, new_units, strict=True
    ):
        need = repeated_need(after[g], *need_args)
        drop = {k for k in keys if after_of[(g, k)] >= need}
        done, removed = finish_document(
            text, lines, cut, drop, footers=True, max_chars=opts["boilerplate_max_chars"]
        )
        out.texts.append(done)
        out.lines.append(removed)
        out.chars.append(len(text) - len(done))
        out.markers.append(marker)
    return out
