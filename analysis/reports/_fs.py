"""Private: the report runner's file-system safety: a writable output folder checked before
any kernel starts, one-line errors naming the path, stale temporary files cleaned.

Temporary files are named by :func:`analysis.reports._files.temp_name`:
``.<stem>.<pid>.<8 hex>.tmp`` (or ``.tmp.ipynb``). A run stopped by SIGTERM or ``kill -9``
cannot remove its own; the next run in that folder removes those whose process is gone
(or that are older than a day, in case the process id was reused).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time
from pathlib import Path

from analysis.errors import ReportError

_TEMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.tmp(?:\.ipynb)?$")
#: Temporary files older than this are stale even when their process id is in use again.
STALE_AFTER_SECONDS = 24 * 3600


def describe_os_error(exc: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """One line naming the path and the reason, e.g. ``cannot write '/srv/r': Read-only
    file system``."""
    where = path if path is not None else exc.filename
    reason = exc.strerror or (errno.errorcode.get(exc.errno or 0) if exc.errno else None)
    reason = reason or str(exc) or type(exc).__name__
    return f"{str(where)!r}: {reason}" if where is not None else reason


def check_writable(root: Path) -> None:
    """Create ``root`` if needed and write (then remove) a probe file in it; a ReportError
    naming the folder when that fails (read-only, not a folder, no permission)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".newsdesk-write-test.{os.getpid()}.{secrets.token_hex(4)}"
        with open(probe, "x", encoding="utf-8"):
            pass
        probe.unlink()
    except OSError as exc:
        other = exc.filename is not None and Path(exc.filename) != root
        reason = describe_os_error(exc) if other else (exc.strerror or str(exc))
        raise ReportError(
            f"output folder {str(root)!r} is not writable: {reason}; "
            "choose another with -o/--output-root (output_root=)"
        ) from None


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists but belongs to someone else (or cannot tell): keep its files
    return True


def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files in ``folder`` left by runs that no longer exist; returns them.

    Example:
        >>> clean_stale_temporaries(Path("reports/2026-11-25"))
        [PosixPath('reports/2026-11-25/.sentiment.4242.1a2b3c4d.tmp.ipynb')]
    """
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    now = time.time()
    for path in entries:
        m = _TEMP.match(path.name)
        if not m or not path.is_file() or path.is_symlink():
            continue
        try:
            old = now - path.stat().st_mtime > STALE_AFTER_SECONDS
        except OSError:
            continue
        if old or not _process_alive(int(m.group(1))):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed
