"""Matplotlib figures for the reports, each returned with a text description (alt text).

Every function takes a tidy DataFrame from an analysis function and returns
``(figure, alt)``: a :class:`matplotlib.figure.Figure` with a title and labelled axes, and a
sentence describing what it shows for readers who cannot see it. Show them with
:func:`analysis.display.show_figure` (``show_figure(fig, alt=alt)``), which escapes the text.

The figures use the non-interactive Agg canvas (no window, no global pyplot state besides
the figure registry that ``show_figure`` clears). All their text is literal: a ``$`` in a
title, label or entity name is a dollar sign, never the start of matplotlib math text.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from analysis._validate import require_columns
from analysis.errors import AnalysisInputError

__all__ = [
    "band_chart",
    "bar_chart",
    "cooccurrence_heatmap",
    "cooccurrence_matrix",
    "histogram_chart",
    "interval_chart",
    "line_chart",
    "literal_text",
    "network_chart",
]

_WIDTH = 9.0
_F = TypeVar("_F", bound=Callable[..., Any])


def literal_text(fig: Any) -> Any:
    """Make every text of ``fig`` literal (no ``$...$`` math text); returns ``fig``.

    Titles, axis and tick labels, annotations, legend entries and network labels come from
    article text: ``"$5bn"`` or ``"$x^"`` must be drawn as written, not parsed (which can
    fail the whole figure with a ValueError). Ticks that matplotlib creates later, while
    drawing, are covered by :func:`analysis.display.figure_html`, which draws with
    ``text.parse_math`` off.

    Example:
        >>> fig, alt = bar_chart(df, label="term", value="count", title="$x^", xlabel="n")
        >>> literal_text(fig).savefig("chart.png")
    """
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def _literal(func: _F) -> _F:
    """Charts drawn with ``text.parse_math`` off and every text made literal."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib as mpl

        with mpl.rc_context({"text.parse_math": False}):
            fig, alt = func(*args, **kwargs)
        return literal_text(fig), alt

    return wrapper  # type: ignore[return-value]


def _new_figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def _short(text: Any, limit: int = 40) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _fmt(value: float) -> str:
    if isinstance(value, int | np.integer) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3g}"


def _clamped(current: tuple[float, float], limits: tuple[float, float]) -> tuple[float, float]:
    """The axis range ``current`` cut to ``limits`` (plus a small margin)."""
    pad = 0.03 * (limits[1] - limits[0])
    return max(current[0], limits[0] - pad), min(current[1], limits[1] + pad)


def _date_ticks(ax: Any, values: pd.Series, *, most: int = 16) -> None:
    """Tick every period start when there are few (weekly data gets week ticks, not days)."""
    import matplotlib.dates as mdates

    ticks = sorted(pd.to_datetime(values, utc=True).dropna().dt.tz_localize(None).unique())
    if 0 < len(ticks) <= most:
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))


@_literal
def bar_chart(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    xlabel: str,
    top: int | None = 20,
    color: str = "#4c72b0",
) -> tuple[Any, str]:
    """Horizontal bars, largest at the top (e.g. the most frequent terms).

    Args:
        df: one row per bar, already sorted as wanted (largest first).
        label: column with the bar labels.
        value: column with the bar lengths.
        title: figure title.
        xlabel: label of the value axis.
        top: most bars shown.
        color: bar colour.

    Returns:
        ``(figure, alt text)``.

    Example:
        >>> fig, alt = bar_chart(top_terms, label="term", value="count",
        ...                      title="Most frequent terms", xlabel="Occurrences")
    """
    require_columns(df, [label, value], func="bar_chart", arg="df")
    data = df.head(top) if top else df
    labels = [_short(v) for v in data[label]]
    values = data[value].astype(float).to_numpy()
    fig, ax = _new_figure(_WIDTH, max(2.2, 0.26 * len(data) + 1.1))
    y = np.arange(len(data))
    ax.barh(y, values, color=color)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    if len(data):
        listed = "; ".join(
            f"{lab} {_fmt(v)}" for lab, v in zip(labels[:10], values[:10], strict=True)
        )
        more = f" (first 10 of {len(data)} shown here)" if len(data) > 10 else ""
        alt = f"Horizontal bar chart: {title}. {xlabel} per {label}: {listed}{more}."
    else:
        alt = f"Empty bar chart: {title}; there is nothing to show."
    return fig, alt


