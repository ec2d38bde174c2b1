"""Annotate a corpus once: sentences, entity mentions and sentence sentiment, cached on disk.

:func:`annotate` runs spaCy's fast pipeline (:func:`analysis.nlp.models.load_model`:
rule-based sentence splitter + NER) and vaderSentiment on every *distinct* document text not
yet in the annotation cache (:mod:`analysis.nlp.store`), in batches streamed through worker
processes, and returns an :class:`analysis.Annotations` for the whole corpus.

How a run goes:

1. ``document_text(corpus)`` per document (title, blank line, body) and its content hash;
   documents with the same text (syndicated copies) are annotated once.
2. The cache is read for those hashes; only missing texts are annotated
   (:func:`analysis.nlp._texts.annotate_texts`, in worker processes of
   :mod:`analysis.nlp._pool` or on Dask, :mod:`analysis.nlp._dask`). Each worker turns its
   spaCy ``Doc`` objects into plain rows at once and scores each sentence with VADER in
   the same pass.
3. Every ``PART_DOCS`` documents a Parquet part is written atomically, so an interrupted
   run keeps its work and the next run continues where it stopped. The rows are not
   kept in memory meanwhile: once the workers have stopped they are read back from the
   cache, one part at a time, split by kind and without their hash column. Texts that
   another run is annotating into the same cache are waited for, not annotated again
   (:mod:`analysis.nlp._claims`); workers die with the run, and SIGTERM stops it like
   Ctrl-C (:mod:`analysis.nlp._lifetime`).
4. The raw rows are mapped back to every ``doc_id`` (corpus order) and entity names are
   normalised (:mod:`analysis.nlp._assemble`; memoised per alias table, so changing
   aliases costs milliseconds and no spaCy run). The output frames are built column by
   column in Arrow from single-chunk tables and converted to pandas once
   (benchmarks/bench_annotate.py: a 10x corpus peaks at 1.32x the memory of the 1x one).

How each text is annotated (one spaCy ``Doc`` per line, trimmed spans, masked names) is
described in :mod:`analysis.nlp._texts`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._runlog import runner_progress
from analysis._validate import (
    document_text,
    require_choice,
    require_columns,
    require_nonempty,
    require_positive_int,
)
from analysis.errors import AnalysisInputError, CacheError
from analysis.nlp._assemble import _Rows, corpus_frames
from analysis.nlp._claims import claim_rounds
from analysis.nlp._lifetime import sigterm_as_interrupt
from analysis.nlp._pool import run_local
from analysis.nlp._texts import (
    DEFAULT_BATCH_SIZE,
    annotate_texts,
    lexicon_description,
    store_meta,
)
from analysis.nlp.annotations import Annotations
from analysis.nlp.models import model_description, model_package_version, resolve_model_name
from analysis.nlp.store import TEXT_KIND, AnnotationStore, default_cache_dir, text_hash

if TYPE_CHECKING:
    import spacy

__all__ = ["PART_DOCS", "annotate", "annotate_texts", "lexicon_description"]

log = logging.getLogger("analysis")

#: Documents per cache part: an interrupted run loses at most this many.
PART_DOCS = 256
#: Below this many texts to annotate, worker processes cost more than they save.
_MIN_DOCS_FOR_PROCESSES = 200
_ENGINES = ("local", "dask")


def _after_part_written(n_done: int) -> None:
    """Hook called after each cache part is written (tests use it to interrupt a run)."""


def _resolve_model(model: Any) -> tuple[str | None, spacy.Language | None, str]:
    """(package name, custom Language or None, description) of the ``model`` argument."""
    if model is None or isinstance(model, str):
        name = resolve_model_name(model)
        return name, None, f"{name} {model_package_version(name)}".strip()
    if hasattr(model, "pipe") and hasattr(model, "pipe_names"):
        return None, model, model_description(model)
    raise AnalysisInputError(
        f"annotate(): model={model!r} is not valid; expected None (an installed English "
        "model), a spaCy model package name, or a loaded spacy.Language"
    )


def _default_n_process(n_texts: int) -> int:
    if n_texts <= _MIN_DOCS_FOR_PROCESSES:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def annotate(
    corpus: pd.DataFrame,
    *,
    cache_dir: str | os.PathLike[str] | Literal[False] | None = None,
    aliases: Any = None,
    n_process: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    engine: Literal["local", "dask"] = "local",
    scheduler: Any = None,
    progress: bool = True,
    model: Any = None,
) -> Annotations:
    """Sentences, entity mentions and sentence sentiment of every document, cached.

    Args:
        corpus: one row per document with columns ``doc_id`` and ``text`` (and usually
            ``title``); the text annotated is ``document_text(corpus)``.
        cache_dir: the annotation cache root; None uses :func:`analysis.nlp.store.default_cache_dir`
            (``$NEWSDESK_CACHE_DIR`` or ``<project>/data/.cache/annotations``); False
            disables the cache.
        aliases: the entity alias table for the ``name`` column: None (default table),
            a mapping alias -> name, or a CSV path (see :mod:`analysis.nlp.normalize`).
        n_process: worker processes for the local engine; None uses up to 2 when more
            than 200 texts need annotating, else 1.
        batch_size: texts per spaCy ``nlp.pipe`` batch.
        engine: "local" (this machine, worker processes) or "dask" (a Dask cluster).
        scheduler: for ``engine="dask"``: a scheduler address ("tcp://host:8786"), a
            ``distributed.Client``, or None to start a local 2-worker cluster.
        progress: show a tqdm progress bar over the documents annotated.
        model: None (an installed English model, see :func:`analysis.nlp.models.load_model`),
            a model package name, or a loaded ``spacy.Language`` (run in this process).

    Returns:
        Annotations with ``sentences`` and ``entities`` frames for every document in
        corpus order, ``model``, ``lexicon`` and ``stats`` (n_docs, n_unique_texts,
        n_cached, n_annotated, seconds, cache_dir, engine, n_process). ``n_annotated``
        counts the texts this call annotated; texts another run annotated into the
        same cache meanwhile count as cached.

    Raises:
        AnalysisInputError: corpus is not a DataFrame, lacks columns, is empty, or an
            option is invalid.
        CacheError: the cache folder cannot be used.

    Example:
        >>> ann = annotate(corpus, progress=False)  # doctest: +SKIP
        >>> ann.entities[["doc_id", "text", "label", "name"]].head()  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    _check_options(corpus, engine=engine, batch_size=batch_size, n_process=n_process)
    model_name, custom_nlp, model_desc = _resolve_model(model)
    store = AnnotationStore(_cache_root(cache_dir), meta=store_meta(model_desc, custom_nlp))

    texts = document_text(corpus).tolist()
    keys = [text_hash(t) for t in texts]
    unique: dict[str, int] = {}
    for i, key in enumerate(keys):
        unique.setdefault(key, i)
    unique_arr = pa.array(list(unique), pa.string())
    rows = _Rows(unique_arr)
    known = rows.add(store.iter_read(list(unique)))
    text_of = {k: texts[i] for j, (k, i) in enumerate(unique.items()) if j not in known}
    del texts
    n_proc_used: int | None = 0
    n_annotated = 0
    if text_of:
        n_proc_used, n_annotated = _annotate_missing(
            store,
            rows,
            text_of,
            engine=engine,
            model_name=model_name,
            custom_nlp=custom_nlp,
            n_process=n_process,
            batch_size=batch_size,
            scheduler=scheduler,
            progress=progress,
        )

    # Output rows are in corpus order: each document gets the rows of its text's code.
    doc_codes = np.asarray(pc.index_in(pa.array(keys, pa.string()), value_set=unique_arr))
    doc_ids = pa.array(corpus["doc_id"].astype(str).to_numpy(), pa.string())
    del keys
    sentences, entities = corpus_frames(store, rows, doc_codes, doc_ids, unique_arr, aliases)
    layer_memo = dict(
        store=store,
        aliases_fp=_aliases_fp(aliases),
        doc_ids=corpus["doc_id"].astype(str).to_numpy(),
        doc_codes=doc_codes,
        unique_keys=unique_arr,
    )
    stats = _run_stats(corpus, len(unique), n_annotated, n_proc_used, store, engine, t0)
    return Annotations(
        sentences=sentences,
        entities=entities,
        model=model_desc,
        lexicon=lexicon_description(),
        stats=stats,
        _layer=functools.partial(_document_layer, frames=(sentences, entities), **layer_memo),
    )


