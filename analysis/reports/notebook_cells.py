"""The cells every report notebook shares, as short calls: start, load and select, header,
footer.

The report notebooks (``notebooks/*.ipynb``) are their own source: analysts edit them in
JupyterLab. What all of them must do the same way lives here, so that each notebook stays
short and the three cannot drift apart (``tests/test_notebook_source.py`` checks the cells):

- :data:`SETUP_CELL`, the code cell before the ``parameters`` cell, identical in every report
  notebook: ``run = ReportRun.start(globals())`` notes the start time and where the
  parameters will be;
- :data:`COMMON_PARAMETERS`, the lines every ``parameters`` cell starts with (the corpus and
  the selection); the report's own parameters follow them, among them ``query`` and
  ``cache_dir``, which every report declares with a help text of its own;
- the cell after the ``parameters`` cell loads the corpus, selects the documents and shows
  the header::

      raw = run.load()
      docs = run.select(raw)
      ann = run.annotate(docs)  # reports that need spaCy annotations
      run.header("Sentiment: about this run", raw, docs, annotations=ann)

- :data:`FOOTER_CELL`, the last cell: ``run.footer()``.

The parameters are read from the notebook's namespace at the time of the call, so values
that papermill injects after the ``parameters`` cell (``-p top 5``) are the ones used. The
parameters are the names annotated in the ``parameters`` cell (``top: int = 20``), in the
order written there; the report runner (:mod:`analysis._report_params`) and papermill read
the same cell.

Example (in a notebook, the cell after the ``parameters`` cell):
    >>> raw = run.load()  # doctest: +SKIP
    >>> docs = run.select(raw)  # doctest: +SKIP
    >>> run.header("Term frequency: about this run", raw, docs)  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "COMMON_PARAMETERS",
    "FOOTER_CELL",
    "NOT_SHOWN",
    "SETUP_CELL",
    "ReportRun",
]

#: The code cell before the ``parameters`` cell of every report notebook, exactly.
SETUP_CELL = """\
# ruff: noqa: UP045  (papermill reads Optional[...] annotations, not `X | None`)
from typing import Optional

from analysis.reports.notebook_cells import ReportRun

run = ReportRun.start(globals())  # the start time; the cells below read the parameters"""

#: The lines every report notebook's ``parameters`` cell starts with: the corpus and the
#: selection, read by :meth:`ReportRun.load` and :meth:`ReportRun.select`. Parameters are
#: annotated ``Optional[str]`` rather than ``str | None`` because papermill's parameter
#: reader (``papermill.inspect_notebook``) does not understand ``|`` annotations.
COMMON_PARAMETERS = """\
# Report parameters (papermill: -p name value). Dates are UTC days, both ends included.
# window: a period such as "24h", "7d", "4w", "1m" (a month) or "1q" (a quarter) that ends
# at `end` (or at the newest article when end is None); it cannot be combined with `start`.
# "(valid: ...)" says which values are valid; they are checked before the report runs.
corpus: str = "../data/sample"  # corpus folder or file (relative to the notebooks folder)
start: Optional[str] = None  # first day included, YYYY-MM-DD (valid: date)
end: Optional[str] = None  # last day included, YYYY-MM-DD (valid: date)
window: Optional[str] = None  # e.g. "7d", "4w", "1m", "1q", counted back from end (valid: window)
sources: Optional[list] = None  # keep only these sources, e.g. ["Harbour Gazette"]
categories: Optional[list] = None  # keep only these categories, e.g. ["business"]
columns: Optional[dict] = None  # table columns for fields, e.g. {"category": "section"}
url_section: Optional[str] = None  # fill this column from URL paths, e.g. "section"
"""

#: The last cell of every report notebook, exactly.
FOOTER_CELL = "run.footer()"

#: Parameters left out of the header: where files go, not what is analysed.
NOT_SHOWN = ("cache_dir", "output_dir")


