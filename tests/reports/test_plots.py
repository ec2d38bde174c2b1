"""Tests for analysis.reports.plots: titled, labelled figures with a description of what
they show."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisInputError
from analysis.reports import _pair_charts, plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(fig):
    ax = fig.axes[0]
    return ax.get_title(), ax.get_xlabel(), ax.get_ylabel()


def test_bar_chart_title_labels_alt_lists_values():
    df = pd.DataFrame({"term": ["port", "strike", "ferry"], "count": [12, 7, 3]})
    fig, alt = plots.bar_chart(df, label="term", value="count", title="Top words", xlabel="Uses")
    title, xlabel, _ = _labels(fig)
    assert (title, xlabel) == ("Top words", "Uses")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["port", "strike", "ferry"]
    assert [p.get_width() for p in fig.axes[0].patches] == [12, 7, 3]
    assert "port 12; strike 7; ferry 3" in alt


def test_bar_chart_empty_and_missing_column():
    _fig, alt = plots.bar_chart(
        pd.DataFrame({"term": [], "count": []}), label="term", value="count", title="T", xlabel="x"
    )
    assert "nothing to show" in alt
    with pytest.raises(AnalysisInputError, match="count"):
        plots.bar_chart(
            pd.DataFrame({"term": ["a"]}), label="term", value="count", title="T", xlabel="x"
        )


def test_line_chart_one_line_per_group_and_peak_in_alt():
    periods = pd.date_range("2026-09-01", periods=3, freq="7D", tz="UTC")
    df = pd.DataFrame(
        {
            "period": list(periods) * 2,
            "term": ["port"] * 3 + ["ferry"] * 3,
            "per_10k": [1.0, 5.0, 2.0, 0.0, 1.0, 3.0],
        }
    )
    fig, alt = plots.line_chart(
        df, x="period", y="per_10k", group="term", title="Use", xlabel="Week", ylabel="Per 10k"
    )
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2026-09-01",
        "2026-09-08",
        "2026-09-15",
    ]  # one tick per period, not matplotlib's day ticks
    assert _labels(fig) == ("Use", "Week", "Per 10k")
    assert "port peaks at 5 in the period starting 2026-09-08" in alt
    assert "ferry peaks at 3 in the period starting 2026-09-15" in alt


def test_interval_chart_error_bars_match_interval():
    df = pd.DataFrame(
        {
            "source": ["A", "B"],
            "n_docs": [4, 1],
            "mean": [0.2, -0.1],
            "ci_low": [0.1, np.nan],
            "ci_high": [0.4, np.nan],
        }
    )
    fig, alt = plots.interval_chart(
        df, label="source", count="n_docs", title="By source", xlabel="Mean"
    )
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["A (n=4)", "B (n=1)"]
    assert "A (n=4): 0.20 (interval 0.10 to 0.40)" in alt
    assert "B (n=1): -0.10." in alt  # no interval for one document
    wide = df.assign(ci_low=[-1.8, np.nan], ci_high=[2.0, np.nan])
    fig, alt = plots.interval_chart(wide, label="source", title="T", xlabel="x", limits=(-1, 1))
    assert fig.axes[0].get_xlim() == pytest.approx((-1.06, 1.06))
    assert "interval -1.80 to 2.00" in alt  # the true bounds are described
    fig, _ = plots.interval_chart(df, label="source", title="T", xlabel="x", limits=(-1, 1))
    lo, hi = fig.axes[0].get_xlim()
    assert -1.06 < lo < 0 and 0.4 < hi < 1.06  # narrow data: the axis follows it


def test_band_chart_alt_names_extremes():
    df = pd.DataFrame(
        {
            "period": pd.date_range("2026-09-07", periods=3, freq="7D", tz="UTC"),
            "mean": [0.1, -0.2, 0.3],
            "ci_low": [0.0, -0.4, 0.1],
            "ci_high": [0.2, 0.0, 0.5],
        }
    )
    fig, alt = plots.band_chart(df, title="Over time", xlabel="Week", ylabel="Mean")
    assert _labels(fig) == ("Over time", "Week", "Mean")
    assert "Highest mean 0.30 (period starting 2026-09-21)" in alt
    assert "lowest -0.20 (period starting 2026-09-14)" in alt


def test_histogram_chart_panels_and_shares():
    fig, alt = plots.histogram_chart(
        {"Sentences": [0.5, -0.5, 0.0, 0.9], "Articles": [0.1]}, title="Scores", xlabel="Compound"
    )
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title() == "Sentences (n=4)"
    counts = sum(p.get_height() for p in fig.axes[0].patches)
    assert counts == 4
    assert "Sentences: 4 values, median 0.25, 50% at or above 0.05, 25% at or below -0.05" in alt
    with pytest.raises(AnalysisInputError):
        plots.histogram_chart({}, title="T", xlabel="x")


def test_cooccurrence_matrix_symmetric_and_restricted():
    pairs = pd.DataFrame(
        {"entity_a": ["A", "A", "B"], "entity_b": ["B", "C", "C"], "count": [3, 2, 1]}
    )
    m = plots.cooccurrence_matrix(pairs, ["A", "B", "D"])
    assert list(m.index) == ["A", "B", "D"]
    assert m.loc["A", "B"] == m.loc["B", "A"] == 3
    assert m.loc["A", "D"] == 0
    assert np.all(np.diag(m.to_numpy()) == 0)
    _fig, alt = plots.cooccurrence_heatmap(m, title="Pairs")
    assert list(
        plots.cooccurrence_matrix(pairs, ["A", "D", "B", "C"], drop_unpaired=True).index
    ) == [
        "A",
        "B",
        "C",
    ]
    assert plots.cooccurrence_matrix(pairs, ["A", "B", "C"], top=2).shape == (2, 2)
    assert "Strongest pair: A and B (3)" in alt
    assert "1 pairs co-occur" in alt


def test_network_chart_colours_by_community_and_packs_components():
    g = nx.Graph()
    g.add_edge("Ana Ruiz", "Port Halden", weight=3.0)
    g.add_edge("Port Halden", "Bluewater Lines", weight=1.0)
    g.add_edge("Ana Ruiz", "Bluewater Lines", weight=1.0)
    g.add_edge("Island", "Lighthouse", weight=1.0)
    for n in ("Ana Ruiz", "Port Halden", "Bluewater Lines"):
        g.nodes[n]["community"] = 0
    for n in ("Island", "Lighthouse"):
        g.nodes[n]["community"] = 1
    fig, alt = plots.network_chart(g, title="Network", max_nodes=10)
    ax = fig.axes[0]
    assert ax.get_title() == "Network"
    texts = {t.get_text() for t in ax.texts}
    assert {"Ana Ruiz", "Port Halden", "Island"} <= texts
    assert "5 entities and 4 links drawn" in alt
    assert "community 1: " in alt and "community 2: " in alt
    # components do not overlap: the pair sits outside the triangle's bounding box
    pos, _ = _pair_charts._packed_spring_layout(g, seed=1)
    tri = np.array([pos[n] for n in ("Ana Ruiz", "Port Halden", "Bluewater Lines")])
    for n in ("Island", "Lighthouse"):
        inside = np.all(pos[n] >= tri.min(axis=0)) and np.all(pos[n] <= tri.max(axis=0))
        assert not inside


def test_network_chart_limits_nodes_and_handles_empty():
    g = nx.star_graph(30)
    nx.set_node_attributes(g, 0, "community")
    _fig, alt = plots.network_chart(g, title="Star", max_nodes=10)
    assert "10 entities" in alt and "21 smaller entities left out" in alt
    _fig, alt = plots.network_chart(nx.Graph(), title="Empty")
    assert alt.startswith("Empty network")


_LAYOUT_SCRIPT = """
import hashlib, random, sys
import networkx as nx
from analysis.reports import _pair_charts as plots
r = random.Random(0)
g = nx.Graph()
names = [f"Name {i}" for i in range(150)]
for _ in range(100):
    a, b = r.sample(names, 2)
    g.add_edge(a, b, weight=r.randint(1, 5))