def _aliases_fp(aliases: Any) -> str:
    from analysis.nlp.normalize import aliases_fingerprint

    return aliases_fingerprint(aliases)


def _document_layer(ann: Annotations, *, frames: tuple, **memo: Any) -> pd.DataFrame:
    """:attr:`Annotations.document_entities` of an :func:`annotate` result, memoised; computed
    directly when its frames are not the ones annotate() returned (``dataclasses.replace``)."""
    from analysis.nlp._layer_cache import _computed, cached_document_entities

    if ann.sentences is not frames[0] or ann.entities is not frames[1]:
        return _computed(ann.entities, ann.sentences)
    return cached_document_entities(ann.entities, ann.sentences, **memo)


def _check_options(
    corpus: Any, *, engine: Any, batch_size: Any, n_process: Any, func: str = "annotate"
) -> None:
    require_columns(corpus, ["doc_id", "text"], func=func)
    require_nonempty(corpus, func=func)
    require_choice(engine, _ENGINES, func=func, arg="engine")
    require_positive_int(batch_size, func=func, arg="batch_size")
    if n_process is not None:
        require_positive_int(n_process, func=func, arg="n_process")
    if corpus["doc_id"].isna().any():
        raise AnalysisInputError(f"{func}(): corpus has missing doc_id values; every row needs one")


def _cache_root(cache_dir: Any) -> Path | None:
    """The cache folder of the ``cache_dir`` argument (None: no cache)."""
    if cache_dir is False:
        return None
    if cache_dir is None:
        return default_cache_dir()
    if isinstance(cache_dir, (str, os.PathLike)):
        return Path(cache_dir)
    raise AnalysisInputError(
        f"annotate(): cache_dir={cache_dir!r} is not valid; expected a folder path, "
        "None (default cache) or False (no cache)"
    )


