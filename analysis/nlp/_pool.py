"""Private: the local annotation engine, a pool of worker processes.

Each worker loads the spaCy model once (with ``fork``, the parent loads it first and the
workers share it) and annotates chunks of ``_CHUNK_DOCS`` texts with
:func:`analysis.nlp._texts.annotate_texts`. Workers die with the run
(:func:`analysis.nlp._lifetime.die_with_parent`); when the pool breaks (a worker killed,
or a script without a ``__main__`` guard under ``spawn``), the rest is annotated in this
process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from analysis.nlp._lifetime import die_with_parent
from analysis.nlp._texts import _analyzer, annotate_texts
from analysis.nlp.models import load_model

if TYPE_CHECKING:
    import spacy

__all__ = ["run_local"]

#: Documents per task sent to a worker process.
_CHUNK_DOCS = 32

_WORKER: dict[str, Any] = {}


def _worker_init(model_name: str, batch_size: int, parent_pid: int | None = None) -> None:
    if parent_pid is not None:
        die_with_parent(parent_pid)  # no orphaned workers after kill -9 of the run
    _WORKER["nlp"] = load_model(fast=True, name=model_name)
    _WORKER["batch_size"] = batch_size
    _analyzer()


def _worker_run(keys: list[str], texts: list[str]) -> pa.Table:
    return annotate_texts(texts, keys=keys, nlp=_WORKER["nlp"], batch_size=_WORKER["batch_size"])


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _mp_context():
    """fork when safe (no other Python threads): no re-import; else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run_local(
    keys: list[str],
    texts: list[str],
    *,
    model_name: str | None,
    nlp: spacy.Language | None,
    n_process: int,
    batch_size: int,
) -> Iterator[pa.Table]:
    """Annotate ``texts`` here (``n_process == 1`` or a custom ``nlp``) or in worker
    processes; yield raw Arrow tables as chunks finish, in any order."""
    if n_process == 1 or nlp is not None:
        if nlp is None:
            nlp = load_model(fast=True, name=model_name)
        for kchunk, tchunk in zip(
            _chunks(keys, _CHUNK_DOCS), _chunks(texts, _CHUNK_DOCS), strict=True
        ):
            yield annotate_texts(tchunk, keys=kchunk, nlp=nlp, batch_size=batch_size)
        return
    ctx = _mp_context()
    if ctx.get_start_method() == "fork":
        load_model(fast=True, name=model_name)  # loaded once, shared by the forked workers
    jobs = list(zip(_chunks(keys, _CHUNK_DOCS), _chunks(texts, _CHUNK_DOCS), strict=True))
    executor = ProcessPoolExecutor(
        max_workers=n_process,
        mp_context=ctx,
        initializer=_worker_init,
        initargs=(model_name, batch_size, os.getpid()),
    )
    pending: dict[Future, int] = {}
    finished: set[int] = set()
    completed = False
    try:
        next_job = 0
        while next_job < len(jobs) or pending:
            while next_job < len(jobs) and len(pending) < 2 * n_process + 1:
                pending[executor.submit(_worker_run, *map(list, jobs[next_job]))] = next_job
                next_job += 1
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                table = fut.result()
                finished.add(job)
                yield table
        completed = True
    except BrokenProcessPool:
        # A worker died: killed, out of memory, or (with "spawn") a script that starts
        # annotate() without an `if __name__ == "__main__":` guard. Finish here.
        warnings.warn(
            f"annotate(): the worker processes stopped ({ctx.get_start_method()} start "
            "method); annotating the rest in this process. In a script, call annotate() "
            'under `if __name__ == "__main__":`, or pass n_process=1.',
            RuntimeWarning,
            stacklevel=3,
        )
        nlp = load_model(fast=True, name=model_name)
        for job, (kchunk, tchunk) in enumerate(jobs):
            if job not in finished:
                yield annotate_texts(tchunk, keys=kchunk, nlp=nlp, batch_size=batch_size)
    finally:
        if not completed:  # interrupted or broken: do not wait for chunks in progress
            # No fut.cancel() here: the executor's manager thread marks every pending
            # future failed when the workers stop, and on Python 3.11 it raises (printing a
            # traceback, "InvalidStateError: CANCELLED") for one that was cancelled first.
            _stop_workers(executor)
        executor.shutdown(wait=True, cancel_futures=completed)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Terminate the executor's worker processes now (their results are not wanted)."""
    procs = list((getattr(executor, "_processes", None) or {}).values())
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
