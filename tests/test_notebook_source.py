"""The committed notebooks are the source: clean, one ``parameters`` cell, shared cells kept.

Nothing generates the notebooks: analysts edit them in JupyterLab. These checks keep them
fit to commit and keep the report notebooks consistent with each other and with the
package helper they share (:mod:`analysis.notebook_cells`):

- every notebook in ``notebooks/`` (not starting with ``_``) is valid nbformat 4 with
  exactly one code cell tagged ``parameters``, and is committed without outputs, execution
  counts or run-time metadata (``make strip`` removes them; ``make lint`` checks them with
  ``nbstripout --verify``);
- every report notebook (the runner's ``--all``; ``explore`` is a workbench, not a report)
  opens with the shared setup cell, starts its ``parameters`` cell with the shared
  parameters, loads, selects and shows its header through ``run`` in the next cell, and
  ends with the shared footer cell;
- the parameters the header shows are those the runner (``newsdesk list``) reads from the
  ``parameters`` cell, in its order, except the cache and output folders.

Each check is a function returning the problems it found, run on the committed notebooks
(no problem) and on copies broken on purpose (the problem is found). No kernel is started.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from analysis import notebook_cells
from analysis.notebook_cells import COMMON_PARAMETERS, FOOTER_CELL, NOT_SHOWN, SETUP_CELL
from analysis.reports import NOT_REPORTS, available_reports, report_parameters

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: Metadata written while a notebook runs or is viewed, never committed (cell, notebook).
RUN_TIME_CELL_METADATA = {"execution", "ExecuteTime", "collapsed", "scrolled", "papermill"}
RUN_TIME_NOTEBOOK_METADATA = {"widgets", "papermill"}


def _notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("_"))


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _is_parameters(cell: Any) -> bool:
    return cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", [])


# --------------------------------------------------------------------------- checks


def clean_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Why ``nb`` is not fit to commit as a source notebook (empty: it is)."""
    problems = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        problems.append(f"not valid nbformat: {exc.message}")
    if nb.get("nbformat") != 4:
        problems.append(f"nbformat {nb.get('nbformat')}, not 4")
    tagged = [c for c in nb.cells if _is_parameters(c)]
    if len(tagged) != 1:
        problems.append(f"{len(tagged)} code cells tagged 'parameters', not exactly one")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            if cell.get("outputs"):
                problems.append(f"cell {i} has outputs")
            if cell.get("execution_count") is not None:
                problems.append(f"cell {i} has an execution count")
        if found := RUN_TIME_CELL_METADATA & set(cell.get("metadata", {})):
            problems.append(f"cell {i} has run-time metadata {sorted(found)}")
    if found := RUN_TIME_NOTEBOOK_METADATA & set(nb.metadata):
        problems.append(f"notebook has run-time metadata {sorted(found)}")
    return problems


def _run_calls(source: str) -> list[ast.Call]:
    """The calls ``run.<method>(...)`` of a cell, in order."""
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "run"
    ]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset))


def _annotated_names(source: str) -> list[str]:
    return [
        s.target.id
        for s in ast.parse(source).body
        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
    ]


def shared_cell_problems(nb: nbformat.NotebookNode) -> list[str]:
    """How report notebook ``nb`` departs from the cells all reports share."""
    problems = []
    cells = nb.cells
    code = [c for c in cells if c.cell_type == "code"]
    if not code or code[0].source != SETUP_CELL:
        problems.append("the first code cell is not notebook_cells.SETUP_CELL")
    if not code or code[-1].source != FOOTER_CELL:
        problems.append("the last cell is not notebook_cells.FOOTER_CELL")
    if not cells or cells[-1].cell_type != "code":
        problems.append("the notebook does not end with a code cell")
    tagged = [i for i, c in enumerate(code) if _is_parameters(c)]
    if len(tagged) != 1 or tagged[0] + 1 >= len(code):
        return [*problems, "no single parameters cell followed by a code cell"]
    params, header = code[tagged[0]], code[tagged[0] + 1]
    if not params.source.startswith(COMMON_PARAMETERS):
        problems.append("the parameters cell does not start with notebook_cells.COMMON_PARAMETERS")
    for needed in ("query", "cache_dir"):  # read by run.select() / run.load(), run.annotate()
        if needed not in _annotated_names(params.source):
            problems.append(f"the parameters cell does not declare {needed}")
    calls = _run_calls(header.source)
    methods = [c.func.attr for c in calls]  # type: ignore[attr-defined]
    if methods not in (["load", "select", "header"], ["load", "select", "annotate", "header"]):
        problems.append(
            f"the cell after the parameters calls run.{methods}, not load/select/header"
        )
    else:
        title = calls[-1].args[0] if calls[-1].args else None
        heading = re.match(r"# (.+)", cells[0].source) if cells[0].cell_type == "markdown" else None
        want = f"{heading.group(1)}: about this run" if heading else "(no '# title' cell)"
        if not (isinstance(title, ast.Constant) and title.value == want):
            problems.append(f"the header's title is not {want!r}")
        passes_ann = any(k.arg == "annotations" for k in calls[-1].keywords)
        if ("annotate" in methods) != passes_ann:
            problems.append("the header shows annotations if and only if run.annotate() made them")
    for i, cell in enumerate(code):
        if cell is header or cell is code[-1]:
            continue
        if _run_calls(cell.source):
            problems.append(f"code cell {i} calls run.<...>: only the header and footer cells do")
        if cell is not params and _annotated_names(cell.source):
            problems.append(f"code cell {i} annotates a name: only parameters are annotated")
    return problems


