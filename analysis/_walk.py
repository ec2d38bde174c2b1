"""Finding a corpus's input files and deciding, per file, what it is (before reading it)."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis._readers import SUPPORTED_EXTS
from analysis._sidecar import SIDECAR_NAMES

__all__ = ["DOC_FILE_STEMS", "Entry", "walk_inputs"]

# Files that describe a corpus rather than belong to it (README.TXT beside the BBC folders).
DOC_FILE_STEMS = {
    "readme",
    "license",
    "licence",
    "copying",
    "changelog",
    "changes",
    "provenance",
    "authors",
    "notice",
    "contributing",
}


@dataclass
class Entry:
    """One input path under the root: ``kind`` is "document", "sidecar" or "skip"."""

    abspath: Path
    rel: str
    kind: str
    reason: str = ""
    detail: str = ""


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$") or name == "__pycache__"


def classify(abspath: Path, rel: str, *, exclude: Iterable[str], sidecar_auto: bool) -> Entry:
    """What to do with one file (documents are read later)."""
    name = abspath.name
    ext = abspath.suffix.lower()
    if any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat) for pat in exclude):
        return Entry(abspath, rel, "skip", "excluded", "matches exclude=")
    if _is_hidden(name):
        return Entry(abspath, rel, "skip", "hidden file")
    if sidecar_auto and name.lower() in SIDECAR_NAMES:
        return Entry(abspath, rel, "sidecar", "sidecar")
    if ext not in SUPPORTED_EXTS:
        detail = f"{ext or 'no extension'}; supported: {', '.join(sorted(SUPPORTED_EXTS))}"
        return Entry(abspath, rel, "skip", "unsupported extension", detail)
    if abspath.stem.lower() in DOC_FILE_STEMS:
        return Entry(abspath, rel, "skip", "documentation file", "describes the corpus")
    if not abspath.is_file():
        return Entry(abspath, rel, "skip", "unreadable", "not a regular file")
    return Entry(abspath, rel, "document")


def walk_inputs(
    root: Path, *, exclude: Iterable[str], sidecar_auto: bool, recursive: bool
) -> list[Entry]:
    """Every path under ``root`` as an Entry, sorted by relative posix path.

    Hidden folders (``.git``...) and symlinked folders are not entered; each is one
    "skip" entry so that nothing disappears silently.
    """
    exclude = list(exclude)
    entries: list[Entry] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        base = Path(dirpath)
        keep = []
        for d in dirnames:
            rel = (base / d).relative_to(root).as_posix()
            if _is_hidden(d):
                entries.append(Entry(base / d, rel + "/", "skip", "hidden folder"))
            elif any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(d, p) for p in exclude):
                entries.append(Entry(base / d, rel + "/", "skip", "excluded", "matches exclude="))
            elif (base / d).is_symlink():
                entries.append(Entry(base / d, rel + "/", "skip", "symlinked folder"))
            elif not recursive:
                entries.append(Entry(base / d, rel + "/", "skip", "subfolder", "recursive=False"))
            else:
                keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            p = base / f
            entries.append(
                classify(
                    p, p.relative_to(root).as_posix(), exclude=exclude, sidecar_auto=sidecar_auto
                )
            )
    entries.sort(key=lambda e: e.rel)
    return entries
