"""Private: the options of :func:`analysis.corpus.load.load_corpus`, checked and passed on."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from analysis.errors import CorpusError

__all__ = ["LoadOptions"]

_FOLDER_MODES = ("category", "source", "source/category", "ignore")


@dataclass
class LoadOptions:
    """Every keyword argument of ``load_corpus`` (see there for what each means)."""

    folders: Any
    source: str | None
    category: str | None
    columns: Mapping[str, str | None] | None
    sidecar: Any
    encoding: str | None
    unescape_entities: bool
    boilerplate: bool
    repeated_min_docs: int
    repeated_min_share: float
    boilerplate_max_chars: int
    footer_max_share: float
    near_duplicates: bool
    near_threshold: float
    shingle_size: int
    drop_duplicates: bool
    exclude: Any
    recursive: bool
    strict: bool
    quiet: bool
    progress: bool

    @classmethod
    def of(cls, arguments: Mapping[str, Any]) -> LoadOptions:
        """The options among ``arguments`` (``load_corpus``'s arguments by name)."""
        return cls(**{f.name: arguments[f.name] for f in fields(cls)})

    def check(self) -> None:
        """Raise CorpusError for an option out of range; ``exclude`` becomes a list."""
        if not 0 < self.near_threshold <= 1:
            raise CorpusError(
                f"load_corpus(): near_threshold={self.near_threshold!r}; expected 0 < x <= 1"
            )
        if isinstance(self.folders, str) and self.folders not in _FOLDER_MODES:
            raise CorpusError(
                f"load_corpus(): folders={self.folders!r} is not valid; expected one of "
                "['category', 'source', 'source/category', 'ignore'] or a callable"
            )
        for name in ("repeated_min_docs", "shingle_size", "boilerplate_max_chars"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise CorpusError(f"load_corpus(): {name}={value!r}; expected an integer >= 1")
        for name in ("footer_max_share", "repeated_min_share"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise CorpusError(f"load_corpus(): {name}={value!r}; expected 0 <= x <= 1")
        exclude = self.exclude
        self.exclude = [exclude] if isinstance(exclude, str) else list(exclude)

    def for_collect(self) -> dict[str, Any]:
        """The arguments of :func:`analysis.corpus._collect.collect`."""
        names = ("folders", "source", "category", "columns", "sidecar", "encoding")
        names += ("exclude", "recursive", "progress", "strict")
        return {**{n: getattr(self, n) for n in names}, "unescape": self.unescape_entities}

    def for_build(self) -> dict[str, Any]:
        """The arguments of :func:`analysis.corpus._build.build_frame`."""
        names = ("boilerplate", "repeated_min_docs", "repeated_min_share")
        names += ("boilerplate_max_chars", "footer_max_share", "near_duplicates")
        names += ("near_threshold", "shingle_size", "progress")
        return {n: getattr(self, n) for n in names}

    def for_report(self) -> dict[str, Any]:
        """The options as kept in the load report (JSON-able: callables and paths as text)."""
        folders = self.folders
        sidecar = self.sidecar
        return copy.deepcopy(
            {
                "folders": folders if isinstance(folders, str) else repr(folders),
                "source": self.source,
                "category": self.category,
                "columns": dict(self.columns or {}),
                "sidecar": sidecar if isinstance(sidecar, bool | None) else str(sidecar),
                "encoding": self.encoding,
                "unescape_entities": self.unescape_entities,
                "boilerplate": self.boilerplate,
                "repeated_min_docs": self.repeated_min_docs,
                "repeated_min_share": self.repeated_min_share,
                "boilerplate_max_chars": self.boilerplate_max_chars,
                "footer_max_share": self.footer_max_share,
                "near_duplicates": self.near_duplicates,
                "near_threshold": self.near_threshold,
                "shingle_size": self.shingle_size,
                "drop_duplicates": self.drop_duplicates,
                "exclude": self.exclude,
                "recursive": self.recursive,
                "strict": self.strict,
            }
        )
