"""Property-based test (hypothesis, seeded and bounded) of the pre-flight parameter check:
whatever text is given to ``-p NAME VALUE`` for a real report's parameter, the check either
accepts a value that the notebook can use or refuses it with a ReportError naming the report
and the parameter: it never raises anything else, and never lets an invalid value through."""

from __future__ import annotations

import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis.analyses.filters import empty_reason, filter_corpus  # noqa: E402
from analysis.analyses.periods import parse_date_bound, parse_window  # noqa: E402
from analysis.errors import AnalysisInputError, ReportError  # noqa: E402
from analysis.reports._param_checks import coerce_cli_value, validate_parameters  # noqa: E402
from analysis.reports.runner import report_parameters  # noqa: E402

REPORTS = ("term_frequency", "entity_cooccurrence", "sentiment")
DECLARED = {name: report_parameters(name) for name in REPORTS}
PAIRS = sorted((r, p) for r, params in DECLARED.items() for p in params if p != "corpus")

# texts a user might type: numbers, dates, windows, YAML-looking and hostile strings
TEXT = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.integers(0, 9999),
        st.integers(0, 19),
        st.integers(0, 40),
    ),
    st.builds(lambda n, u: f"{n}{u}", st.integers(-3, 400), st.sampled_from("hdwmqyHDWMQ ")),
    st.sampled_from(
        ["~", "null", "[]", "[PERSON]", "[a, b]", "{a: 1}", "yes", "no", "#5", "'x'", "- a"]
    ),
)
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # seeded: the same examples every run
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(pair=st.sampled_from(PAIRS), text=TEXT)
def test_any_cli_text_is_accepted_validly_or_refused_with_a_report_error(pair, text):
    report, name = pair
    param = DECLARED[report][name]
    try:
        value = coerce_cli_value(text, param)
        values = validate_parameters(report, {name: value}, DECLARED[report])
    except ReportError as exc:
        assert f"report {report!r}" in str(exc) and name in str(exc)
        assert "\n" not in str(exc)
        return
    accepted = values[name]
    assert name != "output_dir"  # runner-owned: never accepted from the user
    if param.allowed is not None and set(param.allowed) <= {str, type(None)}:
        assert accepted == text  # str parameters take the text as given
    if param.choices is not None:
        assert accepted in param.choices
    if param.rule == "min 1":
        assert isinstance(accepted, int) and accepted >= 1
    if param.rule == "date":
        parse_date_bound(accepted, arg=name)  # the notebook can read it
    if param.rule == "window":
        parse_window(accepted)
    if param.rule.startswith("non-empty"):
        assert len(accepted) > 0


def _corpus() -> pd.DataFrame:
    published = pd.to_datetime(["2026-01-05", "2026-02-10", None, "2026-03-31"], utc=True)
    return pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "title": ["Port", "Rail", "Ferry", "Bank"],
            "text": ["The port reopened.", "Rail talks.", "Ferry late.", "Rates held."],
            "source": ["Wire", "Gazette", "Wire", "Gazette"],
            "published": published,
        }
    )


@SETTINGS
@given(window=TEXT, end=st.one_of(st.none(), TEXT), sources=st.lists(TEXT, max_size=3))
def test_a_filter_either_refuses_or_explains_an_empty_result(window, end, sources):
    """Every accepted window/end/sources gives documents, or a reason why there are none."""
    try:
        docs = filter_corpus(_corpus(), window=window, end=end, sources=sources or None)
    except AnalysisInputError:
        return
    reason = empty_reason(docs)
    assert (reason is None) == (len(docs) > 0)
    period = docs.attrs["filter"]["period"]
    assert "1969" not in period