def _annotate_missing(
    store: AnnotationStore, rows: _Rows, text_of: dict[str, str], **engine_options: Any
) -> tuple[int | None, int]:
    """Annotate the texts of ``text_of`` (hash -> text) into the cache and add their rows
    to ``rows``; returns (processes used, texts annotated by this call).

    ``text_of`` is emptied once the texts are annotated, before the rows are read back.
    """
    if engine_options["engine"] == "dask" and engine_options["custom_nlp"] is not None:
        raise AnalysisInputError(
            "annotate(): engine='dask' needs a model package name (model=None or a "
            "str); a loaded spacy.Language cannot be sent to Dask workers"
        )
    missing = list(text_of)
    n_proc_used: int | None = 0
    n_annotated = 0
    # SIGTERM stops like Ctrl-C (finished parts kept); texts another run is
    # annotating into the same cache are waited for, not annotated twice.
    with sigterm_as_interrupt(), contextlib.closing(claim_rounds(store, missing)) as rounds:
        for todo in rounds:
            texts = [text_of[k] for k in todo]
            n_proc_used = _annotate_into(store, todo, texts, **engine_options)
            n_annotated += len(todo)
    text_of.clear()
    gc.collect()
    # The new rows are read back from the cache rather than kept while annotating:
    # the worker processes are gone by now, so the peak memory stays lower.
    if len(rows.add(store.iter_read(missing))) != len(missing):
        raise CacheError(
            f"annotate(): the annotation cache {str(store.folder)!r} lost rows written "
            "by this run (deleted or moved while it ran?); run annotate() again"
        )
    return n_proc_used, n_annotated


def _run_stats(
    corpus: pd.DataFrame,
    n_unique: int,
    n_annotated: int,
    n_proc_used: int | None,
    store: AnnotationStore,
    engine: str,
    t0: float,
) -> dict[str, Any]:
    """``Annotations.stats`` of this call, also logged."""
    stats = {
        "n_docs": len(corpus),
        "n_unique_texts": n_unique,
        "n_cached": n_unique - n_annotated,
        "n_annotated": n_annotated,
        "seconds": round(time.perf_counter() - t0, 3),
        "cache_dir": None if store.folder is None else str(store.folder),
        "engine": engine,
        "n_process": n_proc_used,
    }
    log.info(
        "analysis: annotated %d of %d distinct texts (%d from cache) in %.1f s",
        n_annotated,
        n_unique,
        stats["n_cached"],
        stats["seconds"],
    )
    return stats


def _annotate_into(
    store: AnnotationStore,
    keys: list[str],
    texts: list[str],
    *,
    engine: str,
    model_name: str | None,
    custom_nlp: Any,
    n_process: int | None,
    batch_size: int,
    scheduler: Any,
    progress: bool,
) -> int | None:
    """Annotate ``texts`` with the engine, writing parts as it goes; the processes used."""
    if engine == "dask":
        from analysis.nlp._dask import run_dask

        n_proc_used = None  # as many as the Dask cluster has
        results = run_dask(
            keys, texts, model_name=model_name, batch_size=batch_size, scheduler=scheduler
        )
    else:
        n_proc_used = n_process or _default_n_process(len(keys))
        if custom_nlp is not None:
            n_proc_used = 1
        results = run_local(
            keys,
            texts,
            model_name=model_name,
            nlp=custom_nlp,
            n_process=n_proc_used,
            batch_size=batch_size,
        )
    _write_as_you_go(results, store, total=len(keys), progress=progress)
    return n_proc_used


def _write_as_you_go(
    results: Iterator[pa.Table],
    store: AnnotationStore,
    *,
    total: int,
    progress: bool,
) -> None:
    """Consume engine results: write a part every PART_DOCS texts, update the bar."""
    from tqdm.auto import tqdm

    buffer: list[pa.Table] = []
    buffered = done = 0
    bar = None

    def flush() -> None:
        nonlocal buffer, buffered
        part = pa.concat_tables(buffer)
        store.write(part)  # interrupted here: the except clause below writes the buffer
        buffer, buffered = [], 0
        del part
        _after_part_written(done)

    try:
        for table in results:
            if bar is None:
                # Created after the first result: worker processes are started by then
                # (tqdm's monitor thread would make forking them unsafe).
                bar = tqdm(total=total, desc="annotating", unit="doc", disable=not progress)
            n = pc.sum(pc.equal(table["kind"], TEXT_KIND)).as_py() or 0
            buffer.append(table)
            buffered += n
            done += n
            bar.update(n)
            runner_progress("annotating", done, total)  # to a report runner's output
            if buffered >= PART_DOCS:
                flush()
        if buffer:
            flush()
    except (KeyboardInterrupt, BrokenProcessPool):
        # Interrupted (Ctrl-C): keep the finished documents for the next run.
        if buffer:
            with contextlib.suppress(Exception):
                store.write(pa.concat_tables(buffer))
        raise
    finally:
        if bar is not None:
            bar.close()
        close = getattr(results, "close", None)
        if close is not None:
            close()
