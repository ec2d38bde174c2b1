"""A small dated corpus for the selection tests (filters, periods, notebook helpers)."""

from __future__ import annotations

import pandas as pd


def dated_corpus() -> pd.DataFrame:
    """Seven documents: two sources in mixed case, one undated, one duplicate."""
    rows = [
        (
            "a",
            "Budget vote",
            "The chancellor set out the budget.",
            "Wire",
            "business",
            "2026-09-07 18:30",
        ),
        ("b", "Cup final", "A late goal won the cup.", "wire", "sport", "2026-09-07 00:00"),
        (
            "c",
            "Rates held",
            "The central bank held rates.",
            "Daily",
            "business",
            "2026-09-01 00:00",
        ),
        ("d", "Old news", "Banking rules from August.", "Daily", "politics", "2026-08-31 23:59"),
        ("e", "Undated", "Budget talk with no date.", "Wire", "business", None),
        ("f", "Earlier", "The budget in late August.", "Wire", "business", "2026-08-26 09:00"),
        ("g", "Much earlier", "Nothing to see.", None, None, "2026-08-01 09:00"),
    ]
    df = pd.DataFrame(rows, columns=["doc_id", "title", "text", "source", "category", "published"])
    df["published"] = pd.to_datetime(df["published"]).dt.tz_localize("UTC")
    df["is_duplicate"] = [False, False, False, False, False, False, True]
    return df
