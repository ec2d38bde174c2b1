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

from analysis._dask import read_corpus_dask, term_frequencies_dask
from analysis.annotate import annotate
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
from analysis.keyness import distinctive_terms, keyness, tfidf_by_group
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
