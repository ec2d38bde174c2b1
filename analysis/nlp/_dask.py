"""Private: the Dask annotation engine, ``annotate(corpus, engine="dask")``.

``annotate(corpus, engine="dask")`` sends chunks of the texts missing from the cache to
Dask workers. Each worker loads the spaCy model once (``load_model`` is cached per
process) and returns plain Arrow rows, which the caller writes to the same annotation
store as the local engine: the results are identical.

With ``scheduler=None`` a ``LocalCluster`` of 2 single-threaded worker processes is
started for the run and closed afterwards; pass ``"tcp://host:8786"`` (or a
``distributed.Client``) to use a running cluster, whose workers need this package and
a spaCy model installed.

Reading sharded corpora and counting their terms with Dask: :mod:`analysis.corpus.shards`,
:mod:`analysis.analyses.terms_dask`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from analysis.errors import AnalysisInputError

__all__ = ["run_dask"]

#: Texts per Dask task.
_TASK_DOCS = 64


def _annotate_task(keys: list[str], texts: list[str], model_name: str | None, batch_size: int):
    """One Dask task: annotate a chunk of texts on a worker (model loaded once per worker)."""
    from analysis.nlp._texts import annotate_texts
    from analysis.nlp.models import load_model

    nlp = load_model(fast=True, name=model_name)
    return annotate_texts(texts, keys=keys, nlp=nlp, batch_size=batch_size)


@contextlib.contextmanager
def _client(scheduler: Any):
    from distributed import Client, LocalCluster

    if scheduler is None:
        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    elif isinstance(scheduler, Client):
        yield scheduler
    elif isinstance(scheduler, str):
        with Client(scheduler) as client:
            yield client
    else:
        raise AnalysisInputError(
            f"annotate(): scheduler={scheduler!r} is not valid; expected None (a local "
            "2-worker cluster), a scheduler address such as 'tcp://127.0.0.1:8786', or a "
            "distributed.Client"
        )


def run_dask(
    keys: Sequence[str],
    texts: Sequence[str],
    *,
    model_name: str | None,
    batch_size: int,
    scheduler: Any = None,
) -> Iterator[pa.Table]:
    """Annotate ``texts`` on Dask workers; yield raw Arrow tables as tasks finish."""
    from distributed import as_completed

    with _client(scheduler) as client:
        futures = [
            client.submit(
                _annotate_task,
                list(keys[i : i + _TASK_DOCS]),
                list(texts[i : i + _TASK_DOCS]),
                model_name,
                batch_size,
                pure=False,
            )
            for i in range(0, len(keys), _TASK_DOCS)
        ]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            client.cancel(futures)
