"""The package's layout: size limits, no import cycles, stages that import only backwards,
the public names of ``import analysis`` and the README's examples."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "analysis"
README = ROOT / "README.md"

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 100
#: The pipeline's stages, in order: a stage imports only from earlier ones.
STAGES = ("corpus", "nlp", "analyses", "reports")


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports, at module level or inside functions."""

    def module_of(name: str) -> str | None:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        return name or None

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from analysis.reports import plots`` imports the module analysis.reports.plots
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                for a in node.names
            ]
        else:
            continue
        found.update(m for n in names if n.split(".")[0] == "analysis" and (m := module_of(n)))
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_stages_are_subpackages():
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()} == set(STAGES)


def test_tests_mirror_the_stages():
    tests = ROOT / "tests"
    folders = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders == {*STAGES, "fixtures"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_at_most_500_lines(module):
    n = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{module} has {n} lines; split it by concern"


def test_functions_are_at_most_100_lines():
    long = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                n = node.end_lineno - first + 1  # the whole def: decorators, docstring, body
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{module}.{node.name} ({n} lines)")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_import_graph_has_no_cycles():
    """Imports inside functions count too: a lazy import still ties two modules."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, f"import cycles: {cycles}"


def test_stages_import_only_earlier_stages():
    """corpus <- nlp <- analyses <- reports; the shared top-level modules import no stage,
    and no module imports the package itself (``analysis/__init__`` re-exports every stage).
    The package root and ``python -m analysis`` (the command line) sit above the stages."""
    wrong = []
    for module, targets in GRAPH.items():
        if module in ("analysis", "analysis.__main__"):
            continue
        for target in targets:
            here, there = _stage(module), _stage(target)
            if target == "analysis":
                wrong.append(f"{module} imports the package root")
            elif there is not None and (here is None or STAGES.index(there) > STAGES.index(here)):
                wrong.append(f"{module} -> {target}")
    assert not wrong, f"imports against the pipeline's order: {wrong}"


# One fresh interpreter: each module imported with every analysis module forgotten first,
# so a module that only works after another one was imported fails here.
_EACH_ALONE = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "analysis" or m.startswith("analysis.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_on_its_own():
    names = sorted(MODULES, reverse=True)  # leaves before the modules that import them
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _EACH_ALONE, *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_import_analysis_exposes_all_public_names():
    code = (
        "import analysis; missing = [n for n in analysis.__all__ if not hasattr(analysis, n)]; "
        "print(missing); raise SystemExit(1 if missing else 0)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_public_names_are_unchanged():
    """The names ``import analysis`` offered before the package was split into stages."""
    import analysis

    before = {
        "DEFAULT_TYPES", "TOKEN_PATTERN", "AnalysisInputError", "Annotations", "CacheError",
        "CorpusError", "LoadReport", "NewsdeskError", "NoDatesError", "ReportError",
        "ReportResult", "__version__", "annotate", "collocations", "cooccurrence_graph",
        "distinctive_terms", "document_sentiment", "entity_cooccurrence", "entity_mentions",
        "entity_sentiment", "entity_trends", "export_graph", "extreme_sentences",
        "filter_corpus", "keyness", "kwic", "load_aliases", "load_corpus", "load_model",
        "load_report", "normalize_entities", "read_corpus_dask", "run_report", "run_reports",
        "run_schedule", "sentence_sentiment", "sentiment_by_group", "sentiment_over_time",
        "term_frequencies", "term_frequencies_dask", "term_trends", "tfidf_by_group",
        "tokenize", "top_entities",
    }  # fmt: skip
    assert before <= set(analysis.__all__)
    assert all(
        callable(getattr(analysis, n))
        for n in before - {"DEFAULT_TYPES", "TOKEN_PATTERN", "__version__"}
    )


# --------------------------------------------------------------------------- README


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_python_examples_use_existing_names():
    import analysis

    blocks = _python_blocks()
    assert blocks
    for block in blocks:
        ast.parse(block)
        for name in re.findall(r"\banalysis\.(\w+)", block):
            assert hasattr(analysis, name), f"README example uses analysis.{name}"


def test_readme_layout_section_names_every_subpackage():
    text = README.read_text(encoding="utf-8")
    assert "## How the code is laid out" in text
    section = text.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    for stage in STAGES:
        assert f"analysis/{stage}/" in section, stage


@pytest.mark.slow
def test_readme_notebook_example_runs(tmp_path, sample_dir):
    """The JupyterLab example, on the bundled sample corpus instead of the reader's own."""
    block = _python_blocks()[0]
    assert "analysis.load_corpus(" in block
    code = re.sub(r'load_corpus\("[^"]*"\)', f"load_corpus({str(sample_dir)!r})", block)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "NEWSDESK_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
