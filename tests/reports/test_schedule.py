"""Tests for analysis.reports.schedule: schema errors name file, entry and field; runs
continue on failure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.errors import ReportError
from analysis.reports.schedule import load_schedule, run_schedule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sched.yml"
    path.write_text(text)
    return path


def test_example_daily_schedule_is_valid():
    schedule = load_schedule(REPO / "schedules" / "daily.yml")
    assert [r.name for r in schedule.reports] == [
        "term_frequency",
        "entity_cooccurrence",
        "sentiment",
    ]
    assert schedule.output_root == REPO / "reports"
    assert schedule.defaults["corpus"] == "../data/sample"
    assert schedule.name == "daily"


def test_relative_folders_are_relative_to_the_file(tmp_path):
    path = _write(
        tmp_path,
        f"output_root: out\nnotebooks_dir: {FIXTURES}\nreports: [tiny, {{name: broken}}]\n",
    )
    schedule = load_schedule(path)
    assert schedule.output_root == tmp_path / "out"
    assert schedule.notebooks_dir == FIXTURES.resolve()
    assert [r.name for r in schedule.reports] == ["tiny", "broken"]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("- tiny\n", "top level", "expected a mapping"),
        ("report: [tiny]\n", "top level", "did you mean 'reports'"),
        ("reports: []\n", "reports", "non-empty list"),
        ("reports: tiny\n", "reports", "non-empty list"),
        ("reports: [{title: x}]\n", "reports[0].name", "expected a report name"),
        (
            "reports: [tiny, {name: broken, params: {}}]\n",
            "reports[1]",
            "did you mean 'parameters'",
        ),
        (
            "reports: [tiny, {name: broken, parameters: [1]}]\n",
            "reports[1].parameters",
            "expected a mapping",
        ),
        ("reports: [tiny, {name: broken, title: 3}]\n", "reports[1].title", "expected a string"),
        ("reports: [tiny, broken, tiny]\n", "reports[2].name", "already listed at reports[0]"),
        ("reports: [3]\n", "reports[0]", "expected a mapping"),
        ("defaults: [1]\nreports: [tiny]\n", "defaults", "expected a mapping"),
        ("output_root: 5\nreports: [tiny]\n", "output_root", "expected a folder path"),
        ("name: ../up\nreports: [tiny]\n", "name", "run name '../up' is not valid"),
        ('name: "2026-01-02"\nreports: [tiny]\n', "name", "looks like a date"),
    ],
)
def test_schema_errors_name_file_entry_and_field(tmp_path, text, where, what):
    path = _write(tmp_path, text)
    with pytest.raises(ReportError) as err:
        load_schedule(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: {where}: "), msg
    assert what in msg


def test_unreadable_and_invalid_yaml(tmp_path):
    with pytest.raises(ReportError, match="cannot be read"):
        load_schedule(tmp_path / "missing.yml")
    with pytest.raises(ReportError, match="not valid YAML"):
        load_schedule(_write(tmp_path, "reports: [tiny\n"))


def test_bad_parameter_in_entry_named_before_any_run(tmp_path, monkeypatch):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: pytest.fail("ran a kernel"))
    path = _write(tmp_path, f"notebooks_dir: {FIXTURES}\nreports:\n  - tiny\n  - {{name: tiny2}}\n")
    with pytest.raises(ReportError, match=r"reports\[1\]\.name: report 'tiny2' not found"):
        run_schedule(path)
    path = _write(
        tmp_path,
        f"notebooks_dir: {FIXTURES}\nreports:\n  - broken\n  - {{name: tiny, parameters: {{topp: 2}}}}\n",
    )
    with pytest.raises(ReportError, match=r"reports\[1\]\.parameters: .*Did you mean 'top'"):
        run_schedule(path)
    path = _write(tmp_path, f"notebooks_dir: {FIXTURES}\ndefaults: {{nope: 1}}\nreports: [tiny]\n")
    with pytest.raises(ReportError, match="has no parameter 'nope'"):
        run_schedule(path)
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_run_schedule_continues_after_failure_and_resolves_paths(tmp_path):
    shutil.copytree(FIXTURES / "sample_corpus", tmp_path / "corpus")
    (tmp_path / "corpus" / "x.txt").write_text("Invented\n\nBody.\n")
    path = _write(
        tmp_path,
        f"output_root: out\nnotebooks_dir: {FIXTURES}\ndefaults: {{corpus: corpus, top: 4}}\n"
        "reports:\n  - broken\n  - {name: tiny, title: Tiny <b>title</b>, parameters: {window: 7d}}\n",
    )
    results = run_schedule(path, run_date="2026-02-03", progress=False)
    assert [r.status for r in results] == ["failed", "ok"]
    tiny = results[1]
    assert tiny.parameters == {
        "corpus": str(tmp_path / "corpus"),
        "top": 4,
        "window": "7d",
        "output_dir": str(tmp_path / "out" / "sched" / "2026-02-03"),
    }
    html = tiny.html_path.read_text()
    assert "TINY_OUTPUT files=3 top=4 window=7d" in html
    assert "<title>Tiny &lt;b&gt;title&lt;/b&gt;</title>" in html
    assert tiny.html_path == tmp_path / "out" / "sched" / "2026-02-03" / "tiny.html"
    record = json.loads((tmp_path / "out" / "sched" / "2026-02-03" / "broken.json").read_text())
    assert record["status"] == "failed"
    assert record["parameters"] == {"corpus": str(tmp_path / "corpus")}  # `top` is not broken's
