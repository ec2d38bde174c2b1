"""Matplotlib figures for the reports, each returned with a text description (alt text).

Every function takes a tidy DataFrame from an analysis function and returns
``(figure, alt)``: a :class:`matplotlib.figure.Figure` with a title and labelled axes, and a
sentence describing what it shows for readers who cannot see it. Show them with
:func:`analysis.reports.display.show_figure` (``show_figure(fig, alt=alt)``), which escapes
the text.

The figures use the non-interactive Agg canvas (no window, no global pyplot state besides
the figure registry that ``show_figure`` clears). All their text is literal: a ``$`` in a
title, label or entity name is a dollar sign, never the start of matplotlib math text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis._validate import require_columns
from analysis.errors import AnalysisInputError
from analysis.reports._chart_base import (
    _WIDTH,
    _clamped,
    _date_ticks,
    _fmt,
    _literal,
    _new_figure,
    _short,
    literal_text,
)
from analysis.reports._pair_charts import cooccurrence_heatmap, cooccurrence_matrix, network_chart

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
