"""Private: file-system helpers of the annotation cache (atomic writes, one-line errors).

Every file is written to a temporary name in the same folder, fsynced, then renamed, so a
reader never sees half a file. An error that means "this process may not write here"
(:func:`is_read_only_error`) makes the cache read-only; any other becomes a one-line
:class:`~analysis.errors.CacheError` naming the path (:func:`cache_error`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import CacheError

__all__ = ["atomic_write_table", "cache_error", "fsync_dir", "is_read_only_error"]

#: errno values that mean "this process may not write here" (not a fault of the cache).
_READ_ONLY_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def is_read_only_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _READ_ONLY_ERRNOS


def cache_error(action: str, path: Path | str, exc: BaseException) -> CacheError:
    """A one-line CacheError: what could not be done, to which path, and why."""
    where = getattr(exc, "filename", None) or path
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    reason = " ".join(str(reason).split())
    return CacheError(f"annotate(): cannot {action} {str(where)!r}: {reason}")


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_table(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)
