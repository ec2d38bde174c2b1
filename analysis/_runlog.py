"""What the report runner prints: timestamped lines, kernel noise kept out, progress.

- :func:`say`: one line ``2026-12-03T06:30:01Z [daily] term_frequency: ok in 8.2 s`` (UTC
  timestamp, run name) on stdout; nothing when quiet.
- :func:`kernel_manager_class`: kernels are started with the IPC transport (Unix sockets in
  Jupyter's runtime folder) rather than TCP on localhost, so ipykernel does not print
  "Kernel is running over TCP without encryption" into cron logs (the sockets are private
  to the user, which is also safer).
- :func:`report_progress` / :func:`runner_progress`: while a report notebook runs, the
  runner sets ``NEWSDESK_PROGRESS=1`` in the kernel's environment; long steps inside the
  kernel (a cold annotation) then write "annotating: 500/2,225 documents" lines to the
  kernel's own stderr, which is the runner's, not to the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

__all__ = [
    "kernel_manager_class",
    "report_progress",
    "run_label",
    "runner_progress",
    "running_as",
    "say",
    "set_run_name",
]

_ENV = "NEWSDESK_PROGRESS"
_last: dict[str, float] = {}
_run: dict[str, str | None] = {"name": None}


def set_run_name(name: str | None) -> None:
    """The run name :func:`say` puts on every line (a schedule's name, a corpus's)."""
    _run["name"] = name


@contextlib.contextmanager
def running_as(name: str | None) -> Iterator[None]:
    """Within the block, :func:`say` names this run (unless an outer block named one)."""
    old = _run["name"]
    _run["name"] = old or name
    try:
        yield
    finally:
        _run["name"] = old


def run_label(corpus: Any) -> str | None:
    """A short run name from a corpus path: its last component (``bbc``, ``feed.csv``)."""
    if not corpus:
        return None
    return os.path.basename(os.path.normpath(os.fspath(corpus))) or None


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def say(message: str, *, run: str | None = None, quiet: bool = False, err: bool = False) -> None:
    """Print ``message`` with a UTC timestamp and the run name (nothing when ``quiet``).

    Example:
        >>> say("term_frequency: ok", run="daily")  # doctest: +SKIP
        2026-12-03T06:30:01Z [daily] term_frequency: ok
    """
    if quiet:
        return
    run = run or _run["name"]
    prefix = f"{_stamp()} [{run}] " if run else f"{_stamp()} "
    print(prefix + message, file=sys.stderr if err else sys.stdout, flush=True)


def kernel_manager_class() -> type:
    """An ``AsyncKernelManager`` that connects to its kernel over IPC (Unix sockets)."""
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):  # type: ignore[misc, valid-type]
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

    return IPCKernelManager


@contextlib.contextmanager
def report_progress(enabled: bool) -> Iterator[None]:
    """Set ``NEWSDESK_PROGRESS`` for kernels started inside the block (when enabled)."""
    old = os.environ.get(_ENV)
    os.environ[_ENV] = "1" if enabled else "0"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(_ENV, None)
        else:
            os.environ[_ENV] = old


def runner_progress(what: str, done: int, total: int, *, every: float = 5.0) -> None:
    """Inside a report kernel: "annotating: 500/2,225 documents" on the runner's stderr.

    Written at most every ``every`` seconds (and at the end), only when the runner asked
    for it (``NEWSDESK_PROGRESS=1``). Elsewhere it does nothing.
    """
    if os.environ.get(_ENV) != "1":
        return
    now = time.monotonic()
    if done < total and now - _last.get(what, 0.0) < every:
        return
    _last[what] = now
    stream: Any = sys.__stderr__
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(f"{_stamp()} {what}: {done:,}/{total:,} documents\n")
        stream.flush()
