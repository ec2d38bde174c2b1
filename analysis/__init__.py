"""Newsdesk analysis: load news corpora into pandas; terms, entities and sentiment.

The public API is re-exported here; everything else is private or lives in submodules
(``analysis.display``, ``analysis.filters``, ``analysis.plots`` for report notebooks).

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

# Two public names are also submodules (``analysis.annotate``, ``analysis.keyness``): they are
# bound eagerly, so that ``analysis.annotate`` is the function whichever import came first.
from analysis.annotate import annotate
from analysis.keyness import keyness

if TYPE_CHECKING:  # the names below, for type checkers and editors
    from analysis._dask import read_corpus_dask, term_frequencies_dask
    from analysis.annotations import Annotations
    from analysis.corpus import LoadReport, load_corpus, load_report
    from analysis.entities import (
        DEFAULT_TYPES,
        entity_cooccurrence,
        entity_mentions,
        entity_trends,
        top_entities,
    )
    from analysis.errors import (
        AnalysisInputError,
        CacheError,
        CorpusError,
        NewsdeskError,
        NoDatesError,
        ReportError,
    )
    from analysis.filters import filter_corpus
    from analysis.keyness import distinctive_terms, tfidf_by_group
    from analysis.models import load_model
    from analysis.network import cooccurrence_graph, export_graph
    from analysis.normalize import load_aliases, normalize_entities
    from analysis.reports import ReportResult, run_report, run_reports
    from analysis.schedule import run_schedule
    from analysis.sentiment import (
        document_sentiment,
        entity_sentiment,
        extreme_sentences,
        sentence_sentiment,
        sentiment_by_group,
        sentiment_over_time,
    )
    from analysis.terms import (
        TOKEN_PATTERN,
        collocations,
        kwic,
        term_frequencies,
        term_trends,
        tokenize,
    )

#: Public name -> the submodule that defines it. They are imported on first use (PEP 562),
#: so ``from analysis.terms import ...`` in a report kernel does not import scipy.stats,
#: networkx, dask or the report runner.
_LAZY = {
    "read_corpus_dask": "analysis._dask",
    "term_frequencies_dask": "analysis._dask",
    "Annotations": "analysis.annotations",
    "LoadReport": "analysis.corpus",
    "load_corpus": "analysis.corpus",
    "load_report": "analysis.corpus",
    "DEFAULT_TYPES": "analysis.entities",
    "entity_cooccurrence": "analysis.entities",
    "entity_mentions": "analysis.entities",
    "entity_trends": "analysis.entities",
    "top_entities": "analysis.entities",
    "AnalysisInputError": "analysis.errors",
    "CacheError": "analysis.errors",
    "CorpusError": "analysis.errors",
    "NewsdeskError": "analysis.errors",
    "NoDatesError": "analysis.errors",
    "ReportError": "analysis.errors",
    "filter_corpus": "analysis.filters",
    "distinctive_terms": "analysis.keyness",
    "tfidf_by_group": "analysis.keyness",
    "load_model": "analysis.models",
    "cooccurrence_graph": "analysis.network",
    "export_graph": "analysis.network",
    "load_aliases": "analysis.normalize",
    "normalize_entities": "analysis.normalize",
    "ReportResult": "analysis.reports",
    "run_report": "analysis.reports",
    "run_reports": "analysis.reports",
    "run_schedule": "analysis.schedule",
    "document_sentiment": "analysis.sentiment",
    "entity_sentiment": "analysis.sentiment",
    "extreme_sentences": "analysis.sentiment",
    "sentence_sentiment": "analysis.sentiment",
    "sentiment_by_group": "analysis.sentiment",
    "sentiment_over_time": "analysis.sentiment",
    "TOKEN_PATTERN": "analysis.terms",
    "collocations": "analysis.terms",
    "kwic": "analysis.terms",
    "term_frequencies": "analysis.terms",
    "term_trends": "analysis.terms",
    "tokenize": "analysis.terms",
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


__version__ = "0.1.0"

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
