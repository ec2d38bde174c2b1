"""Test data for the term analyses: a tiny hand-checkable corpus and a BBC reader.

The BBC corpus is read here directly (title = first line, category = folder, UTF-8 with
a Latin-1 fallback) so the term tests do not depend on analysis.corpus.load.load_corpus.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
from _corpora import bbc_frame

# Original sentences written for these tests.
SMALL_DOCS = [
    # doc_id, title, text, source, category, published
    (
        "a",
        "Rates rise again",
        "The Bank of England raised interest rates. Interest  rates\nrose to 5%. "
        "Blair's government didn't comment.",
        "wire",
        "economy",
        "2026-10-05T09:00:00Z",
    ),
    (
        "b",
        "Striker scores",
        "The striker scored twice. Strikes by workers hit the club's bus. "
        "The striker's goal won the match.",
        "wire",
        "sport",
        "2026-10-06T18:30:00Z",
    ),
    (
        "c",
        "",
        "Interest rates and the striker.",
        "paper",
        None,
        "2026-09-21T07:00:00Z",
    ),
    (
        "d",
        "Quiet day",
        "Nothing happened.",
        "paper",
        "economy",
        None,
    ),
]

# A small stop-word list so that hand counts do not depend on spaCy's list.
SMALL_STOP = {"the", "of", "to", "by", "and", "again"}


def small_corpus() -> pd.DataFrame:
    df = pd.DataFrame(
        SMALL_DOCS, columns=["doc_id", "title", "text", "source", "category", "published"]
    )
    df["published"] = pd.to_datetime(df["published"], utc=True)
    return df


@functools.cache
def _read_bbc(bbc_dir: str) -> pd.DataFrame:
    df = bbc_frame(Path(bbc_dir))
    df.insert(3, "source", "bbc")
    df["published"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    return df


def read_bbc(bbc_dir: Path) -> pd.DataFrame:
    """The BBC corpus (a fresh copy each call; the parsed files are cached)."""
    return _read_bbc(str(bbc_dir)).copy()


@functools.cache
def _read_rss(csv_path: str) -> pd.DataFrame:
    raw = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    published = pd.to_datetime(raw["pubDate"], format="%a, %d %b %Y %H:%M:%S %Z", utc=True)
    return pd.DataFrame(
        {
            "doc_id": [f"row{i}" for i in range(len(raw))],
            "title": raw["title"],
            "text": raw["description"],
            "source": "bbc rss",
            "category": pd.NA,
            "published": published,
        }
    )


def read_rss(csv_path: Path) -> pd.DataFrame:
    """The BBC RSS items (title + description, dated) as a corpus DataFrame."""
    return _read_rss(str(csv_path)).copy()
