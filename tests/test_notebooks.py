"""The report notebooks: parameters readable by papermill, committed clean, run end to end.

The papermill runs start a kernel and annotate the bundled sample corpus: marked slow.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from analysis._runlog import kernel_manager_class

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SAMPLE = ROOT / "data" / "sample"
REPORTS = ("term_frequency", "entity_cooccurrence", "sentiment")

COMMON = {
    "corpus": ("str", '"../data/sample"'),
    "start": ("Optional[str]", "None"),
    "end": ("Optional[str]", "None"),
    "window": ("Optional[str]", "None"),
    "sources": ("Optional[list]", "None"),
    "categories": ("Optional[list]", "None"),
    "columns": ("Optional[dict]", "None"),
    "url_section": ("Optional[str]", "None"),
    "query": ("Optional[str]", "None"),
    "top": ("int", "20"),
    "cache_dir": ("Optional[str]", "None"),
}
SPECIFIC = {
    "term_frequency": {
        "kwic": ("Optional[str]", "None"),
        "ngram_max": ("int", "2"),
        "min_count": ("int", "2"),
        "trend_terms": ("Optional[list]", "None"),
        "stopwords": ("str", '"news"'),
    },
    "entity_cooccurrence": {
        # papermill joins a list written over several lines without the spaces
        "entity_types": ("list", '["PERSON","ORG","GPE","LOC","NORP","FAC","EVENT",]'),
        "cooccurrence_window": ("str", '"sentence"'),
        "nationalities": ("str", '"separate"'),
        "min_pair_count": ("int", "2"),
        "graph_format": ("str", '"gexf"'),
        "output_dir": ("Optional[str]", "None"),
    },
    "sentiment": {"by": ("str", '"source"'), "freq": ("str", '"week"')},
}


@pytest.mark.parametrize("name", REPORTS)
def test_parameters_are_read_by_papermill(name):
    import papermill

    params = papermill.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    got = {k: (v["inferred_type_name"], v["default"]) for k, v in params.items()}
    assert got == {**COMMON, **SPECIFIC[name]}
    assert all(v["help"] for v in params.values()), "every parameter has a help comment"


@pytest.mark.parametrize("name", REPORTS)
def test_parameters_are_read_by_the_runner(name):
    reports = pytest.importorskip("analysis.reports.runner")
    params = reports.report_parameters(name, notebooks_dir=NOTEBOOKS)
    assert set(params) == set(COMMON) | set(SPECIFIC[name])
    assert params["top"].default == 20
    assert params["corpus"].default == "../data/sample"


@pytest.mark.parametrize("name", [*REPORTS, "explore"])
def test_committed_notebooks_are_clean(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


def test_explore_parameters():
    """explore.ipynb, a workbench (not a report), declares its own parameters."""
    import papermill

    params = papermill.inspect_notebook(str(NOTEBOOKS / "explore.ipynb"))
    got = {k: (v["inferred_type_name"], v["default"]) for k, v in params.items()}
    assert got == {
        "corpus": ("str", '"../data/sample"'),
        "cache_dir": ("Optional[str]", "None"),
        "query": ("Optional[str]", "None"),
        "top": ("int", "20"),
        "stopwords": ("str", '"news"'),
        "export_dir": ("str", '"exports"'),
    }
    assert all(v["help"] for v in params.values()), "every parameter has a help comment"


def test_notebooks_only_orchestrate():
    """Code cells call analysis functions; no pandas computation hidden in the notebooks."""
    banned = re.compile(r"\.(groupby|merge|pivot|apply|agg)\(|\bfor .+ in .+iterrows")
    for name in [*REPORTS, "explore"]:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not banned.search(cell.source), (name, cell.source[:200])
                assert "Markdown(" not in cell.source
                assert "print(" not in cell.source


# --------------------------------------------------------------------------- runs


def _execute(name: str, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    papermill = pytest.importorskip("papermill")
    if not SAMPLE.is_dir():
        pytest.skip(f"sample corpus missing at {SAMPLE}")
    out = tmp_path / f"{name}.out.ipynb"
    parameters.setdefault("cache_dir", str(tmp_path / "cache"))
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        progress_bar=False,
        # the runner's kernels: started in the notebooks folder, with the re-polling client
        kernel_manager_class=kernel_manager_class(cwd=NOTEBOOKS),
    )
    return nbformat.read(out, as_version=4)


def _outputs(nb: nbformat.NotebookNode) -> tuple[str, list[dict]]:
    """All HTML/text output joined, and the error outputs."""
    html, errors = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                errors.append(out)
            data = out.get("data", {})
            html.append(data.get("text/html", ""))
            if out["output_type"] == "stream" and out["name"] == "stdout":
                html.append(out["text"])
    return "\n".join(html), errors


def _images(html: str) -> list[str]:
    return re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', html)


@pytest.mark.slow
def test_term_frequency_runs_on_sample(tmp_path):
    nb = _execute("term_frequency", tmp_path, query="port", top=10)
    html, errors = _outputs(nb)
    assert errors == []
    assert "Term frequency: about this run" in html
    assert "Corpus fingerprint" in html
    assert "Most frequent words" in html
    assert "Rising words" in html
    assert "Collocations" in html
    assert 'class="nd-table nd-kwic"' in html  # keyword in context for the query
    alts = _images(html)
    assert len(alts) >= 2  # top words bar chart + trends
    assert all(len(a) > 20 for a in alts)


@pytest.mark.slow
def test_entity_cooccurrence_runs_and_writes_graph(tmp_path):
    import networkx as nx

    nb = _execute("entity_cooccurrence", tmp_path, output_dir=str(tmp_path))
    html, errors = _outputs(nb)
    assert errors == []
    assert "Entity co-occurrence: about this run" in html
    assert "Language model" in html
    graph_file = tmp_path / "entity_cooccurrence_network.gexf"
    assert graph_file.is_file()
    graph = nx.read_gexf(graph_file)
    assert graph.number_of_nodes() > 0
    assert "download>entity_cooccurrence_network.gexf</a>" in html
    alts = _images(html)
    assert len(alts) >= 4  # bars, network, heatmap, mentions over time
    assert any(a.startswith("Network diagram") for a in alts)
    assert any(a.startswith("Heatmap") for a in alts)


@pytest.mark.slow
def test_sentiment_runs_on_sample(tmp_path):
    nb = _execute("sentiment", tmp_path, window="4w", by="category")
    html, errors = _outputs(nb)
    assert errors == []
    assert "Sentiment: about this run" in html
    assert "Sentiment lexicon" in html
    assert "Most positive sentences" in html
    assert "Most negative sentences" in html
    # Issue 8: the report says which document rule it used and that names are masked.
    assert "Article score: mean of sentence scores for" in html
    assert "entity names (people, organisations, places, ...) are masked" in html
    alts = _images(html)
    assert any(a.startswith("Histograms") for a in alts)
    assert any("confidence band" in a for a in alts)
    assert sum(a.startswith("Dot plot with error bars") for a in alts) == 2  # groups, entities


@pytest.mark.slow
def test_filter_leaving_no_documents_shows_a_message(tmp_path):
    nb = _execute(
        "entity_cooccurrence",
        tmp_path,
        sources=["No Such Paper"],
        output_dir=str(tmp_path),
    )
    html, errors = _outputs(nb)
    assert errors == [], json.dumps(errors)[:2000]
    assert "Nothing to analyse: no source &#x27;No Such Paper&#x27; in this corpus" in html
    from analysis.reports.status import read_status

    assert read_status(nb) == ("empty", "no source 'No Such Paper' in this corpus")
    assert "Not in corpus" in html and "No Such Paper" in html
    assert "0 documents of" in html
    assert not (tmp_path / "entity_cooccurrence_network.gexf").exists()


@pytest.mark.slow
def test_term_frequency_runs_from_the_repository_root(tmp_path, monkeypatch):
    """`papermill notebooks/term_frequency.ipynb out.ipynb` from the root, no -k, no --cwd."""
    papermill = pytest.importorskip("papermill")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        "notebooks/term_frequency.ipynb", str(out), parameters={"top": 5}, progress_bar=False
    )
    html, errors = _outputs(nbformat.read(out, as_version=4))
    assert errors == []
    assert "Documents analysed" in html


def _widget_outputs(nb: nbformat.NotebookNode) -> tuple[str, dict[str, list[dict]]]:
    """HTML drawn into Output widgets (saved by papermill as widget state), and the models."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models: dict[str, list[dict]] = {}
    html = []
    for model in state.get("state", {}).values():
        models.setdefault(model["model_name"], []).append(model["state"])
        for out in model["state"].get("outputs", []):
            html.append(out.get("data", {}).get("text/html", ""))
    return "\n".join(html), models


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_explore_runs_twice_in_one_process(tmp_path):
    """The second run of a widget notebook in one process hung for good: nbclient's wait for
    the cell's reply (one poll, no deadline) missed it while the kernel sat idle
    (jupyter/nbclient#312; 2 of 2 tries before analysis._kernel_client re-polled)."""
    for i in range(2):
        run = tmp_path / str(i)
        run.mkdir()
        nb = _execute("explore", run, corpus="../data/sample", export_dir=str(run))
        assert _outputs(nb)[1] == []


