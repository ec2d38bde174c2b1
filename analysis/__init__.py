"""Newsdesk analysis: load news corpora into pandas; terms, entities and sentiment.

The public API is re-exported here; everything else is private.
"""

from __future__ import annotations

from analysis.annotations import Annotations
from analysis.errors import (
    AnalysisInputError,
    CacheError,
    CorpusError,
    NewsdeskError,
    ReportError,
)

__version__ = "0.1.0"

__all__ = [
    "AnalysisInputError",
    "Annotations",
    "CacheError",
    "CorpusError",
    "NewsdeskError",
    "ReportError",
    "__version__",
]
