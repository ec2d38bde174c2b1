"""Private: the ``reports/index.html`` page listing every recorded report run (all escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import quote

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #222; }
h1 { font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #11672b; font-weight: 600; }
.failed { color: #b00020; font-weight: 600; }
.empty { color: #8a6100; font-weight: 600; }
.params, .error { font-family: ui-monospace, monospace; font-size: 0.8rem; word-break: break-word; }
.error { color: #b00020; }
"""


def _params_summary(params: Any, limit: int = 300) -> str:
    if not isinstance(params, Mapping):
        return "defaults"
    # output_dir is set by the runner to the run folder itself: not worth a column of paths
    text = ", ".join(f"{k}={v!r}" for k, v in params.items() if k != "output_dir")
    if not text:
        return "defaults"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link(folder: str, file: Any, label: str) -> str:
    if not isinstance(file, str) or not file:
        return ""
    href = quote(f"{folder}/{file}")
    return f'<a href="{escape(href)}">{escape(label)}</a>'


def render_index(records: Iterable[Mapping[str, Any]]) -> str:
    """HTML for the index; newest run date first, then report name."""
    rows = []
    ordered = sorted(records, key=lambda r: (str(r.get("_dir", "")), str(r.get("_name", ""))))
    ordered.sort(key=lambda r: str(r.get("_dir", "")), reverse=True)
    for rec in ordered:
        folder = str(rec.get("_dir", ""))
        status = str(rec.get("status", "unknown"))
        css = status if status in ("ok", "empty") else "failed"
        seconds = rec.get("seconds")
        seconds_text = f"{seconds:.1f}" if isinstance(seconds, int | float) else ""
        links = " · ".join(
            x
            for x in (
                _link(folder, rec.get("html"), "HTML"),
                _link(folder, rec.get("ipynb"), "notebook"),
            )
            if x
        )
        rows.append(
            "<tr>"
            f"<td>{escape(folder)}</td>"
            f"<td>{escape(str(rec.get('title') or rec.get('_name', '')))}"
            f"<br><small>{escape(str(rec.get('_name', '')))}</small></td>"
            f'<td class="{css}">{escape(status)}</td>'
            f"<td>{links}</td>"
            f"<td>{escape(str(rec.get('started', '')))}</td>"
            f'<td class="num">{escape(seconds_text)}</td>'
            f'<td class="params">{escape(_params_summary(rec.get("parameters")))}</td>'
            f'<td class="error">{escape(str(rec.get("error") or ""))}</td>'
            "</tr>"
        )
    body = "\n".join(rows) or '<tr><td colspan="8">No report has been run yet.</td></tr>'
    now = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Newsdesk reports</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Newsdesk reports</h1>
<p>Updated {escape(now)}. One row per report and run date (the latest run of that day).</p>
<table>
<thead><tr><th>Date</th><th>Report</th><th>Status</th><th>Output</th><th>Started</th>
<th>Seconds</th><th>Parameters</th><th>Error or reason</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""
