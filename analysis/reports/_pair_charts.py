"""Private: charts of entity pairs: the co-occurrence matrix and heatmap, the network.

Public through :mod:`analysis.reports.plots`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis._validate import require_columns
from analysis.reports._chart_base import _WIDTH, _fmt, _literal, _new_figure, _short

__all__ = ["cooccurrence_heatmap", "cooccurrence_matrix", "network_chart"]


def cooccurrence_matrix(
    pairs: pd.DataFrame,
    names: Sequence[str],
    *,
    value: str = "count",
    drop_unpaired: bool = False,
    top: int | None = None,
) -> pd.DataFrame:
    """A symmetric name x name matrix of pair values (0 where a pair is absent).

    Args:
        pairs: from :func:`analysis.analyses.cooccurrence.entity_cooccurrence` (entity_a,
            entity_b, value).
        names: the entities to include, in order.
        value: the pair column to fill in.
        drop_unpaired: leave out names that co-occur with none of the other names.
        top: keep at most this many names (after ``drop_unpaired``).

    Returns:
        A square DataFrame indexed and columned by ``names``; the diagonal is 0.

    Example:
        >>> cooccurrence_matrix(pairs, ["Ana Ruiz", "Port Halden"])
    """
    require_columns(pairs, ["entity_a", "entity_b", value], func="cooccurrence_matrix", arg="pairs")
    names = list(dict.fromkeys(names))
    pos = {n: i for i, n in enumerate(names)}
    mat = np.zeros((len(names), len(names)), dtype=float)
    for a, b, v in zip(pairs["entity_a"], pairs["entity_b"], pairs[value], strict=True):
        if a in pos and b in pos and a != b:
            mat[pos[a], pos[b]] = mat[pos[b], pos[a]] = float(v)
    out = pd.DataFrame(mat, index=names, columns=names)
    if drop_unpaired:
        keep = [n for n in names if out.loc[n].any()]
        out = out.loc[keep, keep]
    if top is not None:
        out = out.iloc[:top, :top]
    return out


@_literal
def cooccurrence_heatmap(
    matrix: pd.DataFrame, *, title: str, value_label: str = "Co-occurrences"
) -> tuple[Any, str]:
    """A heatmap of a square co-occurrence matrix, cells annotated with their values.

    Returns:
        ``(figure, alt text)``.

    Example:
        >>> fig, alt = cooccurrence_heatmap(cooccurrence_matrix(pairs, names), title="...")
    """
    n = len(matrix)
    size = min(max(4.0, 0.45 * n + 2.5), 11.0)
    fig, ax = _new_figure(size + 1.2, size)
    values = matrix.to_numpy(dtype=float)
    im = ax.imshow(values, cmap="Blues", vmin=0)
    labels = [_short(v, 24) for v in matrix.index]
    ax.set_xticks(range(n), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(n), labels, fontsize=8)
    vmax = values.max() if values.size else 0
    if n <= 25:
        for i in range(n):
            for j in range(n):
                if values[i, j]:
                    ax.text(
                        j,
                        i,
                        _fmt(values[i, j]),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if values[i, j] > vmax / 2 else "black",
                    )
    fig.colorbar(im, ax=ax, shrink=0.8, label=value_label)
    ax.set_title(title)
    ax.set_xlabel("Entity")
    ax.set_ylabel("Entity")
    if n and vmax > 0:
        i, j = np.unravel_index(np.argmax(values), values.shape)
        alt = (
            f"Heatmap: {title}, {n} entities ({', '.join(labels[:12])}{'…' if n > 12 else ''}). "
            f"Strongest pair: {labels[i]} and {labels[j]} ({_fmt(values[i, j])}); "
            f"{int((values > 0).sum() // 2)} pairs co-occur at all."
        )
    else:
        alt = f"Heatmap: {title}; no pair of these entities co-occurs."
    return fig, alt


def _ordered_subgraph(graph: Any, nodes: Any) -> Any:
    """A copy of ``graph`` restricted to ``nodes``, nodes and edges in sorted order.

    ``graph.subgraph(nodes)`` iterates a *set* of the nodes when it is small, so the node
    order (and with it the seeded spring layout) changed with ``PYTHONHASHSEED``.
    """
    import networkx as nx

    keep = set(nodes)
    sub = nx.Graph()
    sub.graph.update(graph.graph)
    sub.add_nodes_from((n, graph.nodes[n]) for n in sorted(keep, key=str))
    edges = [(a, b) if str(a) <= str(b) else (b, a) for a, b in graph.edges(keep) if b in keep]
    sub.add_edges_from((a, b, graph.edges[a, b]) for a, b in sorted(edges, key=str))
    return sub


def _packed_spring_layout(graph: Any, *, seed: int) -> tuple[dict[Any, np.ndarray], tuple]:
    """Spring layout per connected component, components packed in rows (largest first).

    A single spring layout pushes small components to the far edges and squeezes the main
    one; laying out each component in its own box keeps every part readable.
    Returns the positions and the (width, height) of the drawing.
    """
    import networkx as nx

    comps = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(map(str, c))))
    if not comps:
        return {}, (1.0, 1.0)
    sizes = [math.sqrt(len(c)) * 1.6 if len(c) > 2 else 2.0 for c in comps]
    row_width = max(sizes[0] * 1.5, 4.0)
    pos: dict[Any, np.ndarray] = {}
    x = y = row_h = 0.0
    for comp, size in zip(comps, sizes, strict=True):
        if x > 0 and x + size > row_width:
            x, y, row_h = 0.0, y - row_h - 0.4, 0.0
        sub = _ordered_subgraph(graph, comp)
        if len(comp) <= 2:  # one node, or a pair one above the other (labels need width)
            ordered = sorted(comp, key=str)
            local = {n: np.array([0.0, (0.5 - i) * 0.7]) for i, n in enumerate(ordered)}
            if len(comp) == 1:
                local = {ordered[0]: np.zeros(2)}
        else:
            raw = nx.spring_layout(sub, seed=seed, weight="weight", k=2.5 / math.sqrt(len(comp)))
            xy = np.array(list(raw.values()), dtype=float)
            # stretch each axis to fill the component's box: hubs leave less empty space
            lo, span = xy.min(axis=0), np.ptp(xy, axis=0)
            span[span == 0] = 1.0
            xy = ((xy - lo) / span - 0.5) * size * 0.9
            local = dict(zip(raw, xy, strict=True))
        box_h = size if len(comp) > 2 else 1.2
        for node, xy in local.items():
            pos[node] = np.asarray(xy) + np.array([x + size / 2, y - box_h / 2])
        x += size + 0.4
        row_h = max(row_h, box_h)
    width = row_width
    height = -(y - row_h)
    return pos, (width, height)


@_literal
def network_chart(
    graph: Any,
    *,
    title: str,
    max_nodes: int = 40,
    seed: int = 42,
    size_attr: str = "degree",
) -> tuple[Any, str]:
    """The co-occurrence network: spring layout, nodes coloured by community, labelled.

    Shows the ``max_nodes`` nodes with the largest ``size_attr`` (node size follows it; edge
    width follows ``weight``). The layout is seeded, so the same graph draws the same way.

    Args:
        graph: from :func:`analysis.analyses.network.cooccurrence_graph` (node attribute
            ``community``).
        title: figure title.
        max_nodes: most nodes drawn.
        seed: spring layout seed.
        size_attr: node attribute for node size and selection (falls back to degree).

    Returns:
        ``(figure, alt text)``.

    Example:
        >>> fig, alt = network_chart(graph, title="Entity network")
    """
    import matplotlib as mpl
    import networkx as nx

    def size_of(node: Any) -> float:
        v = graph.nodes[node].get(size_attr)
        return float(v) if v is not None else float(graph.degree(node))

    nodes = sorted(graph.nodes, key=lambda n: (-size_of(n), str(n)))[:max_nodes]
    sub = _ordered_subgraph(graph, nodes)
    pos, (width, height) = _packed_spring_layout(sub, seed=seed)
    fig_h = min(max(4.0, (_WIDTH + 1) * height / max(width, 1e-9)), 12.0)
    fig, ax = _new_figure(_WIDTH + 1, fig_h)
    ax.set_title(title)
    ax.set_axis_off()
    if sub.number_of_nodes() == 0:
        return fig, f"Empty network: {title}; no entity pairs to draw."
    cmap = mpl.colormaps["tab10"]
    comm = [int(sub.nodes[n].get("community", 0) or 0) for n in sub.nodes]
    # the drawn communities get distinct colours (largest first); beyond 9, one grey
    shown = sorted(set(comm))
    colours = [cmap(i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)]  # tab10 without its grey
    palette = {c: colours[i] for i, c in enumerate(shown[:9])}
    other = (0.62, 0.62, 0.62, 1.0)
    sizes = np.array([size_of(n) for n in sub.nodes])
    sizes = 120 + 900 * (sizes / sizes.max() if sizes.max() > 0 else sizes)
    weights = np.array([float(d.get("weight", 1.0)) for _, _, d in sub.edges(data=True)])
    widths = 0.6 + 3.0 * (weights / weights.max()) if len(weights) else []
    nx.draw_networkx_edges(sub, pos, ax=ax, width=widths, alpha=0.35, edge_color="#6b6b6b")
    nx.draw_networkx_nodes(
        sub,
        pos,
        ax=ax,
        node_size=sizes,
        node_color=[palette.get(c, other) for c in comm],
        edgecolors="white",
        linewidths=0.8,
    )
    nx.draw_networkx_labels(
        sub, pos, ax=ax, labels={n: _short(n, 22) for n in sub.nodes}, font_size=8
    )
    groups: dict[int, list[Any]] = {}
    for n, c in zip(sub.nodes, comm, strict=True):
        groups.setdefault(c, []).append(n)
    handles = [
        mpl.lines.Line2D(
            [], [], marker="o", linestyle="", color=palette[c], label=f"community {c + 1}"
        )
        for c in shown[:9]
    ]
    if len(shown) > 9:
        handles.append(
            mpl.lines.Line2D(
                [], [], marker="o", linestyle="", color=other, label="other communities"
            )
        )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.margins(0.08)
    desc = "; ".join(
        f"community {c + 1}: "
        + ", ".join(str(n) for n in sorted(groups[c], key=lambda s: (-size_of(s), str(s)))[:6])
        + ("…" if len(groups[c]) > 6 else "")
        for c in sorted(groups)[:8]
    )
    hidden = graph.number_of_nodes() - sub.number_of_nodes()
    alt = (
        f"Network diagram: {title}. {sub.number_of_nodes()} entities and "
        f"{sub.number_of_edges()} links drawn"
        + (f" ({hidden} smaller entities left out)" if hidden > 0 else "")
        + f", coloured by community. {desc}."
    )
    return fig, alt
