"""What report notebooks do with their parameters: find paths, pick and check columns.

Example:
    >>> corpus = load_corpus(resolve_notebook_path("../data/sample"))  # doctest: +SKIP
    >>> by = check_column(corpus, grouping_column(corpus) or "source")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import AnalysisInputError

__all__ = ["check_column", "grouping_column", "resolve_notebook_path"]


def resolve_notebook_path(path: str | os.PathLike[str]) -> str:
    """A path parameter of a report notebook, found from wherever the kernel runs.

    Report notebooks give paths relative to the ``notebooks/`` folder (``"../data/sample"``)
    and the report runner starts them there. When the kernel runs elsewhere (e.g.
    ``papermill notebooks/term_frequency.ipynb out.ipynb`` from the repository root), a
    relative path that does not exist from the working folder is looked up beside the
    package's ``notebooks/`` folder instead. Absolute and existing paths are returned as given.

    Example:
        >>> resolve_notebook_path("../data/sample")  # doctest: +SKIP
        '/home/me/newsdesk/notebooks/../data/sample'
    """
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return str(given)
    beside = Path(__file__).resolve().parents[2] / "notebooks" / given
    return str(beside) if beside.exists() else str(given)


def grouping_column(
    corpus: pd.DataFrame, candidates: tuple[str, ...] = ("source", "category")
) -> str | None:
    """The first of ``candidates`` that splits ``corpus`` into at least two groups, or None.

    Reports compare sources; a corpus of one source (e.g. folders of one site) is compared
    by category instead.

    Example:
        >>> grouping_column(load_corpus("bbc/"))  # one source, five category folders
        'category'
    """
    for column in candidates:
        if column in corpus and corpus[column].dropna().nunique() >= 2:
            return column
    return None


def check_column(corpus: pd.DataFrame, column: Any, *, arg: str = "by") -> str:
    """``column`` when it is a column of ``corpus``; else an error naming the columns there.

    Report notebooks call this right after loading, so a misspelt ``by`` fails the report
    with one line instead of a traceback in the middle of it.

    Raises:
        AnalysisInputError: when ``column`` is not a column name of ``corpus``.

    Example:
        >>> check_column(load_corpus("data/sample"), "source")
        'source'
    """
    if not isinstance(column, str) or column not in corpus.columns:
        columns = ", ".join(str(c) for c in corpus.columns)
        raise AnalysisInputError(
            f"{arg}={column!r} is not a column of the corpus; expected one of: {columns}"
        )
    return column
