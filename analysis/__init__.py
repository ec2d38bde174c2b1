"""Newsdesk analysis: load news corpora into pandas; terms, entities and sentiment.

The package follows the pipeline, one subpackage per stage (each imports only from the
stages before it):

- :mod:`analysis.corpus`: loading files into a corpus DataFrame, the load report, snapshots;
- :mod:`analysis.nlp`: spaCy + VADER annotation, once per text and cached; entity names;
- :mod:`analysis.analyses`: tidy-frame analyses (terms, keyness, entities, sentiment, ...);
- :mod:`analysis.reports`: notebook display and plots, the report runner, schedules, CLI.

The public API is re-exported here, each name imported from its stage on first use (so
``import analysis`` stays light); report notebooks also use ``analysis.reports.display``,
``analysis.reports.plots`` and the analysis modules directly.

Example:
    >>> import analysis
    >>> corpus = analysis.load_corpus("data/sample")          # doctest: +SKIP
    >>> analysis.term_frequencies(corpus, top=10)             # doctest: +SKIP
    >>> ann = analysis.annotate(corpus)                       # doctest: +SKIP
    >>> analysis.entity_cooccurrence(corpus, annotations=ann) # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from analysis._version import __version__

if TYPE_CHECKING:  # the names below, for type checkers and editors
    from analysis.analyses.cooccurrence import entity_cooccurrence
    from analysis.analyses.entities import (
        DEFAULT_TYPES,
        entity_mentions,
        entity_trends,
        top_entities,
    )
    from analysis.analyses.filters import filter_corpus
    from analysis.analyses.keyness import distinctive_terms, keyness
    from analysis.analyses.kwic import kwic
    from analysis.analyses.network import cooccurrence_graph, export_graph
    from analysis.analyses.sentiment import (
        document_sentiment,
        entity_sentiment,
        extreme_sentences,
        sentence_sentiment,
        sentiment_by_group,
        sentiment_over_time,
    )
    from analysis.analyses.terms import TOKEN_PATTERN, collocations, term_frequencies, tokenize
    from analysis.analyses.terms_dask import term_frequencies_dask
    from analysis.analyses.tfidf import tfidf_by_group
    from analysis.analyses.trends import term_trends
    from analysis.corpus.load import LoadReport, load_corpus, load_report
    from analysis.corpus.shards import read_corpus_dask
    from analysis.errors import (
        AnalysisInputError,
        CacheError,
        CorpusError,
        NewsdeskError,
        NoDatesError,
        ReportError,
    )
    from analysis.nlp.annotations import Annotations
    from analysis.nlp.annotator import annotate
    from analysis.nlp.models import load_model
    from analysis.nlp.normalize import load_aliases, normalize_entities
    from analysis.reports.runner import ReportResult, run_report, run_reports
    from analysis.reports.schedule import run_schedule

#: Public name -> the submodule that defines it. They are imported on first use (PEP 562),
#: so ``from analysis.analyses.terms import ...`` in a report kernel does not import
#: scipy.stats, networkx, dask or the report runner.
_LAZY = {
    "entity_cooccurrence": "analysis.analyses.cooccurrence",
    "DEFAULT_TYPES": "analysis.analyses.entities",
    "entity_mentions": "analysis.analyses.entities",
    "entity_trends": "analysis.analyses.entities",
    "top_entities": "analysis.analyses.entities",
    "filter_corpus": "analysis.analyses.filters",
    "distinctive_terms": "analysis.analyses.keyness",
    "keyness": "analysis.analyses.keyness",
    "kwic": "analysis.analyses.kwic",
    "cooccurrence_graph": "analysis.analyses.network",
    "export_graph": "analysis.analyses.network",
    "document_sentiment": "analysis.analyses.sentiment",
    "entity_sentiment": "analysis.analyses.sentiment",
    "extreme_sentences": "analysis.analyses.sentiment",
    "sentence_sentiment": "analysis.analyses.sentiment",
    "sentiment_by_group": "analysis.analyses.sentiment",
    "sentiment_over_time": "analysis.analyses.sentiment",
    "TOKEN_PATTERN": "analysis.analyses.terms",
    "collocations": "analysis.analyses.terms",
    "term_frequencies": "analysis.analyses.terms",
    "tokenize": "analysis.analyses.terms",
    "term_frequencies_dask": "analysis.analyses.terms_dask",
    "tfidf_by_group": "analysis.analyses.tfidf",
    "term_trends": "analysis.analyses.trends",
    "LoadReport": "analysis.corpus.load",
    "load_corpus": "analysis.corpus.load",
    "load_report": "analysis.corpus.load",
    "read_corpus_dask": "analysis.corpus.shards",
    "AnalysisInputError": "analysis.errors",
    "CacheError": "analysis.errors",
    "CorpusError": "analysis.errors",
    "NewsdeskError": "analysis.errors",
    "NoDatesError": "analysis.errors",
    "ReportError": "analysis.errors",
    "Annotations": "analysis.nlp.annotations",
    "annotate": "analysis.nlp.annotator",
    "load_model": "analysis.nlp.models",
    "load_aliases": "analysis.nlp.normalize",
    "normalize_entities": "analysis.nlp.normalize",
    "ReportResult": "analysis.reports.runner",
    "run_report": "analysis.reports.runner",
    "run_reports": "analysis.reports.runner",
    "run_schedule": "analysis.reports.schedule",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DEFAULT_TYPES",
    "TOKEN_PATTERN",
    "AnalysisInputError",
    "Annotations",
    "CacheError",
    "CorpusError",
    "LoadReport",
    "NewsdeskError",
    "NoDatesError",
    "ReportError",
    "ReportResult",
    "__version__",
    "annotate",
    "collocations",
    "cooccurrence_graph",
    "distinctive_terms",
    "document_sentiment",
    "entity_cooccurrence",
    "entity_mentions",
    "entity_sentiment",
    "entity_trends",
    "export_graph",
    "extreme_sentences",
    "filter_corpus",
    "keyness",
    "kwic",
    "load_aliases",
    "load_corpus",
    "load_model",
    "load_report",
    "normalize_entities",
    "read_corpus_dask",
    "run_report",
    "run_reports",
    "run_schedule",
    "sentence_sentiment",
    "sentiment_by_group",
    "sentiment_over_time",
    "term_frequencies",
    "term_frequencies_dask",
    "term_trends",
    "tfidf_by_group",
    "tokenize",
    "top_entities",
]
