"""Private: running the reports of a run at once (``--jobs``): how many, and the threads.

Each report runs in its own kernel process; :func:`_run_all` waits on them from worker
threads (which cost no CPU) and hands the results back in the plans' order, so results,
records, ``run.json`` and the index are those of a run one after the other.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.errors import ReportError
from analysis.reports._execute import ReportResult
from analysis.reports._plan import _Plan

__all__ = ["MAX_DEFAULT_JOBS", "default_jobs"]

#: The most reports :func:`default_jobs` runs at once (each kernel holds the corpus and
#: its annotations in memory).
MAX_DEFAULT_JOBS = 3


def default_jobs(n_reports: int) -> int:
    """How many of ``n_reports`` reports run at once by default: one more than the CPUs this
    process may use (its affinity mask, so a container's or ``taskset``'s limit counts)
    when there are two or more, else one; at most :data:`MAX_DEFAULT_JOBS` and at most
    ``n_reports``. The extra report keeps the CPUs busy while the others start their
    kernels or wait for the runner to write their pages (on 2 cores the BBC suite took
    20 s with 3 at once against 23-26 s with 2, with another job on the machine).

    Example:
        >>> default_jobs(3)  # on a 2-core machine
        3
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    wanted = cpus + 1 if cpus >= 2 else 1
    return max(1, min(n_reports, wanted, MAX_DEFAULT_JOBS))


def _start_renderer_warm_up(resources_dir: Path) -> None:
    """Warm nbconvert up in a daemon thread (see :func:`warm_up_renderer`): the runner waits
    on its kernels meanwhile, and the first report's page is then rendered at once."""
    import contextlib
    import threading

    from analysis.reports._files import warm_up_renderer

    def warm() -> None:
        # only a head start: a real failure shows when a page is rendered
        with contextlib.suppress(Exception):
            warm_up_renderer(resources_dir)

    threading.Thread(target=warm, name="newsdesk-warm-up", daemon=True).start()


def _check_jobs(jobs: Any, n_reports: int) -> int:
    if jobs is None:
        return default_jobs(n_reports)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ReportError(f"jobs={jobs!r} is not valid; expected a whole number >= 1 or None")
    return min(jobs, n_reports)


def _run_all(
    plans: Sequence[_Plan],
    execute: Any,
    *,
    jobs: int,
    after_each: Any,
) -> list[ReportResult]:
    """``execute(plan)`` for every plan, ``jobs`` at a time; results in the plans' order.

    With ``jobs > 1`` the reports run in worker threads (each waits on its own kernel
    process, so the threads cost no CPU), started in the plans' order. A report whose
    notebook fails is a ``failed`` result, as one after the other; an exception that
    escapes ``execute`` (a disk error writing the record) does not stop the reports
    already running or queued, and the first one is raised when all have finished.
    ``after_each`` runs in the calling thread after each report. On Ctrl-C no further
    report starts; the threads are daemons, and the kernels they wait on end with this
    process (ipykernel watches its parent), leaving temporaries the next run removes.
    """
    if jobs <= 1:
        results = []
        for plan in plans:
            results.append(execute(plan))
            after_each()
        return results
    import queue
    import threading

    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(plans)):
        todo.put(i)
    done: queue.SimpleQueue[int] = queue.SimpleQueue()
    out: list[ReportResult | None] = [None] * len(plans)
    errors: list[BaseException | None] = [None] * len(plans)
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            try:
                out[i] = execute(plans[i])
            except BaseException as exc:  # handed to the calling thread
                errors[i] = exc
            done.put(i)

    threads = [
        threading.Thread(target=worker, name=f"newsdesk-report-{k + 1}", daemon=True)
        for k in range(jobs)
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in plans:
            while True:
                try:
                    done.get(timeout=0.5)  # a timeout: Ctrl-C is seen at once
                    break
                except queue.Empty:
                    continue
            after_each()
    except BaseException:
        stop.set()
        raise
    for thread in threads:
        thread.join()
    for error in errors:
        if error is not None:
            raise error
    return [r for r in out if r is not None]
