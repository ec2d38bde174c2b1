"""Tests for analysis.reports._param_checks (and the -p parsing of analysis.reports._params): the
valid values declared beside each report parameter are checked before any kernel starts."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ReportError
from analysis.reports import cli
from analysis.reports._param_checks import coerce_cli_value
from analysis.reports._params import parse_parameters_source
from analysis.reports.runner import report_parameters, run_reports


class _KernelStarted(Exception):
    pass


@pytest.fixture
def kernel_calls(monkeypatch):
    """Record the parameters a run would start a kernel with, and stop it there."""
    import papermill

    calls: list[dict] = []

    def record(*args, **kwargs):
        calls.append(kwargs.get("parameters", {}))
        raise _KernelStarted

    monkeypatch.setattr(papermill, "execute_notebook", record)
    return calls


INVALID = [
    ("term_frequency", "top", "0", "at least 1"),
    ("term_frequency", "top", "-5", "at least 1"),
    ("term_frequency", "min_count", "0", "at least 1"),
    ("term_frequency", "ngram_max", "0", "from 1 to 6"),
    ("term_frequency", "stopwords", "xx", "'news', 'english', 'spacy'"),
    ("sentiment", "freq", "year", "'day', 'week', 'month'"),
    ("sentiment", "top", "0", "at least 1"),
    ("entity_cooccurrence", "entity_types", "[]", "at least one item"),
    ("entity_cooccurrence", "entity_types", "[PERSON, PEOPLE]", "not 'PEOPLE'"),
    ("entity_cooccurrence", "cooccurrence_window", "paragraph", "'sentence', 'document'"),
    ("entity_cooccurrence", "min_pair_count", "0", "at least 1"),
    ("entity_cooccurrence", "graph_format", "pdf", "'gexf', 'graphml'"),
    ("entity_cooccurrence", "output_dir", "/elsewhere", "the runner"),
    ("term_frequency", "window", "1x", '"1m"'),
    ("term_frequency", "window", "0d", "longer than 0"),
    ("term_frequency", "start", "2026-13-45", "a date YYYY-MM-DD"),
    ("sentiment", "end", "yesterday", "a date YYYY-MM-DD"),
]


@pytest.mark.parametrize(("report", "name", "raw", "valid"), INVALID)
def test_invalid_values_exit_2_before_any_kernel(
    report, name, raw, valid, kernel_calls, tmp_path, capsys
):
    code = cli.main(["report", report, "-p", name, raw, "-o", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert not kernel_calls
    assert err.count("\n") == 1 and "Traceback" not in err  # one line
    assert f"report {report!r}" in err and f"parameter {name}=" in err and valid in err


def test_start_after_end_and_start_with_window_are_refused(kernel_calls, tmp_path):
    for params in (
        {"start": "2026-02-01", "end": "2026-01-01"},
        {"start": "2026-01-01", "window": "7d"},
    ):
        with pytest.raises(ReportError, match="start="):
            run_reports(["sentiment"], parameters=params, output_root=tmp_path, quiet=True)
    assert not kernel_calls


@pytest.mark.parametrize(
    ("name", "raw"),
    [("window", "1m"), ("window", "3m"), ("window", "1q"), ("start", "2026-02-28")],
)
def test_valid_values_reach_the_kernel(name, raw, kernel_calls, tmp_path):
    code = cli.main(["report", "term_frequency", "-p", name, raw, "-o", str(tmp_path), "-q"])
    assert code == 1  # the recorded "kernel" raised
    assert kernel_calls[0][name] == raw


@pytest.mark.parametrize("text", ["Section #5 ruling", "~", "null", "2026-13-45x", "[a", "1: b"])
def test_str_parameters_take_the_text_as_given(text, kernel_calls, tmp_path):
    code = cli.main(["report", "term_frequency", "-p", "query", text, "-o", str(tmp_path), "-q"])
    assert code == 1
    assert kernel_calls[0]["query"] == text


def test_non_str_parameters_are_parsed():
    params = report_parameters("entity_cooccurrence")
    assert coerce_cli_value("[PERSON, ORG]", params["entity_types"]) == ["PERSON", "ORG"]
    assert coerce_cli_value("5", params["top"]) == 5
    assert coerce_cli_value("2026-13-45", params["top"]) == "2026-13-45"  # no ValueError


def check_value(*args):
    from analysis.reports._param_checks import check_value as check  # new in this change

    return check(*args)


def _param(source: str):
    return next(iter(parse_parameters_source(source).values()))


def test_literal_and_rules_are_read_from_the_parameters_cell():
    p = _param('freq: Literal["day", "week"] = "week"  # step (valid: column)')
    assert p.choices == ("day", "week") and p.allowed == (str,) and p.rule == "column"
    p = _param('kinds: list[Literal["A", "B"]] = ["A"]  # labels (valid: non-empty)')
    assert p.item_choices == ("A", "B") and p.allowed == (list,)
    p = _param('mode: Optional[Literal["x", "y"]] = None')
    assert p.choices == ("x", "y") and p.accepts(None)
    p = _param("n: int = 3  # how many (valid: 1..5)")
    assert p.rule == "1..5" and p.choices is None
    p = _param('s: str = "x"  # mode (valid: one of x, y; column)')
    assert p.choices == ("x", "y") and p.rule == "column"
    p = _param("xs: list = []  # labels (valid: non-empty; each one of A, B)")
    assert p.item_choices == ("A", "B") and p.rule == "non-empty"


@pytest.mark.parametrize(
    ("source", "good", "bad"),
    [
        ("n: int = 3  # (valid: 1..5)", [1, 5], [0, 6]),
        ("n: float = 1.0  # (valid: > 0; max 2.5)", [0.1, 2.5], [0, -1.0, 2.6, "1"]),
        ("n: int = 3  # (valid: < 10; min -3)", [9, -3], [10, -4]),
        ('s: str = "a"  # (valid: one of a, b)', ["a", "b"], ["A", "c"]),
        ("xs: list = []  # (valid: each one of A, B)", [[], ["A", "B"]], [["a"], ["A", "C"]]),
        ("d: Optional[str] = None  # (valid: date)", [None, "2026-02-28"], ["2026-02-30", "x"]),
        ('w: str = "7d"  # (valid: window)', ["24h", "2w", "1m", "2q"], ["1y", "0m", "m"]),
        ("xs: list = [1]  # (valid: non-empty)", [[1]], [[]]),
        ('c: str = "source"  # (valid: column)', ["category"], ["", "  "]),
        ('s: Literal["a", "b"] = "a"', ["a", "b"], ["A", "c"]),
    ],
)
def test_check_value_rules(source, good, bad):
    p = _param(source)
    for value in good:
        check_value("r", p, value)
    for value in bad:
        with pytest.raises(ReportError, match=rf"report 'r': parameter {p.name}="):
            check_value("r", p, value)


def test_unknown_rule_is_a_report_error_naming_the_rules():
    with pytest.raises(ReportError, match=r"unknown rule.*min N"):
        check_value("r", _param("n: int = 1  # (valid: positive)"), 3)


def test_every_report_parameter_declares_what_is_valid():
    """Numbers, choices, dates and windows of the real reports all carry a rule or Literal."""
    for report in ("term_frequency", "entity_cooccurrence", "sentiment"):
        params = report_parameters(report)
        for name in ("start", "end"):
            assert params[name].rule == "date", (report, name)
        assert params["window"].rule == "window"
        assert params["top"].rule == "min 1"
    assert report_parameters("sentiment")["by"].rule == "column"
    assert report_parameters("sentiment")["freq"].choices == ("day", "week", "month")
    assert report_parameters("term_frequency")["stopwords"].choices == ("news", "english", "spacy")
    ents = report_parameters("entity_cooccurrence")
    assert ents["cooccurrence_window"].choices == ("sentence", "document")
    assert set(ents["entity_types"].default) <= set(ents["entity_types"].item_choices)
    assert pd.Series(ents["entity_types"].item_choices).is_unique
