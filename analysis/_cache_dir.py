"""Where Newsdesk caches what it computes: annotations, and corpus snapshots beside them.

Shared by the annotation store (:mod:`analysis.nlp.store`) and the corpus snapshot
(:mod:`analysis.corpus.snapshot`, in ``snapshots/`` beside the annotations folder).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_cache_dir"]

_ENV_VAR = "NEWSDESK_CACHE_DIR"


def _project_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return None


def default_cache_dir() -> Path:
    """Where annotations are cached when ``cache_dir`` is not given.

    ``$NEWSDESK_CACHE_DIR`` when set; else ``data/.cache/annotations`` under the project
    root (the nearest folder above the working directory holding ``pyproject.toml`` or
    ``.git``, so notebooks run from a subfolder share the cache); else the user's cache
    folder, ``$XDG_CACHE_HOME/newsdesk/annotations`` (``~/.cache/newsdesk/annotations``),
    so a session started elsewhere does not litter its working directory.

    Example:
        >>> default_cache_dir().name
        'annotations'
    """
    env = os.environ.get(_ENV_VAR)
    if env:
        return Path(env).expanduser()
    root = _project_root(Path.cwd())
    if root is not None:
        return root / "data" / ".cache" / "annotations"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "newsdesk" / "annotations"
