"""Tests for analysis.analyses.network: graph building, Louvain communities, GEXF/GraphML export."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd
import pytest

from analysis.analyses.network import cooccurrence_graph, export_graph, graph_communities
from analysis.errors import AnalysisInputError


def _pairs() -> pd.DataFrame:
    """Two 4-cliques (heavy edges) joined by one light edge D-E."""
    left, right = ["A", "B", "C", "D"], ["E", "F", "G", "H"]
    rows = []
    for group in (left, right):
        for a, b in itertools.combinations(group, 2):
            rows.append((a, b, 10))
    rows.append(("D", "E", 2))
    rows.append(("A", "H", 1))  # below min_count=2 in some tests
    df = pd.DataFrame(rows, columns=["entity_a", "entity_b", "count"])
    df["label_a"] = ["PERSON" if x in left else "ORG" for x in df["entity_a"]]
    df["label_b"] = ["PERSON" if x in left else "ORG" for x in df["entity_b"]]
    df["count_a"] = 12
    df["count_b"] = 12
    df["doc_count"] = df["count"]
    df["pmi"] = 1.5
    df["npmi"] = 0.5
    df["jaccard"] = 0.25
    df["examples"] = [[{"doc_id": "d", "sent_id": 0, "text": "x"}]] * len(df)
    df.attrs = {"window": "sentence", "n_windows": 100}
    return df


def test_graph_structure_and_attributes():
    pairs = _pairs()
    g = cooccurrence_graph(pairs, min_count=2)
    assert g.number_of_nodes() == 8
    assert g.number_of_edges() == 6 + 6 + 1  # A-H (count 1) dropped
    assert not g.has_edge("A", "H")
    assert g["A"]["B"]["weight"] == 10.0 and g["D"]["E"]["count"] == 2
    assert g["A"]["B"]["npmi"] == 0.5
    assert g.nodes["A"]["label"] == "PERSON" and g.nodes["E"]["label"] == "ORG"
    assert g.nodes["A"]["windows"] == 12
    assert g.nodes["D"]["degree"] == 4
    assert g.graph["window"] == "sentence" and g.graph["n_windows"] == 100
    assert cooccurrence_graph(pairs, min_count=1).has_edge("A", "H")


def test_communities_are_the_two_cliques_and_deterministic():
    pairs = _pairs()
    g = cooccurrence_graph(pairs, min_count=2, seed=7)
    comm = {n: d["community"] for n, d in g.nodes(data=True)}
    assert len({comm[x] for x in "ABCD"}) == 1
    assert len({comm[x] for x in "EFGH"}) == 1
    assert comm["A"] != comm["E"]
    assert g.graph["n_communities"] == 2
    # same seed, same answer; numbering: equal sizes ordered by first member -> A's is 0
    again = cooccurrence_graph(pairs, min_count=2, seed=7)
    assert {n: d["community"] for n, d in again.nodes(data=True)} == comm
    assert comm["A"] == 0
    assert graph_communities(g, seed=7) == [set("ABCD"), set("EFGH")]


def test_nodes_table_adds_mentions():
    nodes = pd.DataFrame(
        {"name": ["A", "E"], "mentions": [30, 5], "doc_count": [9, 2], "label": ["NORP", "GPE"]}
    )
    g = cooccurrence_graph(_pairs(), min_count=2, nodes=nodes)
    assert g.nodes["A"]["mentions"] == 30 and g.nodes["A"]["label"] == "NORP"
    assert "mentions" not in g.nodes["B"]


def test_empty_pairs_give_empty_graph():
    g = cooccurrence_graph(_pairs(), min_count=50)
    assert g.number_of_nodes() == 0 and g.graph["n_communities"] == 0


@pytest.mark.parametrize("suffix", [".gexf", ".graphml"])
def test_export_round_trip(tmp_path, suffix):
    g = cooccurrence_graph(_pairs(), min_count=2)
    g.nodes["A"]["forms"] = ["Alpha", "A."]  # list attribute -> string
    g.graph["tags"] = ("x", "y")
    before = nx.node_link_data(g, edges="links")
    path = export_graph(g, tmp_path / f"entities{suffix}")
    assert path.is_file()
    assert nx.node_link_data(g, edges="links") == before  # graph unchanged
    back = nx.read_gexf(path) if suffix == ".gexf" else nx.read_graphml(path)
    assert set(back.nodes) == set(g.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in g.edges}
    for a, b, data in g.edges(data=True):
        assert float(back[a][b]["weight"]) == data["weight"]
        assert float(back[a][b]["npmi"]) == data["npmi"]
    for n, data in g.nodes(data=True):
        assert int(back.nodes[n]["community"]) == data["community"]
        label_key = "entity_label" if suffix == ".gexf" else "label"
        assert back.nodes[n][label_key] == data["label"]
    assert back.nodes["A"]["forms"] == "Alpha; A."
    if suffix == ".gexf":
        assert back.nodes["A"]["label"] == "A"  # Gephi shows the name


def test_export_errors(tmp_path):
    g = cooccurrence_graph(_pairs(), min_count=2)
    with pytest.raises(AnalysisInputError, match=r"\.gexf"):
        export_graph(g, tmp_path / "graph.json")
    with pytest.raises(AnalysisInputError, match="does not exist"):
        export_graph(g, tmp_path / "missing" / "graph.gexf")
    with pytest.raises(AnalysisInputError, match="networkx"):
        export_graph({"A": "B"}, tmp_path / "graph.gexf")


def test_graph_input_errors_and_no_mutation():
    pairs = _pairs()
    before = pairs.copy()
    cooccurrence_graph(pairs)
    pd.testing.assert_frame_equal(pairs, before)
    with pytest.raises(AnalysisInputError, match="entity_b"):
        cooccurrence_graph(pairs.drop(columns="entity_b"))
    with pytest.raises(AnalysisInputError, match="min_count"):
        cooccurrence_graph(pairs, min_count=0)
    with pytest.raises(AnalysisInputError, match="seed"):
        cooccurrence_graph(pairs, seed="x")
