"""Private: the ``reports/index.html`` page listing every recorded run (all escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import quote

from analysis.reports.status import most_serious

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
h2 { font-size: 1.2rem; margin-top: 1.6rem; }
.corpus { color: #555; font-size: 0.85rem; margin: 0 0 0.4rem 0; word-break: break-all; }
ul.reports { margin: 0; padding-left: 1rem; }
td.brief a { font-weight: 600; }
td.date { white-space: nowrap; }
.headline { font-size: 0.8rem; color: #444; max-width: 28rem; }
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


def _run_status(run: Mapping[str, Any]) -> str:
    statuses = [str(r.get("status", "unknown")) for r in run.get("reports", [])]
    if statuses:
        return most_serious(statuses, default=statuses[0])
    return str(run.get("run", {}).get("status") or "unknown")


def _css(status: str) -> str:
    return status if status in ("ok", "empty") else "failed"


def _report_cell(folder: str, rec: Mapping[str, Any]) -> str:
    status = str(rec.get("status", "unknown"))
    css = _css(status)
    label = str(rec.get("title") or rec.get("_name", ""))
    links = " · ".join(
        x
        for x in (
            _link(folder, rec.get("html"), label),
            _link(folder, rec.get("ipynb"), "notebook"),
        )
        if x
    ) or escape(label)
    seconds = rec.get("seconds")
    took = f", {seconds:.1f} s" if isinstance(seconds, int | float) else ""
    error = rec.get("error")
    err = f'<div class="error">{escape(str(error))}</div>' if error else ""
    params = escape(_params_summary(rec.get("parameters")))
    return (
        f'<li>{links} <span class="{css}">{escape(status)}</span>{escape(took)}'
        f'<div class="params">{params}</div>{err}</li>'
    )


def _period(run: Mapping[str, Any]) -> str:
    period = run.get("period")
    if isinstance(period, list) and len(period) == 2 and all(period):
        text = f"{period[0]} – {period[1]}"
        stray = run.get("period_left_out") or 0
        if stray:  # the time charts' span; the stray end dates are counted, not hidden
            text += f" (+{stray:,} stray-dated)"
        return text
    if run.get("n_docs") is not None:
        return "undated"
    return ""


def _run_row(run: Mapping[str, Any]) -> str:
    folder = str(run.get("rel", ""))
    rec = run.get("run") or {}
    status = _run_status(run)
    css = _css(status)
    brief = _link(folder, rec.get("briefing"), "Briefing")
    headline = rec.get("briefing_headline") or rec.get("briefing_error") or ""
    n_docs = rec.get("n_docs")
    n_new = rec.get("n_new")
    docs = f"{n_docs:,}" if isinstance(n_docs, int) else ""
    new = f"{n_new:,} new" if isinstance(n_new, int) and rec.get("previous_run") else ""
    reports = "".join(_report_cell(folder, r) for r in run.get("reports", []))
    return (
        "<tr>"
        f'<td class="date">{escape(str(run.get("date", "")))}</td>'
        f'<td class="brief">{brief}<div class="headline">{escape(str(headline))}</div></td>'
        f'<td class="num">{escape(docs)}<br><small>{escape(new)}</small></td>'
        f"<td>{escape(_period(rec))}</td>"
        f'<td class="{css}">{escape(status)}</td>'
        f'<td><ul class="reports">{reports}</ul></td>'
        f"<td>{escape(str(rec.get('started', '')))}</td>"
        "</tr>"
    )


def render_index(runs: Iterable[Mapping[str, Any]]) -> str:
    """HTML for the index: one table per run name (most recently run first), one row per
    run date (newest first) with the briefing link first, the corpus, document count,
    period, status and every report of that run.

    ``runs`` are the dicts of :func:`analysis.reports._runs.scan_runs`.
    """
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for run in runs:
        groups.setdefault(str(run.get("name", "")), []).append(run)
    for items in groups.values():
        items.sort(key=lambda r: str(r.get("date", "")), reverse=True)
    order = sorted(groups, key=lambda n: (str(groups[n][0].get("date", "")), n), reverse=True)
    sections = []
    for name in order:
        items = groups[name]
        corpora = sorted({str((r.get("run") or {}).get("corpus") or "") for r in items} - {""})
        heading = escape(name) if name else "Runs from before run names"
        corpus = f'<p class="corpus">Corpus: {escape(", ".join(corpora))}</p>' if corpora else ""
        rows = "\n".join(_run_row(r) for r in items)
        sections.append(
            f'<section id="run-{escape(name or "undated-layout")}"><h2>{heading}</h2>{corpus}'
            f"<table>\n<thead><tr><th>Date</th><th>What changed</th><th>Documents</th>"
            f"<th>Period</th><th>Status</th><th>Reports</th><th>Started</th></tr></thead>"
            f"<tbody>\n{rows}\n</tbody></table></section>"
        )
    body = "\n".join(sections) or "<p>No report has been run yet.</p>"
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
<p>Updated {escape(now)}. Every run, grouped by run name (corpus or schedule), newest first.
Open the briefing first: what is new since the previous run.</p>
{body}
</body>
</html>
"""