fig, alt = plots.network_chart(g, title="t", max_nodes=40)
pos, _ = plots._packed_spring_layout(plots._ordered_subgraph(g, list(g)[:60]), seed=42)
xy = sorted((k, [round(float(v), 6) for v in p]) for k, p in pos.items())
print(hashlib.md5(repr((alt, xy)).encode()).hexdigest())
"""


def test_network_layout_does_not_depend_on_the_hash_seed():
    # graph.subgraph(nodes) iterated a set of node names, so the picture changed from run
    # to run with PYTHONHASHSEED; the same graph must draw the same way in every process
    import os
    import subprocess
    import sys

    out = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg"}
        run = subprocess.run(
            [sys.executable, "-c", _LAYOUT_SCRIPT], env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        out.add(run.stdout.strip())
    assert len(out) == 1, out


# ----------------------------------------------------------------------------- literal text

MATH = "Fund $x^$"  # parsed as math text, matplotlib raises ValueError while drawing it


def _charts():
    terms = pd.DataFrame({"term": [MATH, "$5bn deal $", "ok"], "count": [5, 3, 1]})
    periods = pd.to_datetime(["2026-01-05", "2026-01-12"], utc=True)
    trend = pd.DataFrame(
        {"period": list(periods) * 2, "v": [1, 2, 3, 4], "g": [MATH] * 2 + ["b$"] * 2}
    )
    groups = pd.DataFrame(
        {
            "name": [MATH, "b"],
            "mean": [0.1, -0.2],
            "ci_low": [0.0, -0.3],
            "ci_high": [0.2, -0.1],
            "n": [3, 4],
        }
    )
    band = pd.DataFrame(
        {"period": periods, "mean": [0.1, 0.2], "ci_low": [0.0, 0.1], "ci_high": [0.2, 0.3]}
    )
    matrix = pd.DataFrame([[0, 2], [2, 0]], index=[MATH, "$y_"], columns=[MATH, "$y_"])
    graph = nx.Graph()
    graph.add_edge(MATH, "Acme $_Corp", weight=3)
    graph.add_edge(MATH, "c", weight=1)
    for node in graph:
        graph.nodes[node]["community"] = 0 if node != "c" else 1
    return [
        lambda: plots.bar_chart(terms, label="term", value="count", title=MATH, xlabel=MATH),
        lambda: plots.line_chart(
            trend, x="period", y="v", group="g", title=MATH, xlabel=MATH, ylabel=MATH
        ),
        lambda: plots.interval_chart(groups, label="name", count="n", title=MATH, xlabel=MATH),
        lambda: plots.band_chart(band, title=MATH, xlabel=MATH, ylabel=MATH),
        lambda: plots.histogram_chart({MATH: [0.1, -0.5]}, title=MATH, xlabel=MATH),
        lambda: plots.cooccurrence_heatmap(matrix, title=MATH, value_label=MATH),
        lambda: plots.network_chart(graph, title=MATH),
    ]


@pytest.mark.parametrize("make", range(7))
def test_text_from_articles_is_drawn_literally(make):
    """A "$" in a title, label, tick, legend or network label is a dollar sign (issue 9)."""
    from matplotlib.text import Text

    from analysis.reports.display import figure_html

    fig, alt = _charts()[make]()
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    assert any(MATH in t.get_text() for t in texts)
    assert all(not t.get_parse_math() for t in texts)
    html = figure_html(fig, alt=alt)  # drawing used to raise ValueError
    assert html.count("data:image/png;base64,") == 1


def test_figure_html_draws_any_figure_literally():
    from analysis.reports.display import figure_html

    fig, ax = plt.subplots()
    ax.set_title(MATH)
    ax.plot([1, 2])
    ax.set_xticks([1, 2], [MATH, "$a"])
    assert "base64" in figure_html(fig, alt="a line")
