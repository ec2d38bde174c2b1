"""Tests for analysis.analyses.bursts: Kleinberg's two-state burst automaton against references.

References: scipy's binomial log-pmf for the state costs, an exhaustive search over every
state sequence for the Viterbi path, and a case worked out by hand.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from analysis.analyses.bursts import burst_states, detect_bursts, state_costs
from analysis.errors import AnalysisInputError


def _total_cost(states, costs, up):
    """Cost of one state sequence (start in state 0; entering state 1 costs ``up``)."""
    total, prev = 0.0, 0
    for t, state in enumerate(states):
        total += costs[t, state] + (up if state > prev else 0.0)
        prev = state
    return total


def test_state_costs_equal_scipy_binomial_log_pmf():
    r = np.array([0, 3, 7, 2, 10])
    d = np.array([20, 25, 30, 18, 40])
    p0 = r.sum() / d.sum()
    costs = state_costs(r, d, s=2.5)[0]
    np.testing.assert_allclose(costs[:, 0], -binom.logpmf(r, d, p0), rtol=1e-12)
    np.testing.assert_allclose(costs[:, 1], -binom.logpmf(r, d, 2.5 * p0), rtol=1e-12)


def test_hand_computed_case():
    # Two days of 10 documents, 1 then 5 relevant: p0 = 6/20 = 0.3, p1 = 0.6.
    costs = state_costs([1, 5], [10, 10], s=2)[0]
    by_hand = [
        -math.log(10 * 0.3 * 0.7**9),
        -math.log(252 * 0.3**5 * 0.7**5),
    ]
    assert costs[:, 0] == pytest.approx(by_hand)
    assert costs[1, 1] == pytest.approx(-math.log(252 * 0.6**5 * 0.4**5))
    # Day 2 in the burst saves sigma0 - sigma1 = 5 ln(0.6/0.3) + 5 ln(0.4/0.7) = 0.6677;
    # entering costs ln(2) = 0.6931 with gamma=1 (no burst), 0.3466 with gamma=0.5 (burst).
    saved = costs[1, 0] - costs[1, 1]
    assert saved == pytest.approx(5 * math.log(2) + 5 * math.log(4 / 7))
    assert saved == pytest.approx(0.6677, abs=1e-4)
    assert burst_states([1, 5], [10, 10], gamma=1.0).tolist() == [[0, 0]]
    assert burst_states([1, 5], [10, 10], gamma=0.5).tolist() == [[0, 1]]


@pytest.mark.parametrize("seed", range(12))
def test_viterbi_path_is_the_least_cost_sequence(seed):
    rng = np.random.default_rng(seed)
    n = 8
    d = rng.integers(5, 40, size=n)
    rate = np.where(rng.random(n) < 0.3, 0.35, 0.08)
    r = rng.binomial(d, rate)
    s, gamma = float(rng.choice([1.5, 2.0, 3.0])), float(rng.choice([0.2, 0.5, 1.0]))
    costs = state_costs(r, d, s=s)[0]
    up = gamma * math.log(n)
    best = min(_total_cost(seq, costs, up) for seq in itertools.product((0, 1), repeat=n))
    found = burst_states(r, d, s=s, gamma=gamma)[0]
    assert _total_cost(found, costs, up) == pytest.approx(best, abs=1e-9)


def test_many_terms_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(7)
    d = rng.integers(10, 50, size=30)
    r = np.stack([rng.binomial(d, p) for p in (0.05, 0.1, 0.2)])
    r[1, 20:24] = d[20:24] // 2  # a burst
    together = burst_states(r, d)
    for i in range(3):
        assert together[i].tolist() == burst_states(r[i], d)[0].tolist()
    assert together[1, 20:24].all()


def test_steady_rate_has_no_burst_and_a_spike_has_one():
    d = np.full(40, 30)
    steady = np.full(40, 3)
    assert not burst_states(steady, d).any()
    spiky = steady.copy()
    spiky[30:33] = 15
    states = burst_states(spiky, d)[0]
    assert states[30:33].all() and states[:29].sum() == 0


def test_detect_bursts_tidy_output():
    days = pd.date_range("2026-03-01", periods=10)
    totals = pd.Series(20, index=days)
    rows = [("quake", day, 1) for day in days[:7]] + [
        ("quake", days[7], 12),
        ("quake", days[8], 10),
    ]
    rows += [("steady", day, 2) for day in days]
    daily = pd.DataFrame(rows, columns=["term", "day", "docs"])
    out = detect_bursts(daily, totals=totals)
    assert out.columns.tolist() == ["term", "start", "end", "days", "docs", "expected", "weight"]
    assert out["term"].tolist() == ["quake"]
    row = out.iloc[0]
    assert (row.start, row.end, row.days, row.docs) == (days[7], days[8], 2, 22)
    p0 = 29 / 200
    assert row.expected == pytest.approx(p0 * 40)
    costs = state_costs(
        daily[daily.term == "quake"].set_index("day")["docs"].reindex(days, fill_value=0),
        totals,
    )[0]
    assert row.weight == pytest.approx((costs[7:9, 0] - costs[7:9, 1]).sum())
    assert detect_bursts(daily, totals=totals, min_docs=23).empty  # min_docs applies


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"s": 1.0}, "s=1.0"),
        ({"s": True}, "s=True"),
        ({"gamma": -1}, "gamma=-1"),
    ],
)
def test_bad_options_name_the_argument(kwargs, match):
    with pytest.raises(AnalysisInputError, match=match):
        burst_states([1, 2], [5, 5], **kwargs)


def test_bad_counts_rejected():
    with pytest.raises(AnalysisInputError, match="relevant <= total"):
        burst_states([6, 2], [5, 5])
    with pytest.raises(AnalysisInputError, match="one total per day"):
        burst_states([1, 2, 3], [5, 5])
    with pytest.raises(AnalysisInputError, match="lacks column"):
        detect_bursts(pd.DataFrame({"term": ["x"]}), totals=pd.Series([1]))
