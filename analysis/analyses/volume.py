"""Volume: new articles per source against the usual daily range (for the briefing).

Example:
    >>> from analysis.analyses.volume import volume_changes
    >>> volume_changes(corpus, is_new=is_new)                              # doctest: +SKIP
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisInputError

__all__ = ["group_column", "volume_changes"]

_URL_ID = re.compile(r"-?\d+$")


def _dates(corpus: pd.DataFrame) -> pd.Series:
    if "published" not in corpus.columns:
        return pd.Series(pd.NaT, index=corpus.index, dtype="datetime64[ns, UTC]")
    return pd.to_datetime(corpus["published"], utc=True, errors="coerce")


def _mask(corpus: pd.DataFrame, is_new: Any, *, func: str) -> np.ndarray:
    mask = np.asarray(is_new, dtype=bool)
    if mask.shape != (len(corpus),):
        raise AnalysisInputError(
            f"{func}(): is_new has shape {mask.shape}; expected one flag per corpus row "
            f"({len(corpus)})"
        )
    return mask


def _url_section(url: Any) -> str | None:
    """``https://www.bbc.co.uk/news/world-europe-60638042`` -> ``world-europe``."""
    if not isinstance(url, str) or "://" not in url:
        return None
    parts = [p for p in url.split("://", 1)[1].split("?")[0].split("/")[1:] if p]
    while parts and parts[-1].isdigit():
        parts.pop()
    if not parts:
        return None
    section = _URL_ID.sub("", parts[-1])
    return section or None


def group_column(corpus: pd.DataFrame) -> tuple[pd.Series, str]:
    """The grouping used for volume and sentiment: source, else category, else URL section.

    The first of ``source``, ``category`` with more than one value wins; otherwise the
    section in the URL path (``/news/world-europe-123`` -> ``world-europe``).
    """
    for col in ("source", "category"):
        if col in corpus.columns and corpus[col].nunique(dropna=True) > 1:
            return corpus[col].astype(object).where(corpus[col].notna(), "(none)"), col
    if "url" in corpus.columns:
        sections = corpus["url"].map(_url_section)
        if sections.nunique(dropna=True) > 1:
            return sections.where(sections.notna(), "(none)"), "URL section"
    return pd.Series("(all)", index=corpus.index, dtype=object), "corpus"


# --------------------------------------------------------------------------- volume


def volume_changes(
    corpus: pd.DataFrame,
    *,
    is_new: Any,
    by: str | None = None,
    days_back: int = 28,
    low: float = 0.1,
    high: float = 0.9,
    top: int = 8,
    min_new: int = 5,
) -> pd.DataFrame:
    """New articles per group against the group's usual daily range.

    The new period runs from the first to the last day with a new dated article. The
    usual range is the ``low``..``high`` quantile of the group's articles per day over
    the ``days_back`` days before it (baseline documents; a day without articles counts
    0, from the first day of that window with a baseline article on). ``per_day`` = new articles / days in the new period; ``flag`` is "above" when it
    exceeds the usual high, "below" when under the usual low, else "usual" ("" without
    dates or a baseline, or for a group with fewer than ``min_new`` new articles: too few
    to say). The ``top`` groups with most new articles are listed; the rest are summed as
    "(N other groups)".

    Returns:
        Columns group, new, per_day, usual_low, usual_median, usual_high, flag; a row
        "all" for the whole corpus, then one per group with new articles (most first).

    Example:
        >>> volume_changes(corpus, is_new=is_new)                          # doctest: +SKIP
    """
    mask = _mask(corpus, is_new, func="volume_changes")
    groups, _ = group_column(corpus) if by is None else (corpus[by].astype(object), by)
    groups = groups.where(groups.notna(), "(none)")
    dates = _dates(corpus).dt.tz_convert(None).dt.normalize()
    new_days = dates[mask].dropna()
    rows = []
    ranked = groups[mask].value_counts(sort=False)
    ranked = ranked.sort_index(key=lambda i: i.astype(str)).sort_values(
        ascending=False, kind="stable"
    )
    labels = ["all", *ranked.index[:top]]
    rest = list(ranked.index[top:])
    if rest:
        other = f"({len(rest)} other group{'s' if len(rest) > 1 else ''})"
        groups = groups.where(~groups.isin(rest), other)
        labels.append(other)
    if not new_days.empty:
        start, end = new_days.min(), new_days.max()
        n_days = (end - start).days + 1
        window = pd.date_range(start - pd.Timedelta(days=days_back), start - pd.Timedelta(days=1))
        in_window = ~mask & dates.isin(window)
        # the range starts at the first baseline day inside the window: days before the
        # corpus began are not days "without articles"
        first = dates[in_window].min()
        span = window[window >= first] if pd.notna(first) else window[:0]
        base = in_window
    for label in labels:
        in_group = np.ones(len(corpus), bool) if label == "all" else (groups == label).to_numpy()
        new = int((mask & in_group).sum())
        row = {"group": label, "new": new, "per_day": np.nan}
        row.update(usual_low=np.nan, usual_median=np.nan, usual_high=np.nan, flag="")
        if not new_days.empty:
            row["per_day"] = new / n_days
            daily = dates[base & in_group].value_counts().reindex(span, fill_value=0)
            if base.any() and len(daily):
                q = np.quantile(daily.to_numpy(dtype=float), [low, 0.5, high])
                row.update(usual_low=q[0], usual_median=q[1], usual_high=q[2])
                per_day = row["per_day"]
                flag = "above" if per_day > q[2] else "below" if per_day < q[0] else "usual"
                row["flag"] = flag if new >= min_new else ""
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["group", "new", "per_day", "usual_low", "usual_median", "usual_high", "flag"]
    )