@dataclass
class ReportRun:
    """One run of a report notebook: its start time and the namespace of its parameters.

    Create it with :meth:`start` in the notebook's setup cell (before the ``parameters``
    cell); the other methods read the parameters from ``namespace`` when called.
    """

    namespace: MutableMapping[str, Any] = field(repr=False)
    started: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now(tz="UTC"))

    @classmethod
    def start(cls, namespace: MutableMapping[str, Any]) -> ReportRun:
        """The run of the notebook whose ``globals()`` is ``namespace``, starting now.

        Also silences tqdm's "IProgress not found" warning (progress bars without
        ipywidgets)."""
        warnings.filterwarnings("ignore", message="IProgress not found")
        return cls(namespace)

    def _get(self, name: str) -> Any:
        try:
            return self.namespace[name]
        except KeyError:
            raise NameError(
                f"parameter {name!r} is not defined: every report notebook's parameters "
                f"cell declares it (see analysis.reports.notebook_cells)"
            ) from None

    def parameter_names(self) -> list[str]:
        """The names annotated in the ``parameters`` cell, in the order written there."""
        annotations = self.namespace.get("__annotations__")
        if annotations is None and callable(self.namespace.get("__annotate__")):
            # Python 3.14+ (PEP 649) evaluates module annotations lazily (not yet tried here)
            annotations = self.namespace["__annotate__"](1)
        return [name for name in annotations or {} if name in self.namespace]

    def parameters(self) -> dict[str, Any]:
        """The parameters shown in the header: name -> current value, in the order of the
        ``parameters`` cell, without :data:`NOT_SHOWN` (cache and output folders)."""
        return {n: self.namespace[n] for n in self.parameter_names() if n not in NOT_SHOWN}

    def load(self) -> pd.DataFrame:
        """The corpus as every report of a run loads it (through the corpus snapshot: the
        reports of a run load it once): ``corpus`` (relative to the notebooks folder),
        ``cache_dir``, ``columns`` and ``url_section``
        (:func:`analysis.analyses.metadata.load_report_corpus`)."""
        from analysis.analyses.metadata import load_report_corpus
        from analysis.reports.notebook import resolve_notebook_path

        return load_report_corpus(
            resolve_notebook_path(self._get("corpus")),
            cache_dir=self._get("cache_dir"),
            columns=self._get("columns"),
            url_section=self._get("url_section"),
        )

    def select(self, raw: pd.DataFrame) -> pd.DataFrame:
        """The documents to analyse: ``raw`` filtered by ``start``, ``end``, ``window``,
        ``sources``, ``categories`` and ``query``, duplicates left out
        (:func:`analysis.analyses.filters.filter_corpus`). When nothing is left, says why at the top
        of the report and the report ends "empty"
        (:func:`analysis.reports.status.check_selection`)."""
        from analysis.analyses.filters import filter_corpus
        from analysis.reports.status import check_selection

        docs = filter_corpus(
            raw,
            start=self._get("start"),
            end=self._get("end"),
            window=self._get("window"),
            sources=self._get("sources"),
            categories=self._get("categories"),
            query=self._get("query"),
            drop_duplicates=True,
        )
        check_selection(docs)
        return docs

    def annotate(self, docs: pd.DataFrame) -> Any:
        """spaCy annotations of ``docs`` (through the annotation cache in ``cache_dir``), or
        None when there is no document (:func:`analysis.nlp.annotator.annotate`)."""
        from analysis.nlp.annotator import annotate

        if not len(docs):
            return None
        return annotate(docs, cache_dir=self._get("cache_dir"), progress=False)

    def header(
        self, title: str, raw: pd.DataFrame, docs: pd.DataFrame, *, annotations: Any = None
    ) -> None:
        """Show the block at the top of the report: the parameters (:meth:`parameters`),
        the corpus loaded (``raw``) and analysed (``docs``), the language model and lexicon
        of ``annotations``, versions and start time
        (:func:`analysis.reports.display.report_header`)."""
        from analysis.corpus.report import load_report
        from analysis.reports.display import report_header, show

        show(
            report_header(
                title=title,
                parameters=self.parameters(),
                corpus=docs,
                load_report=load_report(raw),
                annotations=annotations,
                started=self.started,
            )
        )

    def footer(self) -> None:
        """Show the closing line with the run time, and mark for the report runner how many
        sections were computed (:func:`analysis.reports.status.show_run_status`)."""
        from analysis.reports.display import report_footer, show
        from analysis.reports.status import show_run_status

        show(report_footer(self.started))
        show_run_status()
