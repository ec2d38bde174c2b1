"""Private: the result frames of :func:`analysis.nlp.annotator.annotate`, from cached rows.

The raw rows of the corpus's texts are read from the cache part by part (:class:`_Rows`),
mapped back to every ``doc_id`` in corpus order and turned into pandas frames column by
column in Arrow, from single-chunk tables, converted once. Entity names are normalised
with :func:`analysis.nlp.normalize.normalize_entities`, memoised in the cache per alias
table (changing aliases costs milliseconds and no spaCy run).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.nlp.annotations import ENTITY_COLUMNS, SENTENCE_COLUMNS
from analysis.nlp.store import (
    ENTITY_KIND,
    NAME_SCHEMA,
    PART_SCHEMA,
    SENTENCE_KIND,
    TEXT_KIND,
    AnnotationStore,
)

__all__ = ["corpus_frames"]


def _excl_cumsum(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=out[1:])
    return out


def _expansion(
    sorted_codes: np.ndarray, doc_codes: np.ndarray, n_unique: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positions into rows sorted by text code, repeated for every document (corpus order).

    Returns ``(positions, doc_of_row)``: output row k is sorted row ``positions[k]`` of
    document number ``doc_of_row[k]``.
    """
    counts = np.bincount(sorted_codes, minlength=n_unique)
    offsets = _excl_cumsum(counts)
    per_doc = counts[doc_codes]
    doc_of_row = np.repeat(np.arange(len(doc_codes)), per_doc)
    within = np.arange(len(doc_of_row)) - _excl_cumsum(per_doc)[doc_of_row]
    return offsets[doc_codes][doc_of_row] + within, doc_of_row


_SENT_RAW = ["code", *SENTENCE_COLUMNS[1:]]  # as stored: the text key, not the doc_id
_ENT_RAW = ["code", "sent_id", "start", "end", "text", "label"]


class _Rows:
    """Raw rows of the corpus's texts, split by kind as each cache part is read.

    Only sentence and entity rows are kept, without the 32-char ``hash`` (replaced by the
    text's int32 code, its position among the corpus's unique texts) and without the
    columns that are null for that kind, so one whole part at most is in memory besides
    the kept rows.
    """

    def __init__(self, unique_arr: pa.Array):
        self.unique_arr = unique_arr
        self.sentences: list[pa.Table] = []
        self.entities: list[pa.Table] = []

    def add(self, parts: Iterator[pa.Table]) -> set[int]:
        """Keep the rows of ``parts``; returns the codes of the texts they hold."""
        found: set[int] = set()
        for part in parts:
            code = pc.index_in(part["hash"], value_set=self.unique_arr).cast(pa.int32())
            kind = part["kind"]
            found.update(code.filter(pc.equal(kind, TEXT_KIND)).to_pylist())
            part = part.drop_columns(["hash"]).append_column("code", code)
            self.sentences.append(part.select(_SENT_RAW).filter(pc.equal(kind, SENTENCE_KIND)))
            self.entities.append(part.select(_ENT_RAW).filter(pc.equal(kind, ENTITY_KIND)))
            del part, code, kind
        return found

    @staticmethod
    def _combined(tables: list[pa.Table], columns: list[str]) -> pa.Table:
        """One single-chunk table (Arrow's take on many chunks would copy them all first)."""
        if not tables:
            fields = [PART_SCHEMA.field(c) for c in columns if c != "code"]
            return pa.schema([pa.field("code", pa.int32()), *fields]).empty_table()
        table = pa.concat_tables(tables).combine_chunks()
        tables.clear()
        return table

    def take_sentences(self) -> pa.Table:
        return self._combined(self.sentences, _SENT_RAW)

    def take_entities(self) -> pa.Table:
        return self._combined(self.entities, _ENT_RAW)


def _frame(
    rows: pa.Table, take: pa.Array, doc_ids: pa.Array, columns: list[str], extra: dict | None = None
) -> pd.DataFrame:
    """The final pandas frame: ``rows`` taken at ``take``, built column by column in Arrow."""
    extra = extra or {}
    cols: dict[str, pa.Array] = {}
    for col in columns:
        if col == "doc_id":
            cols[col] = doc_ids
        elif col in extra:
            cols[col] = extra[col]
        elif col in ("sent_id", "start", "end"):
            cols[col] = rows[col].take(take).cast(pa.int64())
        else:
            cols[col] = rows[col].take(take)
    table = pa.table(cols)
    del cols, extra
    return table.to_pandas(self_destruct=True, split_blocks=True)


#: Texts normalised per call of normalize_entities (bounds the memory it takes).
_NAMES_BATCH = 500


