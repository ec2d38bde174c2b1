"""Private: what the annotation cache stores: row kinds, Arrow schemas and keys.

One part holds three kinds of row (column ``kind``): one :data:`TEXT_KIND` row per text,
:data:`SENTENCE_KIND` rows (sentence spans + VADER scores) and :data:`ENTITY_KIND` rows
(entity spans + labels), keyed by :func:`text_hash` of the exact text. Name memos hold
one normalised name per entity row (:data:`NAME_SCHEMA`), layer memos a text's document
entity layer rows (:data:`LAYER_SCHEMA`). A cache folder is named by
:func:`fingerprint_of` what its rows depend on.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pyarrow as pa

__all__ = [
    "ENTITY_KIND",
    "LAYER_SCHEMA",
    "NAME_SCHEMA",
    "PART_SCHEMA",
    "SCHEMA_VERSION",
    "SENTENCE_KIND",
    "TEXT_KIND",
    "fingerprint_of",
    "text_hash",
]

#: Bump when the rows written for a text change meaning or shape.
SCHEMA_VERSION = 2

TEXT_KIND, SENTENCE_KIND, ENTITY_KIND = 0, 1, 2

PART_SCHEMA = pa.schema(
    [
        ("hash", pa.string()),
        ("kind", pa.int8()),
        ("sent_id", pa.int32()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("neg", pa.float64()),
        ("neu", pa.float64()),
        ("pos", pa.float64()),
        ("compound", pa.float64()),
        ("compound_masked", pa.float64()),
    ]
)

NAME_SCHEMA = pa.schema([("hash", pa.string()), ("start", pa.int32()), ("name", pa.string())])

#: Rows of the document entity layer memo: one text's layer rows, in the layer's order.
LAYER_SCHEMA = pa.schema(
    [
        ("hash", pa.string()),
        ("sent_id", pa.int64()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("name", pa.string()),
        ("origin", pa.string()),
    ]
)


def text_hash(text: str) -> str:
    """The cache key of one exact text: 32 hex digits of BLAKE2b.

    Example:
        >>> len(text_hash("Hello"))
        32
    """
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def fingerprint_of(parts: dict[str, Any]) -> str:
    """A stable 16-hex-digit hash of a JSON-able description (order of keys ignored)."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
