"""Tests for analysis.reports.notebook: notebook paths, the grouping column, column checks."""

from __future__ import annotations

import pytest
from _filter_data import dated_corpus as _corpus

from analysis.errors import AnalysisInputError
from analysis.reports.notebook import check_column, grouping_column, resolve_notebook_path


def test_resolve_notebook_path(tmp_path, monkeypatch):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(tmp_path)
    # relative to the notebooks folder when it does not exist from here
    assert Path(resolve_notebook_path("../data/sample")).resolve() == (root / "data" / "sample")
    # existing relative paths and absolute paths are kept
    (tmp_path / "mine").mkdir()
    assert resolve_notebook_path("mine") == "mine"
    assert resolve_notebook_path(str(tmp_path)) == str(tmp_path)
    # unknown paths are returned unchanged (the loader reports them)
    assert resolve_notebook_path("nowhere/at/all") == "nowhere/at/all"


def test_grouping_column():
    df = _corpus()
    assert grouping_column(df) == "source"
    one_source = df.assign(source="Wire")
    assert grouping_column(one_source) == "category"
    assert grouping_column(one_source.assign(category=None)) is None
    assert grouping_column(df.drop(columns=["source"])) == "category"


def test_check_column_names_the_columns_there():
    df = _corpus()
    assert check_column(df, "source") == "source"
    with pytest.raises(
        AnalysisInputError, match=r"by='nonexistent' is not a column.*doc_id, title"
    ):
        check_column(df, "nonexistent")
