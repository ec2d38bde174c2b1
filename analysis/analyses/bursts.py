"""Burst detection over daily counts: Kleinberg's two-state automaton (batched version).

Kleinberg (2002, "Bursty and hierarchical structure in streams", section 4) models a
stream that arrives in batches: on day t there are d_t documents, r_t of them relevant
(e.g. containing a term). The automaton has a base state 0, in which a document is
relevant with probability p0 = R / D (the term's share over the whole span), and a burst
state 1 with p1 = s * p0. The cost of a day in state i is the negative log-likelihood
of its batch,

    sigma_i(t) = -ln[ C(d_t, r_t) p_i^r_t (1 - p_i)^(d_t - r_t) ],

entering the burst state costs gamma * ln(n) (n = number of days; leaving is free), and
the state sequence of least total cost (found with the Viterbi algorithm, starting in
state 0) marks the bursts. A burst's *weight* is the cost it saves,
sum over its days of sigma_0(t) - sigma_1(t): how much better "burst" explains it.

``s`` sets how much above the base rate a burst must be (2 = twice the usual share),
``gamma`` how reluctant the automaton is to enter a burst (higher = fewer, stronger
bursts).

Example:
    >>> import pandas as pd
    >>> daily = pd.DataFrame({"term": ["x"] * 4, "day": pd.date_range("2026-01-01", periods=4),
    ...                       "docs": [1, 1, 9, 8]})
    >>> totals = pd.Series([20, 20, 20, 20], index=pd.date_range("2026-01-01", periods=4))
    >>> detect_bursts(daily, totals=totals)[["term", "start", "end"]]   # doctest: +SKIP
      term      start        end
    0    x 2026-01-03 2026-01-04
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaln

from analysis.errors import AnalysisInputError

__all__ = ["burst_states", "detect_bursts", "state_costs"]

_MAX_P = 0.9999


def _check(s: Any, gamma: Any, *, func: str) -> None:
    if isinstance(s, bool) or not isinstance(s, int | float) or not s > 1:
        raise AnalysisInputError(f"{func}(): s={s!r} is not valid; expected a number > 1 (e.g. 2)")
    if isinstance(gamma, bool) or not isinstance(gamma, int | float) or not gamma >= 0:
        raise AnalysisInputError(
            f"{func}(): gamma={gamma!r} is not valid; expected a number >= 0 (e.g. 1)"
        )


def _arrays(relevant: Any, total: Any, *, func: str) -> tuple[np.ndarray, np.ndarray]:
    r = np.atleast_2d(np.asarray(relevant, dtype=float))
    d = np.asarray(total, dtype=float)
    if d.ndim != 1 or r.shape[1] != d.shape[0]:
        raise AnalysisInputError(
            f"{func}(): relevant has {r.shape[-1]} days and total {d.shape}; expected one total "
            "per day and relevant as (days,) or (terms, days)"
        )
    if (r < 0).any() or (r > d).any() or (d < 0).any():
        raise AnalysisInputError(
            f"{func}(): counts must satisfy 0 <= relevant <= total on every day"
        )
    return r, d


def state_costs(relevant: Any, total: Any, *, s: float = 2.0) -> np.ndarray:
    """The costs sigma_0 and sigma_1 of every day: shape (terms, days, 2).

    ``relevant`` is (days,) or (terms, days); ``total`` is (days,). p0 is each term's
    share over all days; p1 = min(s * p0, 0.9999).

    Example:
        >>> state_costs([1, 5], [10, 10])[0, :, 0]   # -ln binom.pmf(r, 10, 0.3)
        array([2.11..., 2.27...])
    """
    r, d = _arrays(relevant, total, func="state_costs")
    _check(s, 1.0, func="state_costs")
    p0 = r.sum(axis=1, keepdims=True) / max(d.sum(), 1.0)
    p0 = np.clip(p0, 1e-12, _MAX_P)
    p1 = np.minimum(s * p0, _MAX_P)
    log_choose = gammaln(d + 1) - gammaln(r + 1) - gammaln(d - r + 1)
    costs = np.empty((*r.shape, 2))
    for i, p in enumerate((p0, p1)):
        costs[..., i] = -(log_choose + r * np.log(p) + (d - r) * np.log1p(-p))
    return costs


def burst_states(relevant: Any, total: Any, *, s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """The least-cost state (0 base, 1 burst) of every day, by the Viterbi algorithm.

    Args:
        relevant: Relevant documents per day, (days,) or (terms, days).
        total: All documents per day, (days,).
        s: Burst rate multiplier (> 1).
        gamma: Cost of entering a burst, in units of ln(days).

    Returns:
        Integer array of the shape of ``relevant`` as 2-D (terms, days).

    Example:
        >>> burst_states([1, 1, 8, 9, 1], [20] * 5)
        array([[0, 0, 1, 1, 0]])
    """
    _check(s, gamma, func="burst_states")
    costs = state_costs(relevant, total, s=s)
    n_terms, n_days = costs.shape[:2]
    if n_days == 0:
        return np.zeros((n_terms, 0), dtype=int)
    up = gamma * np.log(max(n_days, 2))
    # best[:, i] = least cost of days 0..t ending in state i; start in state 0.
    best = np.stack([costs[:, 0, 0], costs[:, 0, 1] + up], axis=1)
    back = np.zeros((n_terms, n_days, 2), dtype=np.int8)
    for t in range(1, n_days):
        from0_to1 = best[:, 0] + up
        from1_to1 = best[:, 1]
        to0 = np.minimum(best[:, 0], best[:, 1])  # leaving a burst is free
        back[:, t, 0] = (best[:, 1] < best[:, 0]).astype(np.int8)
        back[:, t, 1] = (from1_to1 <= from0_to1).astype(np.int8)
        best = np.stack(
            [to0 + costs[:, t, 0], np.minimum(from0_to1, from1_to1) + costs[:, t, 1]], axis=1
        )
    states = np.zeros((n_terms, n_days), dtype=int)
    state = (best[:, 1] < best[:, 0]).astype(int)
    rows = np.arange(n_terms)
    for t in range(n_days - 1, -1, -1):
        states[:, t] = state
        state = back[rows, t, state].astype(int)
    return states


def detect_bursts(
    daily: pd.DataFrame,
    *,
    totals: pd.Series,
    s: float = 2.0,
    gamma: float = 1.0,
    min_docs: int = 3,
) -> pd.DataFrame:
    """Bursts of every term in a tidy table of daily document counts.

    Args:
        daily: Columns ``term``, ``day`` (dates) and ``docs`` (documents of that day
            containing the term); days without a row count 0.
        totals: Documents per day (index: every day of the span, including days with no
            documents at all, which then count as empty batches).
        s: Burst rate multiplier, as in :func:`burst_states`.
        gamma: Cost of entering a burst, as in :func:`burst_states`.
        min_docs: Keep bursts with at least this many documents.

    Returns:
        One row per burst: ``term``, ``start``, ``end`` (days, inclusive), ``days``,
        ``docs`` (relevant documents in the burst), ``expected`` (documents at the base
        rate p0 over the same days), ``weight`` (cost saved; larger = stronger); sorted
        by weight descending.

    Example:
        >>> detect_bursts(daily, totals=totals, min_docs=3)   # doctest: +SKIP
    """
    cols = ["term", "start", "end", "days", "docs", "expected", "weight"]
    missing = {"term", "day", "docs"} - set(daily.columns)
    if missing:
        raise AnalysisInputError(
            f"detect_bursts(): daily lacks column(s) {sorted(missing)}; expected term, day, docs"
        )
    _check(s, gamma, func="detect_bursts")
    if daily.empty or totals.empty:
        return pd.DataFrame(columns=cols)
    days = pd.Index(totals.index)
    wide = daily.pivot_table(index="term", columns="day", values="docs", aggfunc="sum")
    wide = wide.reindex(columns=days, fill_value=0).fillna(0)
    r = wide.to_numpy(dtype=float)
    d = totals.to_numpy(dtype=float)
    states = burst_states(r, d, s=s, gamma=gamma)
    costs = state_costs(r, d, s=s)
    saved = costs[..., 0] - costs[..., 1]
    p0 = r.sum(axis=1) / max(d.sum(), 1.0)
    rows = []
    terms = wide.index.to_numpy()
    edges = np.diff(np.pad(states, ((0, 0), (1, 1))), axis=1)
    for i, j in zip(*np.nonzero(edges == 1), strict=True):
        k = j + int(np.argmax(edges[i, j + 1 :] == -1)) + 1  # first day after the burst
        docs = int(r[i, j:k].sum())
        if docs < min_docs:
            continue
        rows.append(
            (
                terms[i],
                days[j],
                days[k - 1],
                k - j,
                docs,
                float(p0[i] * d[j:k].sum()),
                float(saved[i, j:k].sum()),
            )
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["weight", "term"], ascending=[False, True]).reset_index(drop=True)
