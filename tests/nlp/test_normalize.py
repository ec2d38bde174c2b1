"""Tests for analysis.nlp.normalize: cleaning, alias table, short-name resolution."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import AnalysisInputError
from analysis.nlp.normalize import (
    DEFAULT_ALIASES_PATH,
    aliases_fingerprint,
    clean_entity_text,
    load_aliases,
    normalize_entities,
)


def _ents(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    """Entity rows (doc_id, start, text, label) with sent_id/end filled in."""
    df = pd.DataFrame(rows, columns=["doc_id", "start", "text", "label"])
    df["sent_id"] = 0
    df["end"] = df["start"] + df["text"].str.len()
    return df[["doc_id", "sent_id", "start", "end", "text", "label"]]


def _names(rows, **kw) -> list[str]:
    return normalize_entities(_ents(rows), **kw)["name"].tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("North Korea's", "North Korea"),
        ("North Korea\u2019s", "North Korea"),
        ("Jones'", "Jones"),
        ("Jones\u2019", "Jones"),
        ("the United Nations", "United Nations"),
        ("The United Nations", "United Nations"),
        ("\u201cthe BBC\u2019s\u201d", "BBC"),
        ("  Gordon \n  Brown  ", "Gordon Brown"),
        ("Gordon\u00a0Brown", "Gordon Brown"),
        ("(Reuters)", "Reuters"),
        ("'Labour,", "Labour"),
        ("U.S.", "U.S."),  # the final dot of an abbreviation stays
        ("McDonald's", "McDonald's"),  # brand, not a possessive
        ("O\u2019Neill", "O'Neill"),  # curly apostrophe inside a name
        ("the", "the"),  # nothing left after cleaning: keep the text
        ("...", "..."),
    ],
)
def test_clean_entity_text(text, expected):
    assert clean_entity_text(text) == expected


def test_clean_person_title_only_for_person():
    assert clean_entity_text("Mr Blair", label="PERSON") == "Blair"
    assert clean_entity_text("Dr. Rowan Williams", label="PERSON") == "Rowan Williams"
    assert clean_entity_text("Dr Pepper", label="ORG") == "Dr Pepper"


def test_clean_none_and_nan():
    assert clean_entity_text(None) == ""
    assert clean_entity_text(float("nan")) == ""


def test_short_names_resolve_to_earlier_full_name():
    names = _names(
        [
            ("d1", 0, "Kim Jong Un", "PERSON"),
            ("d1", 20, "Vladimir Putin", "PERSON"),
            ("d1", 40, "Kim", "PERSON"),
            ("d1", 50, "Putin", "PERSON"),
            ("d1", 60, "Putin\u2019s", "PERSON"),
            ("d1", 70, "Amara Okafor", "PERSON"),
            ("d1", 90, "Okafor", "PERSON"),
            ("d1", 99, "Mr Okafor", "PERSON"),
        ]
    )
    assert names == [
        "Kim Jong Un",
        "Vladimir Putin",
        "Kim Jong Un",
        "Vladimir Putin",
        "Vladimir Putin",
        "Amara Okafor",
        "Amara Okafor",
        "Amara Okafor",
    ]


def test_short_name_before_full_name_lookahead():
    rows = [
        ("d1", 0, "Putin", "PERSON"),  # headline, before the full name
        ("d1", 10, "Vladimir Putin", "PERSON"),
        ("d2", 0, "Putin", "PERSON"),  # other document: unchanged
    ]
    assert _names(rows) == ["Vladimir Putin", "Vladimir Putin", "Putin"]
    assert _names(rows, lookahead=False) == ["Putin", "Vladimir Putin", "Putin"]


def test_lookahead_ambiguous_or_already_matched():
    rows = [
        ("d1", 0, "Smith", "PERSON"),  # two later full names fit: unchanged
        ("d1", 10, "John Smith", "PERSON"),
        ("d1", 30, "Jane Smith", "PERSON"),
        ("d2", 0, "Brown", "PERSON"),
        ("d2", 10, "Gordon Brown", "PERSON"),
        ("d2", 30, "Brown", "PERSON"),  # earlier match wins
        ("d2", 40, "James Brown", "PERSON"),
    ]
    assert _names(rows) == [
        "Smith",
        "John Smith",
        "Jane Smith",
        "Brown",  # headline Brown: Gordon and James both fit
        "Gordon Brown",
        "Gordon Brown",
        "James Brown",
    ]
    with pytest.raises(AnalysisInputError, match="lookahead"):
        _names(rows, lookahead="yes")


def test_short_name_resolution_reads_in_start_order_not_row_order():
    df = _ents([("d1", 50, "Putin", "PERSON"), ("d1", 0, "Vladimir Putin", "PERSON")])
    out = normalize_entities(df)
    assert out["name"].tolist() == ["Vladimir Putin", "Vladimir Putin"]
    assert out.index.tolist() == df.index.tolist()


def test_ambiguous_short_name_is_left_alone():
    names = _names(
        [
            ("d1", 0, "John Smith", "PERSON"),
            ("d1", 20, "Jane Smith", "PERSON"),
            ("d1", 40, "Smith", "PERSON"),
            ("d1", 50, "Jane", "PERSON"),  # unambiguous first name
        ]
    )
    assert names == ["John Smith", "Jane Smith", "Smith", "Jane Smith"]


def test_short_name_other_label_or_middle_token_not_resolved():
    names = _names(
        [
            ("d1", 0, "Vladimir Putin", "PERSON"),
            ("d1", 20, "Vladimir", "ORG"),  # different label, not a surname
            ("d1", 30, "Martin Luther King", "PERSON"),
            ("d1", 50, "Luther", "PERSON"),  # middle token only
        ]
    )
    assert names == ["Vladimir Putin", "Vladimir", "Martin Luther King", "Luther"]


def test_org_short_names_are_conservative():
    names = _names(
        [
            ("d1", 0, "Bank of England", "ORG"),
            ("d1", 20, "Bank", "ORG"),
            ("d1", 30, "Microsoft Corp", "ORG"),
            ("d1", 50, "Microsoft", "ORG"),
            ("d1", 60, "Deutsche Bank AG", "ORG"),
            ("d1", 80, "Deutsche Bank", "ORG"),
            ("d1", 95, "England", "ORG"),
            ("d1", 100, "Premier League commission", "ORG"),  # an over-long spaCy span
            ("d1", 130, "Premier League", "ORG"),
            ("d1", 150, "UFJ Holdings", "ORG"),
            ("d1", 170, "UFJ", "ORG"),
        ]
    )
    assert names == [
        "Bank of England",
        "Bank",
        "Microsoft Corp",
        "Microsoft Corp",
        "Deutsche Bank AG",
        "Deutsche Bank AG",
        "England",
        "Premier League commission",
        "Premier League",
        "UFJ Holdings",
        "UFJ Holdings",
    ]


def test_default_alias_table():
    table = load_aliases()
    assert table["U.S."] == table["US"] == table["USA"] == "United States"
    assert table["UK"] == table["Britain"] == table["Great Britain"] == "United Kingdom"
    assert table["EU"] == "European Union"
    assert table["UN"] == table["U.N."] == "United Nations"
    assert table["Nato"] == "NATO"
    assert "America" not in table
    assert load_aliases(DEFAULT_ALIASES_PATH) == table


def test_aliases_applied_after_cleaning_case_sensitive():
    names = _names(
        [
            ("d1", 0, "the U.S.", "GPE"),
            ("d1", 10, "Britain's", "GPE"),
            ("d1", 20, "the UN", "ORG"),
            ("d1", 30, "us", "GPE"),  # case-sensitive: not an alias
        ]
    )
    assert names == ["United States", "United Kingdom", "United Nations", "us"]


def test_user_alias_csv_and_mapping(tmp_path):
    path = tmp_path / "my_aliases.csv"
    path.write_text(
        "# my table\nalias,name\nBeeb,BBC\n\n  Putin , Vladimir Putin \n", encoding="utf-8"
    )
    table = load_aliases(path)
    assert table == {"Beeb": "BBC", "Putin": "Vladimir Putin"}
    rows = [("d1", 0, "the Beeb", "ORG"), ("d1", 10, "U.S.", "GPE"), ("d1", 20, "Putin", "PERSON")]
    assert _names(rows, aliases=path) == ["BBC", "U.S.", "Vladimir Putin"]
    assert _names(rows, aliases=str(path)) == ["BBC", "U.S.", "Vladimir Putin"]
    assert _names(rows, aliases={}) == ["Beeb", "U.S.", "Putin"]


def test_alias_name_is_final_not_short_name_resolved():
    rows = [("d1", 0, "Gordon Brown", "PERSON"), ("d1", 20, "Brown", "PERSON")]
    assert _names(rows, aliases={"Brown": "Brown (colour)"}) == ["Gordon Brown", "Brown (colour)"]


def test_bad_alias_tables(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(AnalysisInputError, match=r"nope\.csv"):
        load_aliases(missing)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("from,to\nUK,United Kingdom\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError, match="alias,name"):
        load_aliases(wrong)
    conflict = tmp_path / "conflict.csv"
    conflict.write_text("alias,name\nUK,United Kingdom\nUK,Ukraine\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError, match="'UK'"):
        load_aliases(conflict)
    with pytest.raises(AnalysisInputError, match="aliases"):
        normalize_entities(_ents([("d1", 0, "UK", "GPE")]), aliases=42)


def test_fingerprint_stable_and_sensitive(tmp_path):
    a = aliases_fingerprint({"UK": "United Kingdom", "EU": "European Union"})
    b = aliases_fingerprint({"EU": "European Union", "UK": "United Kingdom"})
    c = aliases_fingerprint({"UK": "United Kingdom"})
    assert a == b != c
    assert len(a) == 16
    path = tmp_path / "a.csv"
    path.write_text("alias,name\nEU,European Union\nUK,United Kingdom\n", encoding="utf-8")
    assert aliases_fingerprint(path) == a
    assert aliases_fingerprint(None) == aliases_fingerprint(load_aliases())


def test_input_not_mutated_and_columns_kept():
    df = _ents([("d1", 0, "the U.S.", "GPE"), ("d1", 10, "Kim", "PERSON")])
    before = df.copy()
    out = normalize_entities(df)
    pd.testing.assert_frame_equal(df, before)
    assert list(out.columns) == ["doc_id", "sent_id", "start", "end", "text", "label", "name"]
    assert out["text"].tolist() == before["text"].tolist()


def test_existing_name_column_replaced_and_empty_input():
    df = _ents([("d1", 0, "the UN", "ORG")])
    df["name"] = "stale"
    assert normalize_entities(df)["name"].tolist() == ["United Nations"]
    empty = _ents([])
    out = normalize_entities(empty)
    assert len(out) == 0 and "name" in out.columns


def test_missing_columns():
    with pytest.raises(AnalysisInputError, match="label"):
        normalize_entities(pd.DataFrame({"doc_id": ["a"], "start": [0], "text": ["UK"]}))
    with pytest.raises(AnalysisInputError, match="DataFrame"):
        normalize_entities([("a", 0, "UK", "GPE")])


def test_person_leading_lowercase_words_dropped_but_particles_kept():
    assert clean_entity_text("plus Ryan Giggs", label="PERSON") == "Ryan Giggs"
    assert clean_entity_text("de Gaulle", label="PERSON") == "de Gaulle"
    assert clean_entity_text("van Persie", label="PERSON") == "van Persie"
    assert clean_entity_text("plus Ryan Giggs", label="ORG") == "plus Ryan Giggs"


def test_nested_candidates_pick_the_inner_full_name():
    rows = [
        ("d1", 0, "Tony Blair", "PERSON"),
        ("d1", 30, "Howard Tony Blair", "PERSON"),  # spaCy's over-long span
        ("d1", 50, "Blair", "PERSON"),
        ("d2", 0, "George Bush", "PERSON"),
        ("d2", 20, "George W Bush", "PERSON"),
        ("d2", 40, "Bush", "PERSON"),  # neither lies inside the other: ambiguous
    ]
    assert _names(rows) == [
        "Tony Blair",
        "Howard Tony Blair",
        "Tony Blair",
        "George Bush",
        "George W Bush",
        "Bush",
    ]


def test_span_across_blank_line_keeps_first_paragraph():
    assert clean_entity_text("Nike\n\nNike") == "Nike"
    assert clean_entity_text("Borussia Dortmund\n \nShares") == "Borussia Dortmund"
    assert clean_entity_text("\n\nLenovo") == "Lenovo"
    assert clean_entity_text("Gordon\nBrown") == "Gordon Brown"  # one line break: joined


def test_lookahead_only_for_one_word_names():
    rows = [
        ("d1", 0, "Tony Blair", "PERSON"),
        ("d1", 30, "Howard Tony Blair", "PERSON"),
    ]
    assert _names(rows) == ["Tony Blair", "Howard Tony Blair"]


def test_surname_mislabelled_org_or_gpe_takes_the_person_of_the_document():
    rows = [
        ("d1", 0, "Rohan Castell", "PERSON"),
        ("d1", 40, "Castell", "ORG"),  # spaCy's small model does this
        ("d1", 60, "Marsh", "GPE"),  # no Marsh named in full in d1: unchanged
        ("d2", 0, "Castell", "ORG"),  # other document: unchanged
        ("d3", 0, "Jane Smith", "PERSON"),
        ("d3", 20, "John Smith", "PERSON"),
        ("d3", 40, "Smith", "ORG"),  # two people fit: ambiguous, unchanged
        ("d4", 0, "Helena Marsh", "PERSON"),
        ("d4", 20, "UK", "GPE"),  # aliased names are final
    ]
    assert _names(rows) == [
        "Rohan Castell",
        "Rohan Castell",
        "Marsh",
        "Castell",
        "Jane Smith",
        "John Smith",
        "Smith",
        "Helena Marsh",
        "United Kingdom",
    ]
    labels = normalize_entities(_ents(rows))["label"].tolist()
    assert labels[1] == "ORG"  # the raw label is kept
