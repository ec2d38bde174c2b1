# Newsdesk — the two commands: `make report` and `make test`.
# Both create .venv when it is missing and install the package with its pinned
# dependencies (requirements.lock), then do their job.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
CORPUS ?= data/sample
PYTEST_ARGS ?=
# Committed notebooks: outputs, execution counts and run-time metadata are stripped
# (nbstripout). Cell ids are kept: they are stable names, not random ids to renumber.
NOTEBOOK_FILES := $(or $(shell git ls-files '*.ipynb' 2>/dev/null),$(wildcard notebooks/*.ipynb tests/fixtures/notebooks/*.ipynb))
NBSTRIPOUT := $(BIN)/nbstripout --keep-id --extra-keys "metadata.papermill cell.metadata.papermill"

.PHONY: help setup report reports schedule test test-fast lint format strip lab bench clean-reports clean

help:
	@echo "make report      run every report on the bundled sample corpus -> reports/"
	@echo "make test        run the test suite (set-up included)"
	@echo "make test-fast   the test suite without tests marked slow"
	@echo "make lint        ruff check + ruff format --check + notebooks without outputs"
	@echo "make strip       strip outputs and execution counts from the notebooks, in place"
	@echo "make lab         start JupyterLab with the project's kernel"
	@echo "make bench       run the benchmarks against the reference tools"

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name newsdesk --display-name "Python (newsdesk)" > /dev/null
	@touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(PY) -m analysis report --all --corpus $(CORPUS)

reports: report

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@$(NBSTRIPOUT) --verify $(NOTEBOOK_FILES) \
	  || { echo "notebooks above have outputs or run-time metadata: run make strip"; exit 1; }

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

strip: $(STAMP)
	$(NBSTRIPOUT) $(NOTEBOOK_FILES)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean-reports:
	rm -rf reports/*/ reports/index.html

clean:
	rm -rf $(VENV) .pytest_cache
