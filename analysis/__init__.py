"""Newsdesk analysis: load news corpora into pandas; terms, entities and sentiment.

The package follows the pipeline, one subpackage per stage (each imports only from the
stages before it):

- :mod:`analysis.corpus`: loading files into a corpus DataFrame, the load report, snapshots;
- :mod:`analysis.nlp`: spaCy + VADER annotation, once per text and cached; entity names;
- :mod:`analysis.analyses`: tidy-frame analyses (terms, keyness, entities, sentiment, ...);
- :mod:`analysis.reports`: notebook display and plots, the report runner, schedules, CLI.

The public API is re-exported here; report notebooks also use ``analysis.reports.display``,
``analysis.reports.plots`` and the analysis modules directly.

Example:
    >>> import analysis
    >>> corpus = analysis.load_corpus("data/sample")          # doctest: +SKIP
    >>> analysis.term_frequencies(corpus, top=10)             # doctest: +SKIP
    >>> ann = analysis.annotate(corpus)                       # doctest: +SKIP
    >>> analysis.entity_cooccurrence(corpus, annotations=ann) # doctest: +SKIP
"""

from __future__ import annotations

from analysis._version import __version__
from analysis.analyses.cooccurrence import entity_cooccurrence
from analysis.analyses.entities import DEFAULT_TYPES, entity_mentions, entity_trends, top_entities
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
