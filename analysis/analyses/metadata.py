"""Metadata from what a corpus already carries: sections from URL paths, column mappings.

- :func:`url_section` / :func:`with_url_sections`: the section of a news URL is the last
  path segment with its trailing numeric article id removed
  (``/news/world-europe-60638042`` -> ``world-europe``); when nothing but the id is left
  (``/sport/football/60640428``), the segment before it (``football``).
- :func:`parse_column_mapping`: ``category=section,text=body`` (the CLI's ``--columns``)
  -> ``{"category": "section", "text": "body"}``, checked against the loader's fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import pandas as pd

from analysis.errors import AnalysisInputError

__all__ = ["load_report_corpus", "parse_column_mapping", "url_section", "with_url_sections"]

_ID_TAIL = re.compile(r"[-_.]?\d+$")
_EXT = re.compile(r"\.(?:s?html?|php|aspx?)$", re.IGNORECASE)


def url_section(url: str | None) -> str | None:
    """The section named in a news URL's path, or None.

    Example:
        >>> url_section("https://www.bbc.co.uk/news/world-europe-60638042")
        'world-europe'
        >>> url_section("https://www.bbc.co.uk/sport/football/60640428")
        'football'
    """
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    segments = [s for s in path.split("/") if s]
    while segments:
        seg = _EXT.sub("", segments.pop())
        name = _ID_TAIL.sub("", seg)
        if re.search(r"[A-Za-z]", name):
            return name.lower()
    return None


def with_url_sections(
    corpus: pd.DataFrame, *, into: str = "section", overwrite: bool = False
) -> pd.DataFrame:
    """A copy of ``corpus`` with column ``into`` filled from each document's ``url``.

    Args:
        corpus: a frame with a ``url`` column (e.g. from ``load_corpus``).
        into: the column to fill, e.g. "section" (new) or "category".
        overwrite: replace existing values (default: only fill missing ones).

    Example:
        >>> with_url_sections(corpus)["section"].value_counts().head()  # doctest: +SKIP
    """
    if "url" not in corpus.columns:
        raise AnalysisInputError(
            f"with_url_sections(): argument 'corpus' has no 'url' column; columns are "
            f"{list(corpus.columns)}"
        )
    if not isinstance(into, str) or not into:
        raise AnalysisInputError(f"with_url_sections(): into={into!r}; expected a column name")
    derived = pd.array([url_section(u) for u in corpus["url"].tolist()], dtype=pd.StringDtype())
    out = corpus.copy()
    if into in out.columns and not overwrite:
        current = out[into].astype(pd.StringDtype())
        out[into] = current.where(current.notna(), pd.Series(derived, index=out.index))
    else:
        out[into] = derived
    return out


def parse_column_mapping(items: Iterable[str] | str | None) -> dict[str, str | None]:
    """``["category=section", "text=body"]`` or ``"category=section,text=body"`` -> dict.

    An empty right-hand side (``url=``) ignores that field.

    Example:
        >>> parse_column_mapping("category=section,text=body")
        {'category': 'section', 'text': 'body'}
    """
    from analysis.corpus._records import FIELDS

    if items is None:
        return {}
    if isinstance(items, str):
        items = [items]
    out: dict[str, str | None] = {}
    for item in items:
        for part in str(item).split(","):
            if not part.strip():
                continue
            field, sep, column = part.partition("=")
            field = field.strip()
            if not sep or field not in FIELDS:
                raise AnalysisInputError(
                    f"columns: {part.strip()!r} is not valid; expected FIELD=COLUMN with FIELD "
                    f"one of {list(FIELDS)}, e.g. category=section"
                )
            out[field] = column.strip() or None
    return out


def load_report_corpus(
    path: str,
    *,
    cache_dir: str | None = None,
    columns: dict[str, str | None] | None = None,
    url_section: str | None = None,
) -> pd.DataFrame:
    """The corpus as every report of a run (and its briefing) loads it.

    :func:`analysis.load_corpus` through the corpus snapshot (the reports of a run load the
    corpus once; a later run reads only new or changed files), with ``columns`` mapped and,
    with ``url_section``, that column filled from URL paths (:func:`with_url_sections`).

    Example:
        >>> raw = load_report_corpus("data/sample", url_section="section")  # doctest: +SKIP
    """
    from analysis.corpus.snapshot import load_corpus_cached

    raw = load_corpus_cached(path, cache_dir=cache_dir, columns=columns, quiet=True)
    if url_section:  # e.g. /news/world-europe-60638042 -> "world-europe"
        raw = with_url_sections(raw, into=url_section)
    return raw