@_literal
def line_chart(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    group: str | None,
    title: str,
    xlabel: str,
    ylabel: str,
    max_groups: int = 10,
) -> tuple[Any, str]:
    """One line per group over time (e.g. term use or entity mentions per week).

    Args:
        df: tidy rows with the ``x`` (dates), ``y`` and ``group`` columns.
        x: the time column.
        y: the value column.
        group: the column naming each line; None for a single line.
        title: figure title.
        xlabel: label of the time axis.
        ylabel: label of the value axis.
        max_groups: most lines drawn (the first groups in ``df`` order).

    Returns:
        ``(figure, alt text)``.

    Example:
        >>> fig, alt = line_chart(trends, x="period", y="per_10k", group="term",
        ...                       title="Term use per week", xlabel="Week", ylabel="Per 10,000 words")
    """
    cols = [x, y] + ([group] if group else [])
    require_columns(df, cols, func="line_chart", arg="df")
    fig, ax = _new_figure(_WIDTH, 4.2)
    groups = list(dict.fromkeys(df[group].tolist()))[:max_groups] if group else [None]
    peaks = []
    for g in groups:
        part = df if g is None else df[df[group] == g]
        part = part.sort_values(x)
        xs = pd.to_datetime(part[x], utc=True).dt.tz_localize(None)
        ys = part[y].astype(float)
        ax.plot(
            xs,
            ys,
            marker="o",
            markersize=3,
            linewidth=1.6,
            label=None if g is None else _short(g, 30),
        )
        if len(part) and ys.notna().any():
            i = int(np.nanargmax(ys.to_numpy()))
            peaks.append(
                f"{'' if g is None else _short(g, 30) + ' '}peaks at {_fmt(ys.iloc[i])} "
                f"in the period starting {xs.iloc[i]:%Y-%m-%d}"
            )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if group and groups:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title=group)
    _date_ticks(ax, df[x])
    fig.autofmt_xdate()
    if len(df):
        xs_all = pd.to_datetime(df[x], utc=True)
        span = f"from {xs_all.min():%Y-%m-%d} to {xs_all.max():%Y-%m-%d}"
        what = (
            f"{len(groups)} lines ({', '.join(_short(g, 30) for g in groups)})"
            if group
            else "one line"
        )
        alt = f"Line chart: {title}, {span}; {what}. " + "; ".join(peaks[:10]) + "."
    else:
        alt = f"Empty line chart: {title}; there is nothing to show."
    return fig, alt


@_literal
def interval_chart(
    df: pd.DataFrame,
    *,
    label: str,
    mean: str = "mean",
    low: str = "ci_low",
    high: str = "ci_high",
    title: str,
    xlabel: str,
    count: str | None = None,
    reference: float | None = 0.0,
    limits: tuple[float, float] | None = None,
) -> tuple[Any, str]:
    """Means with confidence intervals as horizontal error bars, one row per group.

    Args:
        df: one row per group with the mean and interval bounds (NaN bounds: no bar).
        label: the group column.
        mean: the mean column.
        low: the lower bound column.
        high: the upper bound column.
        title: figure title.
        xlabel: label of the value axis.
        count: a column with the group size, added to the labels as "(n=...)".
        reference: draw a vertical line here (None: no line).
        limits: the range values can take, e.g. ``(-1, 1)`` for compound scores: the
            axis follows the data but never goes beyond it (intervals of small groups may;
            they are cut at the edge, the alt text keeps the true bounds).

    Returns:
        ``(figure, alt text)``.

    Example:
        >>> fig, alt = interval_chart(by_source, label="source", title="Sentiment by source",
        ...                           xlabel="Mean compound (95% CI)", count="n_docs")
    """
    require_columns(df, [label, mean, low, high], func="interval_chart", arg="df")
    data = df.dropna(subset=[mean]).reset_index(drop=True)
    labels = [
        _short(v) + (f" (n={int(n)})" if count else "")
        for v, n in zip(data[label], data[count] if count else [0] * len(data), strict=True)
    ]
    m = data[mean].astype(float).to_numpy()
    lo = data[low].astype(float).to_numpy()
    hi = data[high].astype(float).to_numpy()
    err = np.vstack([np.nan_to_num(m - lo), np.nan_to_num(hi - m)])
    fig, ax = _new_figure(_WIDTH, max(2.2, 0.4 * len(data) + 1.3))
    y = np.arange(len(data))
    ax.errorbar(m, y, xerr=err, fmt="o", color="#4c72b0", ecolor="#8c8c8c", capsize=4)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    if reference is not None:
        ax.axvline(reference, color="#c44e52", linewidth=1, linestyle="--")
    if limits is not None:
        ax.set_xlim(*_clamped(ax.get_xlim(), limits))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    if len(data):
        parts = []
        for lab, mm, a, b in list(zip(labels, m, lo, hi, strict=True))[:12]:
            ci = f" (interval {a:.2f} to {b:.2f})" if not (math.isnan(a) or math.isnan(b)) else ""
            parts.append(f"{lab}: {mm:.2f}{ci}")
        alt = f"Dot plot with error bars: {title}. " + "; ".join(parts) + "."
    else:
        alt = f"Empty chart: {title}; there is nothing to show."
    return fig, alt


