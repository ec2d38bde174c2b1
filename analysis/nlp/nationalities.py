"""Demonyms in entity co-occurrence: kept apart, counted as their country, or dropped.

spaCy labels "Russian" and "Americans" NORP. In a co-occurrence table "American" next to
"United States" is no finding (the article says the same thing twice), so
:func:`analysis.analyses.cooccurrence.entity_cooccurrence` never reports a country with its own
demonym, and its ``nationalities=`` option decides what else happens to them. The table
(demonym -> country, in the normalised names of ``aliases.csv``) ships as
``analysis/data/demonyms.csv``.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from analysis._validate import require_choice, require_columns

__all__ = ["apply_nationalities", "demonyms", "is_own_demonym_pair", "own_demonym_codes"]

_DATA = Path(__file__).resolve().parents[1] / "data"
_NATIONALITIES = ("separate", "country", "drop")


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """The shipped demonym -> country table (``analysis/data/demonyms.csv``).

    Example:
        >>> demonyms()["American"]
        'United States'
    """
    with (_DATA / "demonyms.csv").open(encoding="utf-8") as fh:
        rows = csv.DictReader(ln for ln in fh if not ln.startswith("#"))
        return {r["demonym"]: r["country"] for r in rows}


def apply_nationalities(
    entities: pd.DataFrame, *, nationalities: Literal["separate", "country", "drop"] = "separate"
) -> pd.DataFrame:
    """Demonym mentions (NORP "Russian", "Americans") kept, made their country, or dropped.

    Args:
        entities: mentions with ``name`` and ``label`` columns.
        nationalities: "separate" keeps them as NORP entities of their own; "country"
            names them after their country (label GPE: "American" counts as "United
            States"); "drop" leaves them out. Only NORP mentions whose name is in
            :func:`demonyms` are affected.

    Returns:
        A new DataFrame.

    Example:
        >>> e = pd.DataFrame({"name": ["American"], "label": ["NORP"]})
        >>> apply_nationalities(e, nationalities="country")["name"].tolist()
        ['United States']
    """
    require_choice(nationalities, _NATIONALITIES, func="apply_nationalities", arg="nationalities")
    require_columns(entities, ["name", "label"], func="apply_nationalities", arg="entities")
    table = demonyms()
    is_demonym = (entities["label"] == "NORP") & entities["name"].isin(table)
    if nationalities == "separate" or not is_demonym.any():
        return entities.copy()
    if nationalities == "drop":
        return entities[~is_demonym].reset_index(drop=True)
    out = entities.copy()
    out.loc[is_demonym, "name"] = out.loc[is_demonym, "name"].map(table)
    out.loc[is_demonym, "label"] = "GPE"
    return out


def own_demonym_codes(names: Any, size: int) -> list[int]:
    """Pair keys ``code_a * size + code_b`` (code = position in the sorted ``names``, a < b)
    of every country-and-own-demonym pair among ``names``; used by entity_cooccurrence."""
    values = names.tolist() if hasattr(names, "tolist") else names
    position = {n: i for i, n in enumerate(values)}
    keys = []
    for demonym, country in demonyms().items():
        if demonym in position and country in position:
            a, b = sorted((position[demonym], position[country]))
            keys.append(a * int(size) + b)
    return keys


def is_own_demonym_pair(a: str, b: str) -> bool:
    """True for a country and its own demonym ("American" and "United States").

    Example:
        >>> is_own_demonym_pair("United States", "American")
        True
    """
    table = demonyms()
    return table.get(a) == b or table.get(b) == a
