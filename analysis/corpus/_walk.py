"""Finding a corpus's input files and deciding, per file, what it is (before reading it)."""

from __future__ import annotations

import contextlib
import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis.corpus._readers import SUPPORTED_EXTS
from analysis.corpus._sidecar import SIDECAR_NAMES

__all__ = [
    "CACHE_TAG",
    "DOC_FILE_STEMS",
    "OUTPUT_MARKER",
    "Entry",
    "display_path",
    "mark_output_root",
    "walk_inputs",
]

# A folder holding this file is a report output root (written by analysis.reports): never
# corpus input, so a corpus folder that holds its own reports does not read them back.
OUTPUT_MARKER = ".newsdesk-output"
# The standard cache-directory tag (https://bford.info/cachedir/): such folders are caches.
CACHE_TAG = "CACHEDIR.TAG"

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


def display_path(rel: str) -> tuple[str, str]:
    """A relative path that can be stored and printed, and a note when it had to change.

    File names that are not valid UTF-8 come from ``os`` with surrogate escapes; their
    undecodable bytes are shown as ``\\xNN`` (the file is still read by its real path).
    """
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return shown, "file name is not valid UTF-8 (undecodable bytes shown as \\xNN)"
    return rel, ""


def mark_output_root(root: Path) -> None:
    """Mark an existing folder as a report output root, so corpus walks leave it out."""
    marker = root / OUTPUT_MARKER
    if not marker.exists():
        # a read-only output root is reported by the writer that needs it
        with contextlib.suppress(OSError):
            marker.write_text("Newsdesk report output: never read as corpus input.\n")


def _cache_dirs() -> set[str]:
    """The annotation cache folder named by the environment (resolved), if any."""
    env = os.environ.get("NEWSDESK_CACHE_DIR")
    return {os.path.realpath(env)} if env else set()


def _special_folder(path: Path, caches: set[str]) -> str | None:
    """ "report output" / "cache" for folders that Newsdesk writes, else None."""
    try:
        if (path / OUTPUT_MARKER).is_file():
            return "report output"
        if (path / CACHE_TAG).is_file() or os.path.realpath(path) in caches:
            return "cache"
    except OSError:
        return None
    return None


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

    Hidden folders (``.git``...), symlinked folders, report output roots and caches are
    not entered, and folders that cannot be listed are "unreadable": each is one "skip"
    entry so that nothing disappears silently. A file that is a symlink leading outside
    ``root`` is read, with a note.
    """
    exclude = list(exclude)
    entries: list[Entry] = []
    caches = _cache_dirs()
    real_root = os.path.realpath(root)

    def unreadable(err: OSError) -> None:
        where = Path(err.filename) if err.filename else root
        rel = where.relative_to(root).as_posix() if where != root else "."
        shown, _ = display_path(rel)
        entries.append(Entry(where, shown + "/", "skip", "unreadable", f"cannot list: {err}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        base = Path(dirpath)
        keep = []
        for d in dirnames:
            rel, _ = display_path((base / d).relative_to(root).as_posix())
            special = _special_folder(base / d, caches)
            if special:
                entries.append(Entry(base / d, rel + "/", "skip", special, "written by Newsdesk"))
            elif _is_hidden(d):
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
            rel, note = display_path(p.relative_to(root).as_posix())
            entry = classify(p, rel, exclude=exclude, sidecar_auto=sidecar_auto)
            if entry.kind != "skip" and p.is_symlink():
                target = os.path.realpath(p)
                if os.path.commonpath([real_root, target]) != real_root:
                    note = "; ".join(
                        filter(None, [note, f"symlink leads outside the corpus: {target}"])
                    )
            entry.detail = "; ".join(filter(None, [entry.detail, note]))
            entries.append(entry)
    entries.sort(key=lambda e: e.rel)
    return entries