def test_report_kernels_use_the_re_polling_client():
    from analysis._kernel_client import PollingKernelClient

    km = kernel_manager_class(cwd=NOTEBOOKS)()
    client = km.client()
    assert isinstance(client, PollingKernelClient)
    assert client.shell_channel_class.__name__ == "_PollingChannel"


@pytest.mark.slow
def test_explore_notebook_runs(tmp_path):
    """Run all, no frontend: every cell runs and the panels show the default selection."""
    nb = _execute("explore", tmp_path, corpus="../data/sample", export_dir=str(tmp_path))
    cells_html, errors = _outputs(nb)
    assert errors == []
    assert "IProgress" not in cells_html and "0%|" not in cells_html  # no frozen progress bars
    html, models = _widget_outputs(nb)
    assert "37 of 37 articles selected</b> (no filter)" in html
    sliders = models["SelectionRangeSliderModel"]
    assert sliders[0]["_options_labels"][0] == "2026-09-01"
    assert "FloatProgressModel" not in models
    alts = _images(html)
    words = next(a for a in alts if "most frequent words" in a)
    assert "port 61" in words and "said" not in words  # the reports' "news" stop words
    assert any("most mentioned entities" in a for a in alts)
    assert any(
        a.startswith("Dot plot with error bars: Mean article sentiment by source") for a in alts
    )
    assert any("Mean article sentiment per week" in a for a in alts)
    # click-through: the first word, phrase and entity are open with their lines and articles
    assert "&#x27;port&#x27;: 61 uses in 26 articles" in html
    assert "&#x27;port halden&#x27;: 40 uses in 26 articles" in html
    assert "Port Halden: 31 uses in 20 articles" in html
    assert html.count('class="nd-table nd-kwic"') == 3
    assert "Articles using Port Halden" in html
    assert "Top pairs" in html and "Selected articles (37)" in html
    picks = [label for m in models["SelectModel"] for label in m["_options_labels"]]
    assert "Helena Marsh (23)" in picks
    assert not any("\n" in label for label in picks)  # entities never contain line breaks
    tables = models["DropdownModel"][0]["_options_labels"]
    assert tables == [
        "words",
        "phrases",
        "entities",
        "entity pairs",
        "sentiment by source",
        "sentiment over time",
        "articles",
    ]