@_literal
def band_chart(
    df: pd.DataFrame,
    *,
    x: str = "period",
    mean: str = "mean",
    low: str = "ci_low",
    high: str = "ci_high",
    title: str,
    xlabel: str,
    ylabel: str,
    reference: float | None = 0.0,
    limits: tuple[float, float] | None = None,
) -> tuple[Any, str]:
    """A mean over time with its confidence interval as a shaded band.

    ``limits`` is the range values can take (e.g. ``(-1, 1)`` for compound scores): the
    axis follows the data but never goes beyond it, so a wide band of a period with few
    documents is cut at the edge.

    Returns:
        ``(figure, alt text)``.

    Example:
        >>> fig, alt = band_chart(over_time, title="Sentiment per week", xlabel="Week",
        ...                       ylabel="Mean compound")
    """
    require_columns(df, [x, mean, low, high], func="band_chart", arg="df")
    data = df.sort_values(x)
    xs = pd.to_datetime(data[x], utc=True).dt.tz_localize(None)
    m = data[mean].astype(float)
    fig, ax = _new_figure(_WIDTH, 4.0)
    ax.fill_between(
        xs,
        data[low].astype(float),
        data[high].astype(float),
        alpha=0.25,
        color="#4c72b0",
        label="confidence interval",
    )
    ax.plot(xs, m, marker="o", color="#4c72b0", label="mean")
    if reference is not None:
        ax.axhline(reference, color="#c44e52", linewidth=1, linestyle="--")
    if limits is not None:
        ax.set_ylim(*_clamped(ax.get_ylim(), limits))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    _date_ticks(ax, data[x])
    fig.autofmt_xdate()
    valid = data[m.notna().to_numpy()]
    if len(valid):
        vm = valid[mean].astype(float)
        lo_i, hi_i = int(vm.to_numpy().argmin()), int(vm.to_numpy().argmax())
        vx = pd.to_datetime(valid[x], utc=True)
        alt = (
            f"Line chart with a shaded confidence band: {title}, {len(valid)} periods from "
            f"{vx.min():%Y-%m-%d} to {vx.max():%Y-%m-%d}. Highest mean {vm.iloc[hi_i]:.2f} "
            f"(period starting {vx.iloc[hi_i]:%Y-%m-%d}); lowest {vm.iloc[lo_i]:.2f} "
            f"(period starting {vx.iloc[lo_i]:%Y-%m-%d})."
        )
    else:
        alt = f"Empty chart: {title}; there is nothing to show."
    return fig, alt


@_literal
def histogram_chart(
    values: dict[str, Sequence[float] | pd.Series],
    *,
    title: str,
    xlabel: str,
    bins: int = 20,
    value_range: tuple[float, float] = (-1.0, 1.0),
) -> tuple[Any, str]:
    """Side-by-side histograms of one or more distributions (e.g. sentence and document scores).

    Args:
        values: panel title -> values (NaN ignored).
        title: figure title.
        xlabel: label of the value axes.
        bins: number of bins.
        value_range: the range binned.

    Returns:
        ``(figure, alt text)``.

    Example:
        >>> fig, alt = histogram_chart({"Sentences": s["compound"]}, title="Sentiment",
        ...                            xlabel="Compound score")
    """
    import matplotlib.pyplot as plt

    if not values:
        raise AnalysisInputError("histogram_chart(): values is empty; expected {title: values}")
    n = len(values)
    fig, axes = plt.subplots(1, n, figsize=(_WIDTH, 3.6), layout="constrained", squeeze=False)
    parts = []
    for ax, (name, vals) in zip(axes[0], values.items(), strict=True):
        arr = pd.Series(vals, dtype=float).dropna().to_numpy()
        ax.hist(arr, bins=bins, range=value_range, color="#4c72b0", edgecolor="white")
        ax.set_title(f"{name} (n={len(arr):,})", fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Count")
        ax.grid(axis="y", alpha=0.3)
        if len(arr):
            parts.append(
                f"{name}: {len(arr):,} values, median {np.median(arr):.2f}, "
                f"{(arr >= 0.05).mean():.0%} at or above 0.05, {(arr <= -0.05).mean():.0%} "
                "at or below -0.05"
            )
        else:
            parts.append(f"{name}: no values")
    fig.suptitle(title)
    alt = (
        f"Histograms: {title}, from {value_range[0]} to {value_range[1]}. " + "; ".join(parts) + "."
    )
    return fig, alt


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
        pairs: from :func:`analysis.entities.entity_cooccurrence` (entity_a, entity_b, value).
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
        graph: from :func:`analysis.network.cooccurrence_graph` (node attribute ``community``).
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
