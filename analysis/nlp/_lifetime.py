"""Process lifetime for annotation runs: workers die with their parent, SIGTERM stops cleanly.

* :func:`die_with_parent` runs first in every worker process. On Linux it asks the kernel
  (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) to kill the worker the moment its parent dies,
  kill -9 included; everywhere, a daemon thread also checks every
  :data:`WATCHDOG_INTERVAL_S` seconds that the parent is still the one that started the
  worker, and ends the worker when it is not (the portable fallback). Workers also ignore
  SIGINT (a terminal's Ctrl-C reaches the whole process group: the parent stops them) and
  take the default SIGTERM action (a forked worker would inherit the parent's handler).
  Once the parent and its workers are gone, multiprocessing's resource tracker, which
  waits for all of them to close its pipe, exits on its own.
* :func:`sigterm_as_interrupt` turns a SIGTERM sent to the annotating process into a
  :class:`Terminated` exception (a ``KeyboardInterrupt``), so it takes the same path as
  Ctrl-C: finished cache parts are kept, the workers are stopped, claims are released.
  At the end of the ``with`` block the process then ends with the default SIGTERM action
  (status 143 in a shell), as it would have at once, but after that cleanup and without
  a traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

__all__ = ["WATCHDOG_INTERVAL_S", "Terminated", "die_with_parent", "sigterm_as_interrupt"]

log = logging.getLogger("analysis")

#: How often a worker checks that its parent is alive (the portable fallback).
WATCHDOG_INTERVAL_S = 0.5
_PR_SET_PDEATHSIG = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM received during an annotation run (handled like Ctrl-C)."""


def _set_pdeathsig() -> bool:
    """Linux: the kernel sends SIGKILL to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int, interval_s: float) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # the parent is gone: nobody will read this worker's results
        time.sleep(interval_s)


def die_with_parent(parent_pid: int, *, interval_s: float = WATCHDOG_INTERVAL_S) -> None:
    """Make this (worker) process end when ``parent_pid`` is no longer its parent.

    Call it at the start of a worker process, with the pid of the process that started
    it (passed from the parent: ``os.getppid()`` in the worker could already be wrong).
    """
    with contextlib.suppress(ValueError):  # not the main thread: keep the handlers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _set_pdeathsig()
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(
        target=_watch_parent, args=(parent_pid, interval_s), name="parent-watchdog", daemon=True
    ).start()


def _die_of_sigterm(what: str) -> None:
    """Log one line, then end the process with the default SIGTERM action."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    log.warning("%s: stopped by SIGTERM; finished work is kept in the cache", what)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.kill(os.getpid(), signal.SIGTERM)
    raise SystemExit(128 + signal.SIGTERM)  # only if the signal is blocked


@contextlib.contextmanager
def sigterm_as_interrupt(what: str = "annotate()") -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated`; after cleanup the process ends.

    Only when SIGTERM has its default action (which would kill the process on the spot,
    leaving its workers behind) and this is the main thread; a program that handles or
    ignores SIGTERM itself keeps its handler. The first SIGTERM raises; more during the
    cleanup are ignored. When the block is left after a SIGTERM (the ``finally`` and
    ``except`` clauses inside it have run), a one-line message is logged and the process
    ends with the default SIGTERM action, exactly as it would have without the handler
    (exit status 143 in a shell, -15 for ``subprocess``).
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    received: list[int] = []

    def handler(signum, frame):
        if received:
            return
        received.append(signum)
        raise Terminated(f"{what} stopped by SIGTERM")

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except BaseException:
        if received:
            _die_of_sigterm(what)
        raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if received:  # caught and swallowed inside the block, or arrived while leaving it
        _die_of_sigterm(what)
