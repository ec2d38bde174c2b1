"""The document entity layer, memoised in the annotation cache per text.

:func:`analysis.nlp.entity_layer.document_entities` is pure Python and takes about 1.5 ms per
BBC article (3 s for the 2,225 of them), in every entity report run. Its result for a
document depends only on that document's mentions (with their normalised names) and
sentences, that is on the text, the annotation cache's model (its fingerprint folder), the
alias table and the layer's own rules. So :func:`cached_document_entities` keeps each
text's layer rows in ``<cache>/<fingerprint>/layer-<key>.parquet`` (keyed by the text's
hash, like the cache's other rows) and only computes the texts missing there. ``key``
hashes :data:`LAYER_VERSION`, the alias table's fingerprint and the bytes of the code and
data the layer is made with (``entity_layer.py``, ``normalize.py``,
``nationalities.py``, ``analysis/data/*``): a change to any of them starts a new memo.
The result equals ``document_entities(ann.entities, ann.sentences)`` (tested), and is
computed directly when the cache is off or doc_ids repeat.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Bump when the layer's rows for a text change meaning or shape without its code changing.
LAYER_VERSION = 1

_HERE = Path(__file__).resolve().parent
_SOURCES = ("entity_layer.py", "normalize.py", "nationalities.py")


def _layer_sources() -> list[Path]:
    """The files the layer is made with: its modules and the package's ``analysis/data``."""
    paths = [_HERE / name for name in _SOURCES]
    data = _HERE.parent / "data"  # analysis/data, beside the stages
    if data.is_dir():
        paths += sorted(p for p in data.iterdir() if p.is_file())
    return paths


@functools.cache
def _code_fingerprint() -> str:
    digest = hashlib.sha256(f"layer v{LAYER_VERSION}".encode())
    for path in _layer_sources():
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def layer_fingerprint(aliases_fp: str) -> str:
    """The memo key: the layer's code and data, and the alias table (16 hex digits)."""
    both = f"{_code_fingerprint()}:{aliases_fp}".encode()
    return hashlib.sha256(both).hexdigest()[:16]


def _computed(entities: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    from analysis.nlp.entity_layer import document_entities
    from analysis.nlp.normalize import normalize_entities

    if "name" not in entities.columns:
        entities = normalize_entities(entities)
    return document_entities(entities, sentences)


def cached_document_entities(
    entities: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    store: Any,
    aliases_fp: str,
    doc_ids: np.ndarray,
    doc_codes: np.ndarray,
    unique_keys: pa.Array,
) -> pd.DataFrame:
    """``document_entities(entities, sentences)`` through the memo of ``store``.

    Args:
        entities, sentences: the annotations of the documents ``doc_ids`` (as
            :func:`analysis.nlp.annotator.annotate` returned them, names included).
        store: the :class:`analysis.nlp.store.AnnotationStore` they were read from.
        aliases_fp: fingerprint of the alias table the names were made with.
        doc_ids: every document's id, in corpus order.
        doc_codes: every document's text, as a position in ``unique_keys``.
        unique_keys: the hashes of the corpus's distinct texts.
    """
    ids = pd.Series(doc_ids, dtype=object)
    if store is None or store.folder is None or ids.duplicated().any():
        return _computed(entities, sentences)
    layer_fp = layer_fingerprint(aliases_fp)
    n_unique = len(unique_keys)
    memo = store.read_layer(layer_fp)
    memo_codes = pc.index_in(memo["hash"], value_set=unique_keys).fill_null(-1).to_numpy()
    marker = pc.is_null(memo["origin"]).to_numpy(zero_copy_only=False)
    done = np.zeros(n_unique, dtype=bool)
    done[memo_codes[marker & (memo_codes >= 0)]] = True
    missing = np.flatnonzero(~done)
    if len(missing):
        # one document per missing text: the first with it
        first_doc = np.full(n_unique, -1, dtype=np.int64)
        for d in range(len(doc_codes) - 1, -1, -1):
            first_doc[doc_codes[d]] = d
        chosen = ids.iloc[first_doc[missing]]
        new_keys = unique_keys.take(pa.array(missing)).to_pylist()
        hash_of = dict(zip(chosen.tolist(), new_keys, strict=True))
        keep = set(hash_of)
        fresh = _computed(
            entities[entities["doc_id"].isin(keep)], sentences[sentences["doc_id"].isin(keep)]
        )
        hashes = [hash_of[d] for d in fresh["doc_id"].tolist()]
        table = pa.table(
            {
                "hash": hashes + new_keys,  # every text computed gets a marker row
                "sent_id": fresh["sent_id"].tolist() + [-1] * len(new_keys),
                "start": fresh["start"].tolist() + [-1] * len(new_keys),
                "end": fresh["end"].tolist() + [-1] * len(new_keys),
                "text": fresh["text"].tolist() + [None] * len(new_keys),
                "label": fresh["label"].tolist() + [None] * len(new_keys),
                "name": fresh["name"].tolist() + [None] * len(new_keys),
                "origin": fresh["origin"].tolist() + [None] * len(new_keys),
            }
        )
        store.add_layer(layer_fp, table)
        memo = pa.concat_tables([memo, table.cast(memo.schema)])
        memo_codes = pc.index_in(memo["hash"], value_set=unique_keys).fill_null(-1).to_numpy()
        marker = pc.is_null(memo["origin"]).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(~marker & (memo_codes >= 0))
    rows = rows[np.argsort(memo_codes[rows], kind="stable")]  # by text, each in layer order
    from analysis.nlp._assemble import _expansion

    pos, doc_of_row = _expansion(memo_codes[rows], np.asarray(doc_codes), n_unique)
    take = pa.array(rows[pos])
    from analysis.nlp.entity_layer import LAYER_COLUMNS

    table = memo.select(LAYER_COLUMNS[1:]).take(take)
    table = table.add_column(0, "doc_id", pa.array(ids.take(doc_of_row).tolist(), pa.string()))
    frame = table.to_pandas()
    frame = frame.sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)
    for col in ("sent_id", "start", "end"):
        frame[col] = frame[col].astype("int64")
    return frame
