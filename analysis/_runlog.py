"""What the report runner prints: timestamped lines, kernel noise kept out, progress.

- :func:`say`: one line ``2026-12-03T06:30:01Z [daily] term_frequency: ok in 8.2 s`` (UTC
  timestamp, run name) on stdout; nothing when quiet.
- :func:`kernel_manager_class`: kernels are started with the IPC transport (Unix sockets in
  Jupyter's runtime folder) rather than TCP on localhost, so ipykernel does not print
  "Kernel is running over TCP without encryption" into cron logs (the sockets are private
  to the user, which is also safer).
- :func:`runner_progress`: the runner starts each report's kernel with
  ``NEWSDESK_PROGRESS=1`` and ``NEWSDESK_REPORT=<report>`` in its environment; long steps
  inside the kernel (a cold annotation) then write "entity_cooccurrence: annotating:
  500/2,225 documents" lines to the kernel's own stderr, which is the runner's, not to
  the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = [
    "kernel_manager_class",
    "run_label",
    "runner_progress",
    "running_as",
    "say",
    "set_run_name",
]

_ENV = "NEWSDESK_PROGRESS"
_REPORT_ENV = "NEWSDESK_REPORT"
_print_lock = threading.Lock()
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
    stream = sys.stderr if err else sys.stdout
    with _print_lock:  # one write per line: lines of reports run in parallel do not mix
        stream.write(prefix + message + "\n")
        stream.flush()


def _ipc_prefix() -> str:
    """A new, absolute path prefix for one kernel's Unix sockets (``<prefix>-1`` ... ``-5``).

    jupyter_client's default is ``kernel-ipc`` relative to the current folder, so two
    kernels started at once (reports run in parallel, or two runs from one folder) could
    pick the same sockets. The prefix is in Jupyter's runtime folder (private to the user),
    or the temporary folder when that path would be too long for a socket.
    """
    import tempfile
    import uuid

    name = f"nd-{uuid.uuid4().hex[:16]}-ipc"
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        folder = jupyter_runtime_dir()
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        folder = tempfile.gettempdir()
    path = os.path.join(folder, name)
    if len(path) + 3 > 100:  # sun_path holds 108 bytes
        path = os.path.join(tempfile.gettempdir(), name)
    return path


def kernel_manager_class(
    *, progress: bool = False, report: str | None = None, cwd: str | os.PathLike[str] | None = None
) -> type:
    """An ``AsyncKernelManager`` that connects to its kernel over IPC (Unix sockets).

    Each kernel gets sockets of its own (:func:`_ipc_prefix`). Its environment also says
    whether to write progress lines (``NEWSDESK_PROGRESS``, see :func:`runner_progress`) and
    for which report (``NEWSDESK_REPORT``, named on those lines), and it starts in ``cwd``.
    These are given to the kernel process only, not set in this process (no ``os.chdir``,
    no change to ``os.environ``), so reports run in parallel threads each get their own.
    Its client re-polls while it waits (:mod:`analysis._kernel_client`: a run could hang).
    """
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    extra = {_ENV: "1" if progress else "0"}
    if report:
        extra[_REPORT_ENV] = report
    folder = os.fspath(cwd) if cwd is not None else None

    class IPCKernelManager(AsyncKernelManager):  # type: ignore[misc, valid-type]
        @default("client_factory")
        def _client_factory_default(self) -> type:
            from analysis._kernel_client import PollingKernelClient  # jupyter/nbclient#312

            return PollingKernelClient

        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return _ipc_prefix()

        async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
            env = dict(kw.pop("env", None) or os.environ)
            env.update(extra)
            if folder is not None:
                kw["cwd"] = folder
            await super().start_kernel(env=env, **kw)

    return IPCKernelManager


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
    report = os.environ.get(_REPORT_ENV)
    where = f"{report}: " if report else ""
    with contextlib.suppress(OSError, ValueError):
        stream.write(f"{_stamp()} {where}{what}: {done:,}/{total:,} documents\n")
        stream.flush()
