"""Private: what every report chart shares: literal text, the figure, number and date labels."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = ["literal_text"]

_WIDTH = 9.0
_F = TypeVar("_F", bound=Callable[..., Any])


def literal_text(fig: Any) -> Any:
    """Make every text of ``fig`` literal (no ``$...$`` math text); returns ``fig``.

    Titles, axis and tick labels, annotations, legend entries and network labels come from
    article text: ``"$5bn"`` or ``"$x^"`` must be drawn as written, not parsed (which can
    fail the whole figure with a ValueError). Ticks that matplotlib creates later, while
    drawing, are covered by :func:`analysis.reports.display.figure_html`, which draws with
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