def _names_for(
    store: AnnotationStore,
    ents: pa.Table,
    order: np.ndarray,
    codes: np.ndarray,
    starts: np.ndarray,
    unique: pa.Array,
    aliases: Any,
) -> pa.Array:
    """Normalised names of the entity rows ``ents`` in (code, start) order, memoised.

    ``ents`` has columns code, sent_id, start, end, text, label; ``order`` sorts it by
    text code then start, and ``codes``/``starts`` are those columns in that order.
    Returns the ``name`` of each row in that sorted order. Memoised per alias table.
    """
    from analysis.nlp.normalize import aliases_fingerprint, normalize_entities

    afp = aliases_fingerprint(aliases)
    memo = store.read_names(afp)
    memo_codes = pc.index_in(memo["hash"], value_set=unique).fill_null(-1).to_numpy()
    memo = memo.drop_columns(["hash"])
    need = np.setdiff1d(np.unique(codes), memo_codes[memo_codes >= 0])
    fresh_parts = []
    for i in range(0, len(need), _NAMES_BATCH):
        rows = order[np.isin(codes, need[i : i + _NAMES_BATCH])]
        todo = ents.take(pa.array(rows))
        hashes = unique.take(todo["code"])
        frame = pd.DataFrame(
            {
                "doc_id": hashes.to_numpy(zero_copy_only=False),
                "sent_id": todo["sent_id"].to_numpy(),
                "start": todo["start"].to_numpy(),
                "end": todo["end"].to_numpy(),
                "text": todo["text"].to_numpy(zero_copy_only=False),
                "label": todo["label"].to_numpy(zero_copy_only=False),
            }
        )
        named = normalize_entities(frame, aliases=aliases)
        fresh_parts.append(
            pa.table(
                {
                    "hash": hashes,
                    "start": todo["start"],
                    "name": pa.array(named["name"].astype(str).tolist(), pa.string()),
                },
                schema=NAME_SCHEMA,
            )
        )
        del frame, named, todo, hashes
    if fresh_parts:
        fresh = pa.concat_tables(fresh_parts)
        del fresh_parts
        store.add_names(afp, fresh)
        fresh_codes = pc.index_in(fresh["hash"], value_set=unique).to_numpy()
        memo = pa.concat_tables([memo, fresh.drop_columns(["hash"])])
        memo_codes = np.concatenate([memo_codes, fresh_codes])
        del fresh
    # Align the memo with the entity rows: same (code, start) order.
    valid = np.flatnonzero(memo_codes >= 0)
    memo_starts = memo["start"].to_numpy()
    memo_order = valid[np.lexsort((memo_starts[valid], memo_codes[valid]))]
    if len(memo_order) != len(codes) or not (
        np.array_equal(memo_codes[memo_order], codes)
        and np.array_equal(memo_starts[memo_order], starts)
    ):
        # A memo that does not match its texts (edited or partly lost): rebuild it.
        warnings.warn(
            "annotate(): the cached entity names do not match the cached entities; "
            "normalising them again",
            RuntimeWarning,
            stacklevel=3,
        )
        store.drop_names(afp)
        del memo
        return _names_for(store, ents, order, codes, starts, unique, aliases)
    return memo["name"].combine_chunks().take(pa.array(memo_order))


def corpus_frames(
    store: AnnotationStore,
    rows: _Rows,
    doc_codes: np.ndarray,
    doc_ids: pa.Array,
    unique_arr: pa.Array,
    aliases: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``sentences`` and ``entities`` frames: each document gets the rows of its text.

    ``doc_codes`` are the documents' text codes (corpus order; a code is the text's
    position in ``unique_arr``, the distinct text hashes), ``doc_ids`` their ids and
    ``rows`` the raw rows of every distinct text.
    """
    n_unique = len(unique_arr)

    raw = rows.take_sentences()
    codes = raw["code"].to_numpy().astype(np.int64)
    order = np.lexsort((raw["sent_id"].to_numpy(), codes))
    pos, doc_of_row = _expansion(codes[order], doc_codes, n_unique)
    take = pa.array(order[pos])
    del codes, order, pos
    sentences = _frame(raw, take, doc_ids.take(pa.array(doc_of_row)), SENTENCE_COLUMNS)
    del raw, take, doc_of_row

    raw = rows.take_entities()
    codes = raw["code"].to_numpy().astype(np.int64)
    starts = raw["start"].to_numpy()
    order = np.lexsort((starts, codes))
    codes, starts = codes[order], starts[order]
    names = _names_for(store, raw, order, codes, starts, unique_arr, aliases)
    pos, doc_of_row = _expansion(codes, doc_codes, n_unique)
    del codes, starts
    take = pa.array(order[pos])
    entities = _frame(
        raw,
        take,
        doc_ids.take(pa.array(doc_of_row)),
        ENTITY_COLUMNS,
        extra={"name": names.take(pa.array(pos))},
    )
    return sentences, entities
