"""Render report HTML for a corpus with hostile titles and check it in headless Chromium.

Article titles are untrusted: ``<script>alert(1)</script>`` must be shown as text, and no
element or attribute of an article may become markup. Chromium parses the page as a browser
does (``--dump-dom``); the test skips when Chromium is not installed (CI installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCRIPT_TITLE = "<script>alert(1)</script>"
IMG_TITLE = "<img src=x onerror=alert(1)>"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium not found (apt-get install -y chromium); cannot render the HTML")


def _write_corpus(folder: Path) -> Path:
    """Six original articles, two with hostile titles, two sources, two weeks."""
    rows = [
        (
            SCRIPT_TITLE,
            "Mayor Ana Ruiz of Port Halden praised the harbour workers. The new ferry is a "
            "wonderful success, Ana Ruiz said on Monday. Port Halden council agreed.",
            "2026-09-01T10:00:00Z",
            "Harbour Gazette",
        ),
        (
            IMG_TITLE,
            "Storms damaged the harbour wall in Port Halden. Ana Ruiz warned of terrible "
            "losses for the fishing fleet. The council of Port Halden met Ana Ruiz.",
            "2026-09-03T10:00:00Z",
            "Harbour Gazette",
        ),
        (
            "Ferry timetable changes",
            "The ferry company Bluewater Lines will add a late sailing. Bluewater Lines said "
            "demand from Port Halden had grown. Ana Ruiz welcomed Bluewater Lines.",
            "2026-09-08T10:00:00Z",
            "Meridian Wire",
        ),
        (
            "Harbour wall repairs begin",
            "Engineers started repairs to the harbour wall in Port Halden. The work is "
            "slow and costly, Bluewater Lines complained. Ana Ruiz said the repairs help.",
            "2026-09-09T10:00:00Z",
            "Meridian Wire",
        ),
        (
            "Fishing fleet returns",
            "The fishing fleet returned to Port Halden after the storm. Ana Ruiz thanked "
            "the crews. Port Halden markets reopened with great relief.",
            "2026-09-10T10:00:00Z",
            "Harbour Gazette",
        ),
        (
            "Council budget vote",
            "The council of Port Halden approved a budget for the harbour. Ana Ruiz and "
            "Bluewater Lines both backed the plan. Critics called it wasteful and bad.",
            "2026-09-11T10:00:00Z",
            "Meridian Wire",
        ),
    ]
    df = pd.DataFrame(rows, columns=["title", "text", "published", "source"])
    path = folder / "hostile.csv"
    df.to_csv(path, index=False)
    return path


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def _dump_dom(chromium: str, html_path: Path, profile: Path) -> str:
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--dump-dom",
        html_path.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _check_page(dom_html: str, *, min_figures: int) -> _Dom:
    assert "<body" in dom_html and len(dom_html) > 10_000, "page did not load"
    dom = _Dom()
    dom.feed(dom_html)
    text = "".join(dom.text)
    # the hostile titles are shown as text...
    assert SCRIPT_TITLE in text
    assert IMG_TITLE in text
    # ...and never became markup
    assert not any("alert(" in s for s in dom.scripts)
    for tag, attrs in dom.tags:
        for key, value in attrs.items():
            assert not (key.startswith("on") and value and "alert" in value), (tag, attrs)
        if tag == "img":
            assert attrs.get("src") != "x", "an article title became an <img>"
    figures = [a for t, a in dom.tags if t == "img" and (a.get("src") or "").startswith("data:")]
    assert len(figures) >= min_figures
    assert all((a.get("alt") or "").strip() for a in figures), "every figure has alt text"
    return dom


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "parameters", "min_figures"),
    [
        ("sentiment", {}, 3),
        ("term_frequency", {"query": "alert", "min_count": 1}, 2),
    ],
)
def test_report_html_shows_hostile_titles_as_text(tmp_path, name, parameters, min_figures):
    chromium = _chromium()
    reports = pytest.importorskip("analysis.reports.runner")
    corpus = _write_corpus(tmp_path)
    params = dict(parameters)
    params["cache_dir"] = str(tmp_path / "cache")
    result = reports.run_report(
        name,
        parameters=params,
        corpus=corpus,
        output_root=tmp_path / "reports",
        notebooks_dir=NOTEBOOKS,
        progress=False,
        quiet=True,
        force=True,
    )
    assert result.status == "ok", result.error
    page = result.html_path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror" not in page
    dom = _check_page(
        _dump_dom(chromium, result.html_path, tmp_path / "profile"), min_figures=min_figures
    )
    assert "about this run" in "".join(dom.text)
