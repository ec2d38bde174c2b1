"""Entity co-occurrence networks: build a graph, find communities, export it.

Input is the pair table of :func:`analysis.analyses.cooccurrence.entity_cooccurrence`; output is a
:class:`networkx.Graph` that Gephi (GEXF) or yEd/Cytoscape (GraphML) can open.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from analysis._validate import require_columns, require_positive_int
from analysis.errors import AnalysisInputError

__all__ = ["cooccurrence_graph", "export_graph", "graph_communities"]

_EDGE_ATTRS = ("count", "doc_count", "pmi", "npmi", "jaccard")


def cooccurrence_graph(
    pairs: pd.DataFrame,
    *,
    min_count: int = 1,
    nodes: pd.DataFrame | None = None,
    seed: int = 42,
    resolution: float = 1.0,
) -> nx.Graph:
    """An undirected entity graph with Louvain communities.

    Nodes are entity names; an edge joins two entities that co-occur in at least
    ``min_count`` windows, with ``weight`` = count. Communities come from
    :func:`networkx.algorithms.community.louvain_communities` on the weights with a
    fixed ``seed``, so the same pairs always give the same communities. They are
    numbered by size (0 = largest; ties by their alphabetically first member) and
    stored as the node attribute ``community``.

    Args:
        pairs: from :func:`analysis.analyses.cooccurrence.entity_cooccurrence` (needs entity_a,
            entity_b, count; label_a/label_b, count_a/count_b, doc_count, pmi, npmi,
            jaccard are copied when present).
        min_count: keep edges with count >= this.
        nodes: optional per-entity table with a ``name`` column, e.g. from
            :func:`analysis.analyses.entities.top_entities` with ``top=None``; its ``mentions``,
            ``doc_count`` and ``label`` become node attributes.
        seed: random seed of the Louvain method.
        resolution: Louvain resolution (> 1 gives more, smaller communities).

    Returns:
        A new :class:`networkx.Graph`. Node attributes: label, windows (windows
        mentioning the entity), mentions/doc_count (when ``nodes`` has them), degree,
        community. Edge attributes: weight, count, doc_count, pmi, npmi, jaccard.
        ``graph.graph`` holds window, n_windows (from ``pairs.attrs``) and n_communities.

    Example:
        >>> g = cooccurrence_graph(entity_cooccurrence(corpus, annotations=ann), min_count=3)
        >>> export_graph(g, "entities.gexf")
    """
    func = "cooccurrence_graph"
    require_columns(pairs, ["entity_a", "entity_b", "count"], func=func, arg="pairs")
    require_positive_int(min_count, func=func, arg="min_count")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise AnalysisInputError(f"{func}(): seed={seed!r} is not valid; expected an integer")
    if not isinstance(resolution, int | float) or not resolution > 0:
        raise AnalysisInputError(
            f"{func}(): resolution={resolution!r} is not valid; expected a number > 0"
        )
    if nodes is not None:
        require_columns(nodes, ["name"], func=func, arg="nodes")

    graph = nx.Graph()
    graph.graph.update({k: v for k, v in (pairs.attrs or {}).items() if _scalar(v)})
    kept = pairs[pairs["count"] >= min_count]
    # the rows as dicts from column lists (to_dict("records") iterates Arrow strings slowly)
    columns = {c: kept[c].tolist() for c in kept.columns}
    records = [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]
    for row in records:
        a, b = row["entity_a"], row["entity_b"]
        for side, name in (("a", a), ("b", b)):
            if name not in graph:
                graph.add_node(name)
            attrs = graph.nodes[name]
            if f"label_{side}" in row and _present(row[f"label_{side}"]):
                attrs.setdefault("label", str(row[f"label_{side}"]))
            if f"count_{side}" in row and _present(row[f"count_{side}"]):
                attrs.setdefault("windows", int(row[f"count_{side}"]))
        edge = {"weight": float(row["count"])}
        for key in _EDGE_ATTRS:
            if key in row and _present(row[key]):
                value = row[key]
                edge[key] = int(value) if key in ("count", "doc_count") else float(value)
        graph.add_edge(a, b, **edge)

    if nodes is not None:
        info = nodes.drop_duplicates("name").set_index("name")
        # each column as a dict once (DataFrame.at per node and column took a second)
        column = {k: info[k].to_dict() for k in ("mentions", "doc_count", "label") if k in info}
        for name in graph.nodes:
            if name not in info.index:
                continue
            for key in ("mentions", "doc_count"):
                if key in column and _present(column[key][name]):
                    graph.nodes[name][key] = int(column[key][name])
            if "label" in column and _present(column["label"][name]):
                graph.nodes[name]["label"] = str(column["label"][name])

    for name, degree in graph.degree():
        graph.nodes[name]["degree"] = int(degree)
    communities = graph_communities(graph, seed=seed, resolution=resolution)
    for i, members in enumerate(communities):
        for name in members:
            graph.nodes[name]["community"] = i
    graph.graph["n_communities"] = len(communities)
    return graph


def graph_communities(
    graph: nx.Graph, *, seed: int = 42, resolution: float = 1.0
) -> list[set[str]]:
    """Louvain communities of a weighted graph, largest first (deterministic for a seed).

    Args:
        graph: an undirected graph with edge attribute ``weight``.
        seed: random seed of :func:`networkx.algorithms.community.louvain_communities`.
        resolution: Louvain resolution.

    Returns:
        A list of sets of node names; ties in size are ordered by their first member.

    Example:
        >>> graph_communities(g)[0]
        {'Bob Jones', 'Paris'}
    """
    if graph.number_of_nodes() == 0:
        return []
    found = nx.algorithms.community.louvain_communities(
        graph, weight="weight", resolution=resolution, seed=seed
    )
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


def export_graph(graph: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write a graph as GEXF (``.gexf``, Gephi) or GraphML (``.graphml``), by suffix.

    Both formats hold only scalar attributes: lists, tuples, sets and dicts become
    "; "-joined strings (dicts as ``key=value``), None attributes are dropped and
    NaN stays NaN. In GEXF the node attribute ``label`` (the entity type) is written
    as ``entity_label`` and the GEXF display label is the entity name, so Gephi shows
    names. The graph itself is not changed.

    Args:
        graph: a networkx graph, e.g. from :func:`cooccurrence_graph`.
        path: the output file; its suffix chooses the format.

    Returns:
        The path written.

    Raises:
        AnalysisInputError: the suffix is neither .gexf nor .graphml, or the
            folder does not exist.

    Example:
        >>> export_graph(g, "reports/entities.graphml")
    """
    func = "export_graph"
    if not isinstance(graph, nx.Graph):
        raise AnalysisInputError(
            f"{func}(): graph must be a networkx graph, got {type(graph).__name__}"
        )
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".gexf", ".graphml"):
        raise AnalysisInputError(
            f"{func}(): path={str(p)!r} has suffix {p.suffix!r}; expected '.gexf' (Gephi) "
            "or '.graphml'"
        )
    if not p.parent.is_dir():
        raise AnalysisInputError(f"{func}(): folder {str(p.parent)!r} of path does not exist")
    clean = graph.copy()
    clean.graph = _clean_attrs(graph.graph)
    for _, attrs in clean.nodes(data=True):
        new = _clean_attrs(attrs)
        attrs.clear()
        attrs.update(new)
    for _, _, attrs in clean.edges(data=True):
        new = _clean_attrs(attrs)
        attrs.clear()
        attrs.update(new)
    if suffix == ".gexf":
        # GEXF uses a node's "label" attribute as its display label: show the name,
        # keep the entity type as "entity_label".
        for name, attrs in clean.nodes(data=True):
            if "label" in attrs:
                attrs["entity_label"] = attrs.pop("label")
            attrs["label"] = str(name)
        nx.write_gexf(clean, p)
    else:
        nx.write_graphml(clean, p)
    return p


def _present(value: Any) -> bool:
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | np.generic)


def _to_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return "; ".join(f"{k}={_to_scalar(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return "; ".join(str(_to_scalar(v)) for v in items)
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _clean_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _to_scalar(v) for k, v in attrs.items() if _present(v) or _is_nan(v)}


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
