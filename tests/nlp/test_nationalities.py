"""Demonyms in co-occurrence (analysis.nlp.nationalities); the end-to-end co-occurrence test is
in tests/nlp/test_entity_layer.py."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import AnalysisInputError
from analysis.nlp.nationalities import (
    apply_nationalities,
    demonyms,
    is_own_demonym_pair,
    own_demonym_codes,
)
from analysis.nlp.normalize import load_aliases


def test_demonym_table_maps_to_normalised_country_names():
    table = demonyms()
    assert table["American"] == "United States"
    assert table["British"] == "United Kingdom"
    assert is_own_demonym_pair("Russian", "Russia")
    assert not is_own_demonym_pair("Russian", "Ukraine")


def test_apply_nationalities_modes():
    e = pd.DataFrame(
        {"name": ["American", "Conservatives", "Texas"], "label": ["NORP"] * 2 + ["GPE"]}
    )
    assert apply_nationalities(e, nationalities="separate").equals(e)
    country = apply_nationalities(e, nationalities="country")
    assert country["name"].tolist() == ["United States", "Conservatives", "Texas"]
    assert country["label"].tolist() == ["GPE", "NORP", "GPE"]
    assert apply_nationalities(e, nationalities="drop")["name"].tolist() == [
        "Conservatives",
        "Texas",
    ]
    with pytest.raises(AnalysisInputError, match="nationalities"):
        apply_nationalities(e, nationalities="merge")


def test_every_country_of_the_table_is_a_normalised_name():
    # The aliases map variants to the names the table uses, never the other way round.
    aliases = load_aliases()
    assert not set(demonyms().values()) & set(aliases)
    assert not set(demonyms()) & set(aliases)


def test_own_demonym_codes_are_sorted_pair_keys():
    names = sorted(["American", "Russia", "Russian", "United States"])
    keys = own_demonym_codes(names, len(names))
    pairs = {(names[k // len(names)], names[k % len(names)]) for k in keys}
    assert pairs == {("American", "United States"), ("Russia", "Russian")}
