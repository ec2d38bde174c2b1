"""The package's top level: public names resolve, and importing it stays light."""

from __future__ import annotations

import subprocess
import sys

import analysis


def test_every_public_name_resolves():
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None, name
    assert set(analysis.__all__) <= set(dir(analysis))
    assert callable(analysis.annotate) and analysis.annotate.__name__ == "annotate"
    assert analysis.keyness.__name__ == "distinctive_terms"
    assert analysis.run_reports.__module__ == "analysis.reports.runner"


def test_unknown_name_is_an_attribute_error():
    try:
        analysis.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_import_does_not_load_heavy_optional_modules():
    code = (
        "import sys; import analysis; from analysis.analyses.terms import term_frequencies; "
        "from analysis.nlp.annotator import annotate; import analysis.nlp.annotator as m; "
        "print(callable(analysis.annotate) and analysis.annotate is annotate); "
        "print(sorted(x for x in ('scipy.stats', 'networkx', 'dask', 'papermill', 'spacy', "
        "'nltk', 'sklearn') if x in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["True", "[]"]
