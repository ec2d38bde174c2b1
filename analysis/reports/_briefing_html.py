"""Private: HTML of the briefing page and of the "What changed" section atop each report.

Everything from articles (titles, sentences, names, URLs) is escaped; a URL is a link only
when it is http(s).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import quote

import pandas as pd

from analysis.analyses.briefing import Briefing

#: Where each kind of finding is shown in full: (report file, heading anchor, label).
REPORT_SECTIONS = {
    "terms": ("term_frequency.html", "Rising-and-falling-words", "Rising and falling words"),
    "bursts": ("term_frequency.html", "Trends", "Term trends"),
    "entities": ("entity_cooccurrence.html", "Most-mentioned-entities", "Most mentioned entities"),
    "pairs": (
        "entity_cooccurrence.html",
        "Entities-mentioned-together",
        "Entities mentioned together",
    ),
    "sentiment": ("sentiment.html", "By-group", "Sentiment by group"),
}

_CSS = """
body.nd-briefing { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto;
  max-width: 60rem; color: #222; line-height: 1.4; padding: 0 1rem; }
.nd-brief h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
.nd-brief h2 { font-size: 1.15rem; margin: 1.4rem 0 0.4rem; border-bottom: 1px solid #ddd; }
.nd-brief .lead { font-size: 1.05rem; margin: 0.3rem 0 0.8rem; }
.nd-brief .meta, .nd-brief .more { color: #555; font-size: 0.85rem; }
.nd-brief ol, .nd-brief ul { padding-left: 1.3rem; margin: 0.3rem 0; }
.nd-brief li { margin: 0.35rem 0; }
.nd-brief .what { font-weight: 600; }
.nd-brief .num { font-variant-numeric: tabular-nums; color: #333; }
.nd-brief blockquote { margin: 0.15rem 0 0.15rem 0.4rem; padding-left: 0.6rem;
  border-left: 3px solid #d0d7de; color: #333; font-size: 0.9rem; }
.nd-brief blockquote .src { color: #666; font-size: 0.8rem; }
.nd-brief .up { color: #9a3412; font-weight: 600; }
.nd-brief .down { color: #1d4ed8; font-weight: 600; }
.nd-brief table { border-collapse: collapse; font-size: 0.85rem; margin: 0.3rem 0; }
.nd-brief th, .nd-brief td { border-bottom: 1px solid #e5e5e5; padding: 0.2rem 0.6rem;
  text-align: left; }
.nd-brief td.n { text-align: right; font-variant-numeric: tabular-nums; }
.nd-brief nav a { margin-right: 0.8rem; }
section.nd-brief.nd-top { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 16px;
  margin: 0 0 1em 0; background: #fbfcfd; line-height: 1.4;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; }
.nd-brief a { color: #0550ae; text-decoration: underline; }
.nd-brief h3 { font-size: 1rem; margin: 0.7rem 0 0.2rem; }
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _href(url: Any) -> str | None:
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


def _article_link(ex: Mapping[str, Any], *, anchors: bool) -> str:
    title = ex.get("title") or ex.get("doc_id") or "article"
    url = _href(ex.get("url"))
    if url:
        link = f'<a href="{_e(url)}">{_e(title)}</a>'
    elif anchors:
        link = f'<a href="#doc-{_e(quote(str(ex.get("doc_id", ""))))}">{_e(title)}</a>'
    else:
        link = _e(title)
    date = f", {_e(ex['published'])}" if ex.get("published") else ""
    return f"{link}{date}"


def _quotes(examples: Any, *, anchors: bool = True) -> str:
    items = list(examples) if isinstance(examples, list | tuple) else []
    out = []
    for ex in items:
        if not isinstance(ex, Mapping):
            continue
        text = str(ex.get("text", ""))
        if " ".join(str(ex.get("title", "")).split()) == text:  # the headline itself
            out.append(f"<blockquote>“{_article_link(ex, anchors=anchors)}”</blockquote>")
        else:
            out.append(
                f"<blockquote>“{_e(text)}” "
                f'<span class="src">— {_article_link(ex, anchors=anchors)}</span></blockquote>'
            )
    return "".join(out)


def _see(kind: str, prefix: str = "") -> str:
    page, anchor, label = REPORT_SECTIONS[kind]
    return f'<a class="more" href="{_e(prefix + page)}#{_e(anchor)}">{_e(label)} in the report</a>'


def _n(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{value:,.{digits}f}"


# --------------------------------------------------------------------------- sections


def _volume(b: Briefing) -> str:
    v = b.volume
    if v is None or v.empty:
        return "<p>No new articles.</p>"
    rows = []
    for r in v.itertuples(index=False):
        flag = {"above": '<span class="up">above usual</span>',
                "below": '<span class="down">below usual</span>'}.get(r.flag, _e(r.flag))  # fmt: skip
        usual = (
            f"{_n(r.usual_low)}–{_n(r.usual_high)} (median {_n(r.usual_median)})"
            if not pd.isna(r.usual_high)
            else "–"
        )
        rows.append(
            f"<tr><td>{_e(r.group)}</td><td class='n'>{_n(r.new)}</td>"
            f"<td class='n'>{_n(r.per_day, 1)}</td><td class='n'>{usual}</td><td>{flag}</td></tr>"
        )
    head = (
        f"<tr><th>{_e(b.group_by)}</th><th>new</th><th>new a day</th>"
        "<th>usual a day (10th–90th pct)</th><th></th></tr>"
    )
    period = ""
    if b.new_period[0]:
        period = f"<p class='meta'>New articles dated {_e(b.new_period[0])} to {_e(b.new_period[1])}.</p>"
    return f"{period}<table>{head}{''.join(rows)}</table>"


def _term_items(frame: pd.DataFrame, kind: str, prefix: str, limit: int | None) -> str:
    if frame is None or frame.empty:
        return "<p>None found.</p>" if kind == "terms" else "<p>No bursts.</p>"
    items = []
    for r in frame.head(limit).itertuples(index=False):
        if kind == "terms":
            stat = (
                f"in {r.new_docs} new articles vs {r.baseline_docs} before "
                f"(×{2**r.log_ratio:.1f} the rate, G² {r.g2:.0f})"
            )
        else:
            start, end = pd.Timestamp(r.start).date(), pd.Timestamp(r.end).date()
            stat = f"burst {start} – {end}: {r.docs} articles where {r.expected:.1f} were expected"
        items.append(_finding(_e(r.term), stat, r.examples, prefix))
    return f"<ol>{''.join(items)}</ol>"


def _finding(what_html: str, stat: str, examples: Any, prefix: str, label: str = "") -> str:
    """One finding: what (already escaped), its label, its figures and its evidence
    sentences (one in the report's short section; all on the briefing page, linked)."""
    quotes = _quotes(examples[:1] if prefix else examples, anchors=not prefix)
    small = f" <small>{_e(label)}</small>" if label else ""
    return (
        f'<li><span class="what">{what_html}</span>{small} '
        f'<span class="num">{_e(stat)}</span>{quotes}</li>'
    )


def _entity_items(b: Briefing, prefix: str, limit: int | None) -> str:
    e = b.entities
    if e is None or e.empty:
        return "<p>No new or rising entities.</p>"
    items = []
    for r in e.head(limit).itertuples(index=False):
        if r.status == "new":
            stat = f"new: in {r.new_docs} new articles, never before"
        else:
            stat = f"rising: {r.new_docs} new articles vs {r.baseline_docs} before (×{2**r.log_ratio:.1f})"
        items.append(_finding(_e(r.name), stat, r.examples, prefix, label=r.label))
    return f"<ol>{''.join(items)}</ol>"


def _pair_items(b: Briefing, prefix: str, limit: int | None) -> str:
    p = b.pairs
    if p is None or p.empty:
        return "<p>No new or rising pairs.</p>"
    items = []
    for r in p.head(limit).itertuples(index=False):
        before = "never together before" if r.status == "new" else f"{r.baseline_count} before"
        stat = f"together in {r.new_docs} new articles, {before}"
        items.append(_finding(f"{_e(r.entity_a)} — {_e(r.entity_b)}", stat, r.examples, prefix))
    return f"<ol>{''.join(items)}</ol>"


def _sentiment_items(b: Briefing, limit: int | None) -> str:
    s = b.sentiment
    if s is None or s.empty:
        return "<p>No source or entity moved beyond its confidence interval.</p>"
    items = []
    for r in s.head(limit).itertuples(index=False):
        css = "up" if r.difference > 0 else "down"
        word = "more positive" if r.difference > 0 else "more negative"
        what = "source" if r.kind == "group" else "entity"
        items.append(
            f'<li><span class="what">{_e(r.name)}</span> <small>{what}</small> '
            f'<span class="{css}">{word}</span> <span class="num">'
            f"{_e(f'{r.baseline_mean:+.2f} → {r.new_mean:+.2f} (difference {r.difference:+.2f}, {r.level:.1%} interval {r.ci_low:+.2f} to {r.ci_high:+.2f}; n {r.n_baseline} → {r.n_new})')}"
            "</span></li>"
        )
    return f"<ol>{''.join(items)}</ol>"


def _new_articles(b: Briefing, limit: int = 300) -> str:
    a = b.new_articles
    if a is None or a.empty:
        return "<p>None.</p>"
    items = []
    for r in a.head(limit).to_dict("records"):
        date = r.get("published")
        date = "" if date is None or pd.isna(date) else pd.Timestamp(date).date().isoformat()
        url = _href(r.get("url"))
        title = _e(r.get("title") or r.get("doc_id"))
        link = f'<a href="{_e(url)}">{title}</a>' if url else title
        src = r.get("source")
        src = "" if src is None or pd.isna(src) else f" · {_e(src)}"
        items.append(
            f'<li id="doc-{_e(quote(str(r["doc_id"])))}">{link} '
            f'<span class="meta">{_e(date)}{src}</span></li>'
        )
    more = f"<p class='meta'>…and {len(a) - limit:,} more.</p>" if len(a) > limit else ""
    return f"<ul>{''.join(items)}</ul>{more}"


def _lead(b: Briefing) -> str:
    notes = "".join(f"<p class='meta'>{_e(n)}</p>" for n in b.notes)
    return f'<p class="lead">{_e(b.headline)}.</p>{notes}'


def briefing_page(b: Briefing, *, run_name: str, run_date: str) -> str:
    """The full briefing page (``briefing.html``), self-contained."""
    sections = [
        ("volume", "Volume", _volume(b)),
        ("terms", "Rising words and phrases", _term_items(b.rising, "terms", "", None)
         + _see("terms")),
        ("bursts", "Bursts", _term_items(b.bursts, "bursts", "", None) + _see("bursts")),
        ("entities", "New and rising entities", _entity_items(b, "", None) + _see("entities")),
        ("pairs", "New and rising pairs", _pair_items(b, "", None) + _see("pairs")),
        ("sentiment", "Sentiment that moved", _sentiment_items(b, None) + _see("sentiment")),
        ("new-articles", f"New articles ({b.n_new:,})", _new_articles(b)),
    ]  # fmt: skip
    nav = " ".join(f'<a href="#{i}">{_e(t)}</a>' for i, t, _ in sections)
    body = "\n".join(
        f'<section id="{i}"><h2>{_e(t)}</h2>{html}</section>' for i, t, html in sections
    )
    now = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Briefing: {_e(run_name)} {_e(run_date)}</title>
<style>{_CSS}</style>
</head>
<body class="nd-briefing"><main class="nd-brief">
<p class="meta"><a href="../../index.html">All runs</a></p>
<h1>What changed: {_e(run_name)}, {_e(run_date)}</h1>
{_lead(b)}
<p class="meta">{b.n_docs:,} documents in the corpus; compared with
{_e("the run of " + b.previous_date if b.previous_date else "the days before (first run)")}.
Written {_e(now)}.</p>
<nav>{nav}</nav>
{body}
</main></body>
</html>
"""


def briefing_section(b: Briefing, *, briefing_href: str, limit: int = 3) -> str:
    """The short "What changed since the last run" block put at the top of each report.

    Each kind of finding is headed by a link to its part of the briefing and followed by
    a link to the report section that shows it in full.
    """
    parts = [_lead(b)]
    kinds = [
        ("terms", "Rising", b.rising, lambda: _term_items(b.rising, "terms", "x", limit)),
        ("bursts", "Bursts", b.bursts, lambda: _term_items(b.bursts, "bursts", "x", limit)),
        ("entities", "New and rising entities", b.entities, lambda: _entity_items(b, "x", limit)),
        ("sentiment", "Sentiment that moved", b.sentiment, lambda: _sentiment_items(b, limit)),
    ]
    for kind, title, frame, render in kinds:
        if frame is not None and not frame.empty:
            head = f'<h3><a href="{_e(briefing_href)}#{kind}">{_e(title)}</a></h3>'
            parts.append(head + render() + f"<p>{_see(kind)}</p>")
    return (
        f'<style>{_CSS}</style><section class="nd-brief nd-top" id="what-changed">'
        f"<h2>What changed since the last run</h2>{''.join(parts)}"
        f'<p><a href="{_e(briefing_href)}">Open the full briefing</a> (volume, pairs, '
        "all findings and the new articles).</p></section>"
    )
