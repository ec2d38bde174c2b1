"""Private helpers that check arguments and DataFrames and raise clear errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from analysis.errors import AnalysisInputError


def require_columns(df: Any, columns: Iterable[str], *, func: str, arg: str = "corpus") -> None:
    """Raise AnalysisInputError unless ``df`` is a DataFrame with all ``columns``."""
    if not isinstance(df, pd.DataFrame):
        raise AnalysisInputError(
            f"{func}(): argument {arg!r} must be a pandas DataFrame, got {type(df).__name__}"
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisInputError(
            f"{func}(): {arg} is missing column(s) {missing}; it has {list(df.columns)}. "
            "Load it with analysis.load_corpus() or rename your columns."
        )


def require_nonempty(df: pd.DataFrame, *, func: str, arg: str = "corpus") -> None:
    """Raise AnalysisInputError when ``df`` has no rows."""
    if len(df) == 0:
        raise AnalysisInputError(f"{func}(): {arg} is empty (0 rows); nothing to analyse")


def require_choice(value: Any, choices: Iterable[Any], *, func: str, arg: str) -> None:
    """Raise AnalysisInputError unless ``value`` is one of ``choices``."""
    choices = list(choices)
    if value not in choices:
        raise AnalysisInputError(
            f"{func}(): {arg}={value!r} is not valid; expected one of {choices}"
        )


def require_positive_int(value: Any, *, func: str, arg: str, minimum: int = 1) -> None:
    """Raise AnalysisInputError unless ``value`` is an int >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise AnalysisInputError(
            f"{func}(): {arg}={value!r} is not valid; expected an integer >= {minimum}"
        )


def document_text(corpus: pd.DataFrame) -> pd.Series:
    """The text every analysis reads for a document: title, blank line, body.

    Titles carry many of a news article's entities and much of its framing, so
    they are analysed with the body. A missing title or text counts as empty.
    """
    title = corpus["title"].fillna("").astype(str) if "title" in corpus else ""
    text = corpus["text"].fillna("").astype(str)
    if isinstance(title, str):
        return text
    joined = title + "\n\n" + text
    return joined.where(title.str.len() > 0, text)
