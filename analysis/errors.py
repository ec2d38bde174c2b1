"""The package's exceptions: one base class, one subclass per concern."""

from __future__ import annotations

__all__ = [
    "AnalysisInputError",
    "CacheError",
    "CorpusError",
    "NewsdeskError",
    "NoDatesError",
    "ReportError",
]


class NewsdeskError(Exception):
    """Base class of every error raised on purpose by :mod:`analysis`."""


class CorpusError(NewsdeskError):
    """A corpus path, file or field cannot be loaded as asked."""


class AnalysisInputError(NewsdeskError, ValueError):
    """A DataFrame or option given to an analysis function is not usable."""


class NoDatesError(AnalysisInputError):
    """A time-based analysis was asked of documents without publication dates."""


class CacheError(NewsdeskError):
    """The annotation store cannot be read or written."""


class ReportError(NewsdeskError):
    """A report cannot be run: bad parameters, unknown notebook, unsafe path."""
