"""Tests for analysis.reports: parameter checks, safety, the run itself, records and index.

The machinery runs on tiny fixture notebooks (tests/fixtures/notebooks); runs that start a
kernel are marked slow. The real report notebooks have their own tests.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.errors import ReportError
from analysis.reports._files import fingerprint_path as _fingerprint_path
from analysis.reports._index import render_index
from analysis.reports._param_checks import coerce_cli_value, validate_parameters
from analysis.reports._params import parse_parameters_source
from analysis.reports._runs import run_name_for
from analysis.reports.runner import (
    ReportResult,
    available_reports,
    find_notebooks_dir,
    format_summary,
    rebuild_index,
    report_parameters,
    run_report,
    run_reports,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
DATE = "2026-01-02"
RUN = "sample_corpus"  # the run name of the fixture notebooks' default corpus


@pytest.fixture
def no_kernel(monkeypatch):
    """Make any attempt to execute a notebook fail the test (validation must come first)."""
    import papermill

    def boom(*args, **kwargs):
        raise AssertionError("a kernel was started although validation should have failed")

    monkeypatch.setattr(papermill, "execute_notebook", boom)


# ----------------------------------------------------------------------------- locating


def test_notebooks_dir_default_env_and_argument(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSDESK_NOTEBOOKS", raising=False)
    repo_notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    if repo_notebooks.is_dir():
        assert find_notebooks_dir() == repo_notebooks
    monkeypatch.setenv("NEWSDESK_NOTEBOOKS", str(FIXTURES))
    assert find_notebooks_dir() == FIXTURES.resolve()
    assert find_notebooks_dir(tmp_path) == tmp_path.resolve()  # argument beats env
    with pytest.raises(ReportError, match="does not exist"):
        find_notebooks_dir(tmp_path / "missing")


def test_available_reports_excludes_explore():
    names = available_reports(notebooks_dir=FIXTURES)
    assert "explore" not in names
    assert {"tiny", "broken", "other_kernel"} <= set(names)


def test_report_parameters_read_union_annotations_papermill_misses():
    params = report_parameters("tiny", notebooks_dir=FIXTURES)
    assert list(params) == [
        "corpus",
        "start",
        "window",
        "sources",
        "query",
        "top",
        "ratio",
        "flag",
        "output_dir",
    ]
    assert params["output_dir"].type == "Optional[str]"
    assert params["output_dir"].accepts(None) and params["output_dir"].accepts("x")
    assert params["start"].type == "str | None"
    assert params["start"].help == "first day, YYYY-MM-DD"
    assert params["top"].default == 20
    assert params["top"].type == "int"
    assert params["corpus"].default == "sample_corpus"
    assert params["corpus"].default_text == '"sample_corpus"'


@pytest.mark.parametrize(
    ("source", "good", "bad"),
    [
        ("x: str | None = None", ["a", None], [1, True, ["a"]]),
        ("x: Optional[int] = None", [3, None], ["3", 1.5, True]),
        ("x: 'list[str]' = []", [["a"], []], ["a", None]),
        ("x: float = 0.5", [1, 2.5], ["1", True, None]),
        ("x: bool = False", [True, False], [0, "yes"]),
        ("x: dict = {}", [{"a": 1}], [[("a", 1)]]),
        ("x: Union[int, str] = 1", [1, "a"], [None, 1.5]),
        ("x = 20", [5], ["5", None]),  # unannotated: the default's type
        ("x = None", [5, "a", None], []),  # unannotated None: anything
        ("x: typing.Any = 1", [5, "a", None], []),
    ],
)
def test_parameter_types(source, good, bad):
    param = parse_parameters_source(source)["x"]
    for value in good:
        assert param.accepts(value), (source, value)
    for value in bad:
        assert not param.accepts(value), (source, value)


# ----------------------------------------------------------------------------- validation


def test_unknown_parameter_suggests_closest(no_kernel, tmp_path):
    with pytest.raises(ReportError) as err:
        run_report("tiny", parameters={"topp": 3}, output_root=tmp_path, notebooks_dir=FIXTURES)
    msg = str(err.value)
    assert "'tiny'" in msg and "'topp'" in msg and "3" in msg
    assert "Did you mean 'top'?" in msg
    assert "corpus" in msg  # lists what is valid
    assert not any(tmp_path.iterdir())  # nothing written


def test_wrong_type_names_report_parameter_value_and_type(no_kernel, tmp_path):
    with pytest.raises(ReportError) as err:
        run_report("tiny", parameters={"top": "many"}, output_root=tmp_path, notebooks_dir=FIXTURES)
    msg = str(err.value)
    assert "'tiny'" in msg and "top='many'" in msg and "expected int" in msg
    with pytest.raises(ReportError, match="expected str or None"):
        run_report("tiny", parameters={"window": 7}, output_root=tmp_path, notebooks_dir=FIXTURES)
    with pytest.raises(ReportError, match="expected int"):
        run_report("tiny", parameters={"top": True}, output_root=tmp_path, notebooks_dir=FIXTURES)


def test_validate_converts_dates_for_str_parameters():
    declared = report_parameters("tiny", notebooks_dir=FIXTURES)
    values = validate_parameters("tiny", {"start": dt.date(2024, 1, 2), "ratio": 1}, declared)
    assert values == {"start": "2024-01-02", "ratio": 1}
    with pytest.raises(ReportError, match="top"):
        validate_parameters("tiny", {"top": dt.date(2024, 1, 2)}, declared)


@pytest.mark.parametrize(
    "name", ["../tiny", "/etc/passwd", "Tiny", "tiny.ipynb", "", "1tiny", None]
)
def test_bad_report_names_rejected(no_kernel, tmp_path, name):
    with pytest.raises(ReportError, match="not valid"):
        run_report(name, output_root=tmp_path, notebooks_dir=FIXTURES)


def test_unknown_report_suggests_closest(no_kernel, tmp_path):
    with pytest.raises(ReportError, match="did you mean 'tiny'"):
        run_report("tiyn", output_root=tmp_path, notebooks_dir=FIXTURES)


def test_notebook_symlink_out_of_notebooks_dir_rejected(no_kernel, tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    outside = tmp_path / "elsewhere.ipynb"
    shutil.copy(FIXTURES / "tiny.ipynb", outside)
    (folder / "sneaky.ipynb").symlink_to(outside)
    with pytest.raises(ReportError, match="not found"):
        run_report("sneaky", output_root=tmp_path / "out", notebooks_dir=folder)


@pytest.mark.parametrize(
    "run_date", ["../x", "2026-13-01", "2026-1-2", "today", "2026-01-02/..", 20260102]
)
def test_bad_run_dates_rejected(no_kernel, tmp_path, run_date):
    with pytest.raises(ReportError, match="run_date"):
        run_report("tiny", run_date=run_date, output_root=tmp_path, notebooks_dir=FIXTURES)


def test_symlinked_run_folder_pointing_out_is_rejected(no_kernel, tmp_path):
    root, outside = tmp_path / "reports", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / RUN).mkdir()
    (root / RUN / DATE).symlink_to(outside, target_is_directory=True)
    with pytest.raises(ReportError, match="outside the output root"):
        run_report("tiny", run_date=DATE, output_root=root, notebooks_dir=FIXTURES)
    assert not any(outside.iterdir())
    (root / "evil").symlink_to(outside, target_is_directory=True)  # a run-name folder
    with pytest.raises(ReportError, match="outside the output root"):
        run_report(
            "tiny", run_date=DATE, output_root=root, notebooks_dir=FIXTURES, name_of_run="evil"
        )
    assert not any(outside.iterdir())


def test_symlinked_output_file_pointing_out_is_rejected(no_kernel, tmp_path):
    root, outside = tmp_path / "reports", tmp_path / "outside.html"
    (root / RUN / DATE).mkdir(parents=True)
    outside.write_text("keep me")
    (root / RUN / DATE / "tiny.html").symlink_to(outside)
    with pytest.raises(ReportError, match="outside the output root"):
        run_report("tiny", run_date=DATE, output_root=root, notebooks_dir=FIXTURES)
    assert outside.read_text() == "keep me"


def test_missing_corpus_is_a_report_error(no_kernel, tmp_path):
    with pytest.raises(ReportError, match="does not exist"):
        run_report("tiny", corpus=tmp_path / "nope", output_root=tmp_path, notebooks_dir=FIXTURES)


def test_corpus_shortcut_needs_a_corpus_parameter(no_kernel, tmp_path):
    with pytest.raises(ReportError, match="no 'corpus' parameter"):
        run_report("other_kernel", corpus=tmp_path, output_root=tmp_path, notebooks_dir=FIXTURES)


def test_shared_parameter_no_report_declares_is_an_error(no_kernel, tmp_path):
    with pytest.raises(ReportError, match="Did you mean 'top'"):
        run_reports(
            ["tiny", "broken"], parameters={"tpo": 1}, output_root=tmp_path, notebooks_dir=FIXTURES
        )


def test_coerce_cli_value():
    params = report_parameters("tiny", notebooks_dir=FIXTURES)
    assert coerce_cli_value("30", params["top"]) == 30
    assert coerce_cli_value("0.25", params["ratio"]) == 0.25
    assert coerce_cli_value("true", params["flag"]) is True
    assert coerce_cli_value("[BBC, Reuters]", params["sources"]) == ["BBC", "Reuters"]
    assert coerce_cli_value("null", params["window"]) == "null"  # str: the text as given
    assert coerce_cli_value("7d", params["window"]) == "7d"
    assert coerce_cli_value("2024-01-02", params["start"]) == "2024-01-02"
    assert coerce_cli_value("2024", params["query"]) == "2024"  # str param keeps the text
    assert coerce_cli_value("lots", params["top"]) == "lots"  # then rejected by validation


# ----------------------------------------------------------------------------- helpers


def test_fingerprint_is_cheap_and_tracks_changes(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("one")
    first = _fingerprint_path(corpus)
    assert first == _fingerprint_path(corpus)
    (corpus / "b.txt").write_text("two")
    second = _fingerprint_path(corpus)
    assert second != first
    (corpus / "a.txt").write_text("one, longer")
    assert _fingerprint_path(corpus) != second
    assert _fingerprint_path(tmp_path / "missing") is None
    assert _fingerprint_path(corpus / "a.txt") is not None


def test_index_escapes_every_value(tmp_path):
    evil = "<script>alert(1)</script>"
    html = render_index(
        [
            {
                "name": "x<b>",
                "date": DATE,
                "rel": f"x<b>/{DATE}",
                "run": {
                    "corpus": evil,
                    "briefing": "briefing.html",
                    "briefing_headline": evil,
                    "n_docs": 3,
                    "period": [evil, evil],
                    "started": evil,
                },
                "reports": [
                    {
                        "_name": "tiny",
                        "title": evil,
                        "status": "failed",
                        "parameters": {"query": evil},
                        "error": evil,
                        "html": 'x"><script>.html',
                        "ipynb": "tiny.ipynb",
                        "started": evil,
                        "seconds": 1.5,
                    }
                ],
            }
        ]
    )
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="x%3Cb%3E/2026-01-02/tiny.ipynb"' in html
    assert 'href="x%3Cb%3E/2026-01-02/briefing.html"' in html


def _record(folder: Path, report: str, **fields) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"status": "ok", "html": f"{report}.html", "parameters": {}, **fields}
    (folder / f"{report}.json").write_text(json.dumps(data))


def test_rebuild_index_lists_records_and_ignores_junk(tmp_path):
    day = tmp_path / "sample" / DATE
    _record(day, "tiny")
    (day / "broken.json").write_text("{not json")
    (tmp_path / "notadate").mkdir()
    (tmp_path / "notadate" / "x.json").write_text(json.dumps({"status": "ok"}))
    (tmp_path / "sample" / "notadate").mkdir()
    _record(tmp_path / "sample" / "notadate", "tiny")
    _record(tmp_path / DATE, "old")  # the layout before run names is still listed
    index = rebuild_index(tmp_path)
    text = index.read_text()
    assert 'href="sample/2026-01-02/tiny.html"' in text
    assert 'href="2026-01-02/old.html"' in text
    assert "notadate" not in text


def test_index_groups_runs_by_name_newest_first_with_history(tmp_path):
    for name, date, n_docs in [
        ("bbc", "2026-01-01", 2225),
        ("bbc", "2026-01-03", 2230),
        ("sample", "2026-01-02", 37),
        ("sample", "2026-01-03", 37),
    ]:
        day = tmp_path / name / date
        _record(day, "term_frequency")
        _record(day, "entity_cooccurrence")
        run = {"corpus": f"/data/{name}", "n_docs": n_docs, "period": ["2026-01-01", date]}
        run["reports"] = [{"report": "term_frequency"}, {"report": "entity_cooccurrence"}]
        run.update(briefing="briefing.html", briefing_headline=f"{name} {date} headline")
        (day / "run.json").write_text(json.dumps(run))
    text = rebuild_index(tmp_path).read_text()
    # groups: the run name seen most recently first (both on 01-03: by name, descending)
    assert text.index('id="run-sample"') < text.index('id="run-bbc"')
    bbc = text[text.index('id="run-bbc"') :]
    assert bbc.index("2026-01-03") < bbc.index("2026-01-01")  # history kept, newest first
    assert "2,230" in bbc and "2,225" in bbc and "/data/bbc" in bbc
    row = bbc[bbc.index('<td class="date">2026-01-03') :]
    assert row.index("briefing.html") < row.index("term_frequency.html")  # briefing first
    # reports in the order the run ran them (run.json), not alphabetical
    assert row.index("term_frequency.html") < row.index("entity_cooccurrence.html")
    assert "2026-01-01 – 2026-01-03" in row


def test_index_period_is_the_charts_span_and_counts_stray_dates(tmp_path):
    day = tmp_path / "feed" / "2026-01-03"
    _record(day, "term_frequency")
    run = {"corpus": "/data/feed.csv", "n_docs": 6000, "period": ["2022-02-28", "2022-08-02"]}
    run.update(period_all=["2019-10-29", "2022-08-02"], period_left_out=39)
    (day / "run.json").write_text(json.dumps(run))
    text = rebuild_index(tmp_path).read_text()
    assert "2022-02-28 – 2022-08-02 (+39 stray-dated)" in text
    assert "2019-10-29" not in text  # the raw range would stretch the period over 3 years


def test_run_records_the_trimmed_period(tmp_path):
    import pandas as pd

    from analysis.reports._runs import RunContext, _look_at_corpus

    days = [f"2022-03-0{d}" for d in range(1, 8)] * 30 + ["2019-10-29"]
    corpus = pd.DataFrame(
        {"title": [f"t{i}" for i in range(len(days))], "text": "x", "published": days}
    )
    path = tmp_path / "feed.csv"
    corpus.to_csv(path, index=False)
    out = tmp_path / "r" / "feed" / "2026-01-01"
    out.mkdir(parents=True)
    ctx = RunContext(tmp_path / "r", "feed", "2026-01-01", out, path, None)
    _look_at_corpus(ctx, {"cache_dir": str(tmp_path / "c")}, briefing=False, quiet=True)
    assert ctx.record["period"] == ["2022-03-01", "2022-03-07"]
    assert ctx.record["period_all"] == ["2019-10-29", "2022-03-07"]
    assert ctx.record["period_left_out"] == 1


@pytest.mark.parametrize(
    ("corpus", "expected"),
    [
        ("/data/sample", "sample"),
        ("/x/bbc_rss/bbc_news.csv", "bbc_news"),
        ("/x/BBC News.csv", "bbc-news"),
        ("/x/Ünïcode feed!.jsonl", "unicode-feed"),
        (None, "default"),
        ("/x/2026-01-02", "corpus-2026-01-02"),  # never mistaken for a date folder
    ],
)
def test_run_name_is_a_slug_of_the_corpus_path(corpus, expected):
    assert run_name_for(corpus) == expected


@pytest.mark.parametrize("bad", ["", "../x", "a/b", "Caps", "2026-01-02", ".", "x" * 65, 3])
def test_bad_run_names_rejected(no_kernel, tmp_path, bad):
    with pytest.raises(ReportError, match="run name"):
        run_report("tiny", output_root=tmp_path, notebooks_dir=FIXTURES, name_of_run=bad)


def test_format_summary_lists_each_result(tmp_path):
    results = [
        ReportResult("a", "ok", DATE, {}, tmp_path / "a.html", None, tmp_path / "a.json", 1.25),
        ReportResult(
            "b",
            "failed",
            DATE,
            {},
            None,
            tmp_path / "b.ipynb",
            tmp_path / "b.json",
            2.0,
            "ValueError: x\n",
        ),
    ]
    text = format_summary(results)
    lines = text.splitlines()
    assert lines[0].split() == ["report", "status", "seconds", "output", "error"]
    assert "a" in lines[1] and "ok" in lines[1] and "1.2" in lines[1]
    assert "failed" in lines[2] and "b.ipynb" in lines[2] and "ValueError: x" in lines[2]
    assert lines[-1] == "1 ok, 0 up to date, 1 failed"


# ----------------------------------------------------------------------------- running


@pytest.mark.slow
def test_run_tiny_writes_html_ipynb_record_and_index(tmp_path):
    root = tmp_path / "reports"
    result = run_report(
        "tiny",
        parameters={"top": 7, "sources": ["x", "y"]},
        output_root=root,
        run_date=DATE,
        notebooks_dir=FIXTURES,
        progress=False,
    )
    assert result.status == "ok" and result.ok and result.error is None
    day = root / RUN / DATE
    assert result.html_path == day / "tiny.html"
    assert result.notebook_path == day / "tiny.ipynb"
    html = result.html_path.read_text()
    assert "TINY_OUTPUT files=2 top=7 window=None" in html
    assert "SECRET_CODE_MARKER" not in html  # no code input
    assert "files = sorted" not in html
    assert "jp-InputPrompt jp-InputArea-prompt" not in html and "In&nbsp;[" not in html
    assert 'src="data:image/png;base64,' in html  # images embedded
    assert "<script src=" not in html  # no CDN scripts: self-contained
    nb = nbformat.read(result.notebook_path, as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert (day / "tiny_side_file.txt").read_text() == "side file"  # output_dir = run folder
    umask = os.umask(0)
    os.umask(umask)
    for path in (result.html_path, result.notebook_path, day / "tiny.json", root / "index.html"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path  # readable by a web server
    record = json.loads((day / "tiny.json").read_text())
    assert record["status"] == "ok"
    assert record["parameters"] == {"top": 7, "sources": ["x", "y"], "output_dir": str(day)}
    assert record["corpus_fingerprint"] == _fingerprint_path(FIXTURES / "sample_corpus")
    index = (root / "index.html").read_text()
    assert 'href="sample_corpus/2026-01-02/tiny.html"' in index
    assert 'href="sample_corpus/2026-01-02/tiny.ipynb"' in index
    run = json.loads((day / "run.json").read_text())
    assert run["name"] == RUN and run["n_docs"] == 2 and len(run["doc_ids"]) == 2
    assert run["reports"] == [
        {"report": "tiny", "status": "ok", "title": "Tiny", "html": "tiny.html"}
    ]
    assert 'id="what-changed"' in html  # the briefing section tops the report
    assert (day / "briefing.html").is_file()
    assert not list(day.glob(".*.tmp*")) and not list(day.glob("*.tmp*"))


@pytest.mark.slow
def test_failing_report_is_kept_marked_failed_and_others_still_run(tmp_path):
    root = tmp_path / "reports"
    results = run_reports(
        ["broken", "tiny"], output_root=root, run_date=DATE, notebooks_dir=FIXTURES, progress=False
    )
    broken, tiny = results
    assert broken.status == "failed" and not broken.ok
    assert broken.error == "RuntimeError: deliberate failure for tests"
    nb = nbformat.read(broken.notebook_path, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any(
        o.get("output_type") == "error" and o.get("ename") == "RuntimeError" for o in outputs
    )
    assert any("BROKEN_BEFORE_ERROR" in o.get("text", "") for o in outputs)
    assert broken.html_path is not None and "deliberate failure" in broken.html_path.read_text()
    record = json.loads(broken.record_path.read_text())
    assert record["status"] == "failed" and "deliberate failure" in record["error"]
    assert tiny.status == "ok" and tiny.html_path.is_file()
    index = (root / "index.html").read_text()
    assert 'class="failed">failed' in index and 'class="ok">ok' in index


@pytest.mark.slow
def test_skip_when_unchanged_and_force_and_changes(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "sample_corpus", corpus)
    kw = dict(output_root=tmp_path / "r", run_date=DATE, notebooks_dir=FIXTURES, progress=False)
    first = run_report("tiny", corpus=corpus, **kw)
    assert first.status == "ok"
    mtime = first.html_path.stat().st_mtime_ns
    capsys.readouterr()
    again = run_report("tiny", corpus=corpus, **kw)
    assert again.status == "skipped" and again.ok
    assert "up to date, skipped" in capsys.readouterr().out
    assert again.html_path.stat().st_mtime_ns == mtime
    same = run_report("tiny", corpus=corpus, parameters={"top": 20}, **kw)  # the default, spelt out
    assert same.status == "skipped"
    assert run_report("tiny", corpus=corpus, force=True, **kw).status == "ok"
    assert run_report("tiny", corpus=corpus, parameters={"top": 3}, **kw).status == "ok"
    (corpus / "three.txt").write_text("A third invented article\n\nBody.\n")
    changed = run_report("tiny", corpus=corpus, parameters={"top": 3}, **kw)
    assert changed.status == "ok"
    assert "files=3" in changed.html_path.read_text()


@pytest.mark.slow
def test_missing_kernelspec_falls_back_to_this_python(tmp_path):
    result = run_report(
        "other_kernel", output_root=tmp_path, run_date=DATE, notebooks_dir=FIXTURES, progress=False
    )
    assert result.status == "ok"
    nb = nbformat.read(result.notebook_path, as_version=4)
    text = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    printed = text.split("KERNEL_PYTHON", 1)[1].split()[0]
    assert os.path.realpath(printed) == os.path.realpath(sys.executable)


@pytest.mark.slow
def test_relative_corpus_is_resolved_from_callers_cwd(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "sample_corpus", tmp_path / "mine")
    (tmp_path / "mine" / "extra.txt").write_text("Invented\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    result = run_report(
        "tiny",
        corpus="mine",
        output_root="out",
        run_date=DATE,
        notebooks_dir=FIXTURES,
        progress=False,
    )
    assert result.parameters["corpus"] == str(tmp_path / "mine")
    assert "files=3" in result.html_path.read_text()
    assert result.html_path.resolve().is_relative_to(tmp_path / "out")


def test_unknown_explicit_kernel_is_a_report_error(no_kernel, tmp_path):
    with pytest.raises(ReportError, match=r"not an installed kernel; installed: .*python3"):
        run_report(
            "tiny", kernel_name="no-such-kernel", output_root=tmp_path, notebooks_dir=FIXTURES
        )


@pytest.mark.parametrize("timeout", [0, -1, "10", True])
def test_bad_timeout_rejected(no_kernel, tmp_path, timeout):
    with pytest.raises(ReportError, match="timeout="):
        run_report("tiny", timeout=timeout, output_root=tmp_path, notebooks_dir=FIXTURES)


@pytest.mark.slow
def test_cell_timeout_marks_the_run_failed(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nb = nbformat.read(FIXTURES / "tiny.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(30)"))
    nbformat.write(nb, nbs / "slow.ipynb")
    (nbs / "sample_corpus").mkdir()
    result = run_report(
        "slow", timeout=1.5, output_root=tmp_path / "r", notebooks_dir=nbs, progress=False
    )
    assert result.status == "failed"
    assert "timed out" in result.error.lower() or "timeout" in result.error.lower()
    assert result.notebook_path.is_file()


def test_unreadable_or_parameterless_notebooks_are_report_errors(no_kernel, tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "garbled.ipynb").write_text("{not json")
    (nbs / "plain.ipynb").write_bytes((FIXTURES / "explore.ipynb").read_bytes())
    with pytest.raises(ReportError, match="'garbled': cannot read"):
        run_report("garbled", output_root=tmp_path / "r", notebooks_dir=nbs)
    with pytest.raises(ReportError, match="exactly one code cell tagged 'parameters', found 0"):
        run_report("plain", output_root=tmp_path / "r", notebooks_dir=nbs)


@pytest.mark.slow
def test_two_corpora_on_one_day_keep_both_runs_and_skip_per_name(tmp_path, capsys):
    for name in ("bbc", "sample"):
        shutil.copytree(FIXTURES / "sample_corpus", tmp_path / name)
    (tmp_path / "bbc" / "three.txt").write_text("A third invented article\n\nBody.\n")
    kw = dict(output_root=tmp_path / "r", run_date=DATE, notebooks_dir=FIXTURES, progress=False)
    bbc = run_report("tiny", corpus=tmp_path / "bbc", **kw)
    sample = run_report("tiny", corpus=tmp_path / "sample", **kw)
    assert bbc.run_name == "bbc" and sample.run_name == "sample"
    assert bbc.html_path == tmp_path / "r" / "bbc" / DATE / "tiny.html"
    assert sample.html_path == tmp_path / "r" / "sample" / DATE / "tiny.html"
    assert "files=3" in bbc.html_path.read_text()  # not replaced by the sample run
    assert "files=2" in sample.html_path.read_text()
    capsys.readouterr()
    assert run_report("tiny", corpus=tmp_path / "bbc", **kw).status == "skipped"
    assert run_report("tiny", corpus=tmp_path / "sample", **kw).status == "skipped"
    named = run_report("tiny", corpus=tmp_path / "sample", name_of_run="mine", **kw)
    assert named.status == "ok" and named.html_path.parent == tmp_path / "r" / "mine" / DATE
    index = (tmp_path / "r" / "index.html").read_text()
    for name in ("bbc", "sample", "mine"):
        assert f'href="{name}/{DATE}/tiny.html"' in index
        assert f'href="{name}/{DATE}/briefing.html"' in index


@pytest.mark.slow
def test_run_record_compares_with_the_last_earlier_run(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "cache"))
    corpus = tmp_path / "feed"
    shutil.copytree(FIXTURES / "sample_corpus", corpus)
    kw = dict(output_root=tmp_path / "r", notebooks_dir=FIXTURES, progress=False, quiet=True)
    run_report("tiny", corpus=corpus, run_date="2026-01-01", **kw)
    first = json.loads((tmp_path / "r" / "feed" / "2026-01-01" / "run.json").read_text())
    assert first["previous_run"] is None and first["n_docs"] == 2
    (corpus / "three.txt").write_text("Harbour pilots vote\n\nThe pilots of Port Halden voted.\n")
    run_report("tiny", corpus=corpus, run_date="2026-01-02", **kw)
    second = json.loads((tmp_path / "r" / "feed" / "2026-01-02" / "run.json").read_text())
    assert second["previous_run"] == "2026-01-01" and second["n_new"] == 1
    assert set(first["doc_ids"]) < set(second["doc_ids"])
    page = (tmp_path / "r" / "feed" / "2026-01-02" / "briefing.html").read_text()
    assert "Harbour pilots vote" in page and "1 new article since the run of 2026-01-01" in page
    # a same-day re-run after more articles arrive still compares with the earlier day
    (corpus / "four.txt").write_text("Ferry fares rise\n\nFares on the ferry rose again.\n")
    run_report("tiny", corpus=corpus, run_date="2026-01-02", **kw)
    again = json.loads((tmp_path / "r" / "feed" / "2026-01-02" / "run.json").read_text())
    assert again["previous_run"] == "2026-01-01" and again["n_new"] == 2
    assert (tmp_path / "r" / "feed" / "2026-01-01" / "tiny.html").is_file()  # history kept


# ----------------------------------------------------------------------------- parallel


def _plans(n):
    from types import SimpleNamespace

    return [SimpleNamespace(name=f"r{i}") for i in range(n)]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_run_all_keeps_order_and_runs_after_each(jobs):
    import threading
    import time

    from analysis.reports._parallel import _run_all

    seen, after = [], []

    def execute(plan):
        time.sleep(0.05 if plan.name == "r0" else 0.0)  # the first finishes last
        seen.append((plan.name, threading.current_thread().name))
        return plan.name

    out = _run_all(_plans(4), execute, jobs=jobs, after_each=lambda: after.append(1))
    assert out == ["r0", "r1", "r2", "r3"] and len(after) == 4
    threads = {t for _, t in seen}
    assert (len(threads) > 1) == (jobs > 1)
    if jobs > 1:
        assert all(t.startswith("newsdesk-report-") for t in threads)


def test_run_all_an_escaping_error_waits_for_the_others_then_is_raised():
    from analysis.reports._parallel import _run_all

    finished = []

    def execute(plan):
        if plan.name == "r0":
            raise OSError("disk full")
        finished.append(plan.name)
        return plan.name

    with pytest.raises(OSError, match="disk full"):
        _run_all(_plans(4), execute, jobs=2, after_each=lambda: None)
    assert sorted(finished) == ["r1", "r2", "r3"]


def test_jobs_default_and_validation(no_kernel, tmp_path, monkeypatch):
    from analysis.reports import _parallel

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert _parallel.default_jobs(3) == 3 and _parallel.default_jobs(2) == 2
    assert _parallel.default_jobs(1) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert _parallel.default_jobs(3) == 1  # one CPU: one report at a time
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert _parallel.default_jobs(10) == _parallel.MAX_DEFAULT_JOBS
    assert _parallel._check_jobs(None, 2) == 2 and _parallel._check_jobs(5, 2) == 2
    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(ReportError, match="jobs="):
            run_reports(
                ["tiny"], jobs=bad, output_root=tmp_path, notebooks_dir=FIXTURES, progress=False
            )


def test_each_kernel_gets_its_own_sockets_environment_and_folder(tmp_path):
    from analysis._runlog import _ipc_prefix, kernel_manager_class

    prefixes = {_ipc_prefix() for _ in range(50)}
    assert len(prefixes) == 50 and all(os.path.isabs(p) for p in prefixes)
    a = kernel_manager_class(progress=True, report="a", cwd=tmp_path)()
    b = kernel_manager_class(report="b")()
    assert a.transport == b.transport == "ipc" and a.ip != b.ip


@pytest.mark.slow
def test_parallel_run_one_failing_report_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, folder)
    # each records where it ran; slow_one waits (up to 60 s) for tiny, which starts after it
    for name, wait_for in (("tiny", None), ("slow_one", "tiny")):
        nb = nbformat.read(FIXTURES / "tiny.ipynb", as_version=4)
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "import os, time, json\n"
                f"other = {wait_for!r}\n"
                "deadline = time.time() + 60\n"
                "while other and not Path(output_dir, f'{other}_ran.json').exists():\n"
                "    time.sleep(0.1)\n"
                "    if time.time() > deadline: break\n"
                f"Path(output_dir, '{name}_ran.json').write_text(json.dumps(dict("
                "report=os.environ.get('NEWSDESK_REPORT'), cwd=os.getcwd(), "
                "saw_other=bool(other) and Path(output_dir, f'{other}_ran.json').exists())))"
            )
        )
        nbformat.write(nb, folder / f"{name}.ipynb")
    root = tmp_path / "reports"
    before = os.getcwd()
    results = run_reports(
        ["slow_one", "broken", "tiny"],
        output_root=root,
        run_date=DATE,
        notebooks_dir=folder,
        progress=False,
        quiet=True,
        jobs=2,
    )
    assert os.getcwd() == before  # the runner never changes its own folder
    assert [r.name for r in results] == ["slow_one", "broken", "tiny"]
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert results[1].error == "RuntimeError: deliberate failure for tests"
    day = root / RUN / DATE
    ran = {n: json.loads((day / f"{n}_ran.json").read_text()) for n in ("slow_one", "tiny")}
    for name, info in ran.items():
        assert info["report"] == name and info["cwd"] == str(folder)
    assert ran["slow_one"]["saw_other"]  # tiny ran while slow_one was running
    for r in results:
        record = json.loads(r.record_path.read_text())
        assert record["status"] == r.status and r.html_path.is_file()
    run = json.loads((day / "run.json").read_text())
    assert [(x["report"], x["status"]) for x in run["reports"]] == [
        ("slow_one", "ok"),
        ("broken", "failed"),
        ("tiny", "ok"),
    ]
    index = (root / "index.html").read_text()
    for name in ("slow_one", "broken", "tiny"):
        assert f'href="{RUN}/{DATE}/{name}.html"' in index
    assert 'class="failed">failed' in index
    assert not list(day.glob(".*.tmp*")) and not list(day.glob("*.tmp*"))


def test_warm_up_render_then_a_page(tmp_path):
    from analysis.reports._files import render_html, warm_up_renderer

    warm_up_renderer(FIXTURES)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="HI")])
        ]
    )
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    page = render_html(path, title="T", resources_dir=FIXTURES)
    assert "HI" in page and "<title>T</title>" in page