def shown_parameters(nb: nbformat.NotebookNode, **injected: Any) -> dict[str, Any]:
    """The parameters the header of ``nb`` shows, by running its setup and parameters cells
    (then ``injected`` as papermill would) in a plain namespace, without a kernel."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = next(c for c in code if _is_parameters(c))
    namespace: dict[str, Any] = {}
    exec(compile(code[0].source, "<setup>", "exec"), namespace)
    exec(compile(params.source, "<parameters>", "exec"), namespace)
    exec("\n".join(f"{k} = {v!r}" for k, v in injected.items()), namespace)
    return namespace["run"].parameters()


def parameter_problems(nb: nbformat.NotebookNode, name: str, folder: Path) -> list[str]:
    """Where the header of report ``name`` and the runner disagree on its parameters."""
    declared = report_parameters(name, notebooks_dir=folder)
    want = {k: p.default for k, p in declared.items() if k not in NOT_SHOWN}
    got = shown_parameters(nb)
    problems = []
    if list(got) != list(want):
        problems.append(f"the header shows {list(got)}; the runner reads {list(want)}")
    elif got != want:
        problems.append(f"the header shows the values {got}; the runner's defaults are {want}")
    common = _annotated_names(COMMON_PARAMETERS)
    if list(declared)[: len(common)] != common:
        problems.append("the runner does not read the common parameters first")
    return problems


# --------------------------------------------------------------------------- the notebooks


NAMES = [p.stem for p in _notebooks()]
REPORTS = available_reports(notebooks_dir=NOTEBOOKS)


def test_every_notebook_is_a_report_or_known_not_to_be():
    assert REPORTS == ["term_frequency", "entity_cooccurrence", "sentiment"]
    assert set(NAMES) == set(REPORTS) | NOT_REPORTS
    assert not (NOTEBOOKS / "_build.py").exists(), "the notebooks are the source: no generator"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name):
    assert clean_problems(_read(NOTEBOOKS / f"{name}.ipynb")) == []


@pytest.mark.parametrize("name", REPORTS)
def test_report_notebook_keeps_the_shared_cells(name):
    assert shared_cell_problems(_read(NOTEBOOKS / f"{name}.ipynb")) == []


@pytest.mark.parametrize("name", REPORTS)
def test_header_shows_the_parameters_the_runner_reads(name):
    assert parameter_problems(_read(NOTEBOOKS / f"{name}.ipynb"), name, NOTEBOOKS) == []


def test_header_shows_injected_values_and_hides_folders():
    nb = _read(NOTEBOOKS / "entity_cooccurrence.ipynb")
    shown = shown_parameters(nb, top=5, cache_dir="/tmp/c", output_dir="/tmp/o")
    assert shown["top"] == 5
    assert "cache_dir" not in shown and "output_dir" not in shown


def test_newsdesk_list_reports_the_parameters_cells(capsys):
    from analysis import cli

    assert cli.main(["list", "--notebooks-dir", str(NOTEBOOKS)]) == 0
    listed = capsys.readouterr().out
    for name in REPORTS:
        section = listed.split(f"\n{name}\n", 1)[1].split("\n\n", 1)[0]
        names = re.findall(r"^  (\w+):", section, flags=re.MULTILINE)
        assert names == list(report_parameters(name, notebooks_dir=NOTEBOOKS)), name


def test_notebooks_are_short():
    """The shared cells are calls into the package: the setup cell and the cell after the
    parameters are a few lines each (_build.py wrote 35 to 45 lines for each of them)."""
    for name in REPORTS:
        code = [c for c in _read(NOTEBOOKS / f"{name}.ipynb").cells if c.cell_type == "code"]
        params = next(i for i, c in enumerate(code) if _is_parameters(c))
        assert len(code[params + 1].source.splitlines()) <= 6, name
        assert len(code[0].source.splitlines()) <= 6, name


# --------------------------------------------------------------------------- broken copies


def _broken(name: str, tmp_path: Path, change) -> tuple[nbformat.NotebookNode, Path]:
    """A copy of notebook ``name`` in ``tmp_path`` changed by ``change(nb)``."""
    nb = copy.deepcopy(_read(NOTEBOOKS / f"{name}.ipynb"))
    change(nb)
    nbformat.write(nb, tmp_path / f"{name}.ipynb")
    return _read(tmp_path / f"{name}.ipynb"), tmp_path


def _code(nb: nbformat.NotebookNode, i: int) -> Any:
    return [c for c in nb.cells if c.cell_type == "code"][i]


def _output(nb):
    _code(nb, 3).outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]


def _tag_twice(nb):
    _code(nb, 3).metadata["tags"] = ["parameters"]


def _untag(nb):
    for cell in nb.cells:
        cell.metadata.pop("tags", None)


def _break_schema(nb):
    _code(nb, 3)["execution_count"] = "three"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_output, "has outputs"),
        (lambda nb: _code(nb, 3).__setitem__("execution_count", 7), "has an execution count"),
        (
            lambda nb: _code(nb, 3).metadata.update(execution={"shell.execute_reply": "x"}),
            "run-time",
        ),
        (lambda nb: nb.metadata.update(widgets={"state": {}}), "notebook has run-time metadata"),
        (lambda nb: nb.metadata.update(papermill={"duration": 1.0}), "notebook has run-time"),
        (_tag_twice, "2 code cells tagged 'parameters'"),
        (_untag, "0 code cells tagged 'parameters'"),
        (_break_schema, "not valid nbformat"),
    ],
)
def test_clean_check_finds(tmp_path, change, problem):
    nb, _ = _broken("term_frequency", tmp_path, change)
    assert any(problem in p for p in clean_problems(nb)), clean_problems(nb)


def _edit(i: int, old: str, new: str):
    def change(nb):
        cell = _code(nb, i)
        assert old in cell.source
        cell.source = cell.source.replace(old, new)

    return change


def _stray_run_call(nb):
    _code(nb, 4).source += "\nrun.footer()"


def _annotated_elsewhere(nb):
    _code(nb, 4).source = "words: pd.DataFrame = pd.DataFrame()\n" + _code(nb, 4).source


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("term_frequency", _edit(0, "ReportRun.start(", "ReportRun.start( "), "SETUP_CELL"),
        ("sentiment", _edit(-1, "run.footer()", "run.footer()\n"), "FOOTER_CELL"),
        ("sentiment", _edit(2, "# Report parameters", "# The parameters"), "COMMON_PARAMETERS"),
        ("sentiment", _edit(2, "end: Optional[str] = None", "end: str = None"), "COMMON"),
        ("sentiment", _edit(2, "cache_dir: Optional[str]", "cachedir: Optional[str]"), "cache_dir"),
        ("term_frequency", _edit(3, "docs = run.select(raw)", "docs = raw"), "load/select/header"),
        ("sentiment", _edit(3, "Sentiment: about", "Sentiments: about"), "header's title"),
        ("sentiment", _edit(3, ", annotations=ann)", ")"), "annotations if and only if"),
        ("term_frequency", _stray_run_call, "calls run.<...>"),
        ("term_frequency", _annotated_elsewhere, "annotates a name"),
    ],
)
def test_shared_cell_check_finds(tmp_path, name, change, problem):
    nb, _ = _broken(name, tmp_path, change)
    assert any(problem in p for p in shared_cell_problems(nb)), shared_cell_problems(nb)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # unannotated: the runner reads it, the header (annotations) would not show it
        (_edit(2, "top: int = 20", "top = 20"), "the header shows"),
        (_edit(2, 'corpus: str = "../data/sample"', 'corpus = "../data/sample"'), "the header"),
        # not a literal: the runner has no default, the header shows 20
        (_edit(2, "top: int = 20", "top: int = 10 + 10"), "values"),
    ],
)
def test_parameter_check_finds(tmp_path, change, problem):
    nb, folder = _broken("term_frequency", tmp_path, change)
    found = parameter_problems(nb, "term_frequency", folder)
    assert any(problem in p for p in found), found


def test_helper_names_are_reachable():
    assert set(notebook_cells.__all__) <= set(dir(notebook_cells))
