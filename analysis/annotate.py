"""Annotate a corpus once: sentences, entity mentions and sentence sentiment, cached on disk.

:func:`annotate` runs spaCy's fast pipeline (:func:`analysis.models.load_model`: rule-based
sentence splitter + NER) and vaderSentiment on every *distinct* document text not yet in
the annotation cache (:mod:`analysis.store`), in batches streamed through worker
processes, and returns an :class:`analysis.Annotations` for the whole corpus.

How a run goes:

1. ``document_text(corpus)`` per document (title, blank line, body) and its content hash;
   documents with the same text (syndicated copies) are annotated once.
2. The cache is read for those hashes; only missing texts are annotated. Each worker
   turns its spaCy ``Doc`` objects into plain rows at once (no ``Doc`` crosses a process
   boundary or stays in memory) and scores each sentence with VADER in the same pass.
3. Every ``PART_DOCS`` documents a Parquet part is written atomically, so an interrupted
   run keeps its work and the next run continues where it stopped. The rows are not
   kept in memory meanwhile: once the workers have stopped they are read back from the
   cache, one part at a time, split by kind and without their hash column. Texts that
   another run is annotating into the same cache are waited for, not annotated again
   (:mod:`analysis._claims`); workers die with the run, and SIGTERM stops it like
   Ctrl-C (:mod:`analysis._lifetime`).
4. The raw rows are mapped back to every ``doc_id`` (corpus order) and entity names are
   normalised with :func:`analysis.normalize.normalize_entities` (memoised per alias
   table, so changing aliases costs milliseconds and no spaCy run). The output frames
   are built column by column in Arrow from single-chunk tables and converted to
   pandas once (benchmarks/bench_annotate.py: a 10x corpus peaks at 1.32x the memory
   of the 1x one).

Every line of a text (title, each paragraph, each list item) is annotated as a spaCy
``Doc`` of its own (:func:`_segments`), so a line break is a hard boundary: no entity or
sentence crosses it (spaCy on the whole text read "England\n\nLewis Moody" as one ORG
across a headline's end). A headline is its own sentence. Sentences and entities are
spaCy's spans with surrounding whitespace trimmed; ``text`` is exactly
``document_text[start:end]``; the scores are exactly
``SentimentIntensityAnalyzer().polarity_scores(text)`` and ``compound_masked`` is the
compound of the sentence with each name mention (:data:`MASK_LABELS`) replaced by
:data:`MASK_TOKEN`.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import importlib.metadata
import logging
import multiprocessing
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._claims import claim_rounds
from analysis._lifetime import die_with_parent, sigterm_as_interrupt
from analysis._runlog import runner_progress
from analysis._validate import (
    document_text,
    require_choice,
    require_columns,
    require_nonempty,
    require_positive_int,
)
from analysis.annotations import ENTITY_COLUMNS, SENTENCE_COLUMNS, Annotations
from analysis.errors import AnalysisInputError, CacheError
from analysis.models import (
    load_model,
    model_description,
    model_package_version,
    pipeline_signature,
    resolve_model_name,
)
from analysis.store import (
    ENTITY_KIND,
    NAME_SCHEMA,
    PART_SCHEMA,
    SENTENCE_KIND,
    TEXT_KIND,
    AnnotationStore,
    default_cache_dir,
    text_hash,
)

if TYPE_CHECKING:
    import spacy

__all__ = ["PART_DOCS", "annotate", "annotate_texts", "lexicon_description"]

log = logging.getLogger("analysis")

#: Documents per cache part: an interrupted run loses at most this many.
PART_DOCS = 256
#: Documents per task sent to a worker process.
_CHUNK_DOCS = 32
#: Below this many texts to annotate, worker processes cost more than they save.
_MIN_DOCS_FOR_PROCESSES = 200
_DEFAULT_BATCH_SIZE = 32
_ENGINES = ("local", "dask")


# --------------------------------------------------------------------------------------
# Annotating texts: the part that runs in worker processes.
# --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon_description() -> str:
    """The sentiment lexicon used, e.g. ``"vaderSentiment 3.3.2"``."""
    return f"vaderSentiment {_version('vaderSentiment')}"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


#: Entity labels that are names. A sentence is scored a second time with each such
#: mention replaced by :data:`MASK_TOKEN`, so words inside names ("Supreme People's
#: Assembly", "Liberal Democrats") do not colour the sentence (``compound_masked``).
#: A one-word "name" that is itself a VADER lexicon word is kept: in informal text
#: those are mostly tagging errors ("LOL" ORG, "Yay" PERSON, "Congrats" NORP), and
#: masking them cost r = 0.871 -> 0.852 on VADER's rated tweets (0.870 when kept).
MASK_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
)
#: What a masked name is replaced with: one lower-case word that is not in VADER's
#: lexicon, its negations or boosters (lower case, so it cannot trigger the ALL-CAPS rule).
MASK_TOKEN = "someone"
#: What ends a segment: NER and sentences never cross a line break.
_LINE = re.compile(r"[^\n\r\u2028\u2029]+")


def _segments(text: str) -> list[tuple[int, str]]:
    """``(offset, line)`` of each line of ``text`` holding more than whitespace.

    Each line is annotated as a spaCy ``Doc`` of its own, so a headline's last word and
    the body's first (or two list items) can never form one entity, and no entity or
    sentence contains a line break.
    """
    return [(m.start(), m.group()) for m in _LINE.finditer(text) if not m.group().isspace()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed so that ``text[start:end]`` has no outer whitespace."""
    seg = text[start:end]
    stripped = seg.lstrip()
    start += len(seg) - len(stripped)
    return start, start + len(stripped.rstrip())


def _maskable(span: str, label: str) -> bool:
    """Is this entity mention a name to mask (see :data:`MASK_LABELS`)?"""
    if label not in MASK_LABELS:
        return False
    return any(c.isspace() for c in span) or span.lower() not in _analyzer().lexicon


def _masked(sentence: str, offset: int, spans: list[tuple[int, int, str]]) -> str | None:
    """``sentence`` with the name mentions among ``spans`` replaced; None if it has none."""
    parts, pos = [], offset
    end = offset + len(sentence)
    for s, e, label in spans:
        if offset <= s and e <= end and _maskable(sentence[s - offset : e - offset], label):
            parts.append(sentence[pos - offset : s - offset])
            parts.append(MASK_TOKEN)
            pos = e
    if not parts:
        return None
    parts.append(sentence[pos - offset :])
    return "".join(parts)


def _doc_rows(
    text: str, pieces: list[tuple[int, Any]], key: str, cols: dict[str, list], polarity: Callable
) -> None:
    """Append the rows of one text (text, sentences, entities) to ``cols``.

    ``pieces`` are the spaCy Docs of the text's lines with their offsets in ``text``.
    """
    c_hash, c_kind, c_sent, c_start, c_end = (
        cols["hash"],
        cols["kind"],
        cols["sent_id"],
        cols["start"],
        cols["end"],
    )
    c_text, c_label = cols["text"], cols["label"]
    c_neg, c_neu, c_pos, c_comp = cols["neg"], cols["neu"], cols["pos"], cols["compound"]
    c_masked = cols["compound_masked"]

    def row(kind, sent_id, start, end, span, label, scores, masked=None):
        c_hash.append(key)
        c_kind.append(kind)
        c_sent.append(sent_id)
        c_start.append(start)
        c_end.append(end)
        c_text.append(span)
        c_label.append(label)
        c_neg.append(scores and scores["neg"])
        c_neu.append(scores and scores["neu"])
        c_pos.append(scores and scores["pos"])
        c_comp.append(scores and scores["compound"])
        c_masked.append(masked)

    row(TEXT_KIND, None, 0, len(text), None, None, None)
    starts: list[int] = []
    ents: list[tuple[int, int, str]] = []
    for offset, doc in pieces:
        line_ents = []
        for ent in doc.ents:
            s, e = _trimmed(text, offset + ent.start_char, offset + ent.end_char)
            if s < e:
                line_ents.append((s, e, ent.label_))
        ents.extend(line_ents)
        for sent in doc.sents:
            s, e = _trimmed(text, offset + sent.start_char, offset + sent.end_char)
            if s == e:
                continue
            sentence = text[s:e]
            scores = polarity(sentence)
            masked_text = _masked(sentence, s, line_ents)
            masked = scores if masked_text is None else polarity(masked_text)
            row(SENTENCE_KIND, len(starts), s, e, sentence, None, scores, masked["compound"])
            starts.append(s)
    for s, e, label in ents:
        sent_id = max(bisect.bisect_right(starts, s) - 1, 0)
        row(ENTITY_KIND, sent_id, s, e, text[s:e], label, None)


def annotate_texts(
    texts: Sequence[str],
    *,
    keys: Sequence[str] | None = None,
    nlp: spacy.Language | None = None,
    batch_size: int = _DEFAULT_BATCH_SIZE,
) -> pa.Table:
    """Annotate texts in this process and return the raw rows (``store.PART_SCHEMA``).

    This is the unit of work of every engine: worker processes and Dask tasks call it
    on a chunk of texts. ``keys`` default to :func:`analysis.store.text_hash` of each text.
    Each line of a text is one spaCy ``Doc`` (see :func:`_segments`); ``batch_size``
    counts texts, so a batch holds the lines of about that many texts.

    Example:
        >>> annotate_texts(["Tony Blair met Gordon Brown."]).num_rows  # doctest: +SKIP
        4
    """
    if nlp is None:
        nlp = load_model(fast=True)
    if keys is None:
        keys = [text_hash(t) for t in texts]
    polarity = _analyzer().polarity_scores
    cols: dict[str, list] = {name: [] for name in PART_SCHEMA.names}
    segments = [_segments(t) for t in texts]
    n_lines = sum(map(len, segments))
    line_batch = max(batch_size, batch_size * n_lines // max(len(texts), 1))
    docs = nlp.pipe((line for seg in segments for _, line in seg), batch_size=line_batch)
    for key, text, seg in zip(keys, texts, segments, strict=True):
        pieces = [(offset, next(docs)) for offset, _ in seg]
        _doc_rows(text, pieces, key, cols, polarity)
    return pa.Table.from_pydict(cols, schema=PART_SCHEMA)


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


def _after_part_written(n_done: int) -> None:
    """Hook called after each cache part is written (tests use it to interrupt a run)."""


# --------------------------------------------------------------------------------------
# Engines: each yields raw tables for the missing texts, in any order.
# --------------------------------------------------------------------------------------
def _run_local(
    keys: list[str],
    texts: list[str],
    *,
    model_name: str | None,
    nlp: spacy.Language | None,
    n_process: int,
    batch_size: int,
) -> Iterator[pa.Table]:
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
        for fut in pending:
            fut.cancel()
        if not completed:  # interrupted or broken: do not wait for chunks in progress
            _stop_workers(executor)
        executor.shutdown(wait=True, cancel_futures=True)


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


# --------------------------------------------------------------------------------------
# Assembling the result frames.
# --------------------------------------------------------------------------------------
def _excl_cumsum(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=out[1:])
    return out


def _expansion(
    sorted_codes: np.ndarray, doc_codes: np.ndarray, n_unique: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positions into rows sorted by text code, repeated for every document (corpus order).

    Returns ``(positions, doc_of_row)``: output row k is sorted row ``positions[k]`` of
    document number ``doc_of_row[k]``.
    """
    counts = np.bincount(sorted_codes, minlength=n_unique)
    offsets = _excl_cumsum(counts)
    per_doc = counts[doc_codes]
    doc_of_row = np.repeat(np.arange(len(doc_codes)), per_doc)
    within = np.arange(len(doc_of_row)) - _excl_cumsum(per_doc)[doc_of_row]
    return offsets[doc_codes][doc_of_row] + within, doc_of_row


_SENT_RAW = ["code", *SENTENCE_COLUMNS[1:]]  # as stored: the text key, not the doc_id
_ENT_RAW = ["code", "sent_id", "start", "end", "text", "label"]


class _Rows:
    """Raw rows of the corpus's texts, split by kind as each cache part is read.

    Only sentence and entity rows are kept, without the 32-char ``hash`` (replaced by the
    text's int32 code, its position among the corpus's unique texts) and without the
    columns that are null for that kind, so one whole part at most is in memory besides
    the kept rows.
    """

    def __init__(self, unique_arr: pa.Array):
        self.unique_arr = unique_arr
        self.sentences: list[pa.Table] = []
        self.entities: list[pa.Table] = []

    def add(self, parts: Iterator[pa.Table]) -> set[int]:
        """Keep the rows of ``parts``; returns the codes of the texts they hold."""
        found: set[int] = set()
        for part in parts:
            code = pc.index_in(part["hash"], value_set=self.unique_arr).cast(pa.int32())
            kind = part["kind"]
            found.update(code.filter(pc.equal(kind, TEXT_KIND)).to_pylist())
            part = part.drop_columns(["hash"]).append_column("code", code)
            self.sentences.append(part.select(_SENT_RAW).filter(pc.equal(kind, SENTENCE_KIND)))
            self.entities.append(part.select(_ENT_RAW).filter(pc.equal(kind, ENTITY_KIND)))
            del part, code, kind
        return found

    @staticmethod
    def _combined(tables: list[pa.Table], columns: list[str]) -> pa.Table:
        """One single-chunk table (Arrow's take on many chunks would copy them all first)."""
        if not tables:
            fields = [PART_SCHEMA.field(c) for c in columns if c != "code"]
            return pa.schema([pa.field("code", pa.int32()), *fields]).empty_table()
        table = pa.concat_tables(tables).combine_chunks()
        tables.clear()
        return table

    def take_sentences(self) -> pa.Table:
        return self._combined(self.sentences, _SENT_RAW)

    def take_entities(self) -> pa.Table:
        return self._combined(self.entities, _ENT_RAW)


def _frame(
    rows: pa.Table, take: pa.Array, doc_ids: pa.Array, columns: list[str], extra: dict | None = None
) -> pd.DataFrame:
    """The final pandas frame: ``rows`` taken at ``take``, built column by column in Arrow."""
    extra = extra or {}
    cols: dict[str, pa.Array] = {}
    for col in columns:
        if col == "doc_id":
            cols[col] = doc_ids
        elif col in extra:
            cols[col] = extra[col]
        elif col in ("sent_id", "start", "end"):
            cols[col] = rows[col].take(take).cast(pa.int64())
        else:
            cols[col] = rows[col].take(take)
    table = pa.table(cols)
    del cols, extra
    return table.to_pandas(self_destruct=True, split_blocks=True)


#: Texts normalised per call of normalize_entities (bounds the memory it takes).
_NAMES_BATCH = 500


def _names_for(
    store: AnnotationStore,
    ents: pa.Table,
    order: np.ndarray,
    codes: np.ndarray,
    starts: np.ndarray,
    unique: pa.Array,
    aliases: Any,
) -> pa.Array:
    """Normalised names of the entity rows ``ents`` in (code, start) order, memoised.

    ``ents`` has columns code, sent_id, start, end, text, label; ``order`` sorts it by
    text code then start, and ``codes``/``starts`` are those columns in that order.
    Returns the ``name`` of each row in that sorted order. Memoised per alias table.
    """
    from analysis.normalize import aliases_fingerprint, normalize_entities

    afp = aliases_fingerprint(aliases)
    memo = store.read_names(afp)
    memo_codes = pc.index_in(memo["hash"], value_set=unique).fill_null(-1).to_numpy()
    memo = memo.drop_columns(["hash"])
    need = np.setdiff1d(np.unique(codes), memo_codes[memo_codes >= 0])
    fresh_parts = []
    for i in range(0, len(need), _NAMES_BATCH):
        rows = order[np.isin(codes, need[i : i + _NAMES_BATCH])]
        todo = ents.take(pa.array(rows))
        hashes = unique.take(todo["code"])
        frame = pd.DataFrame(
            {
                "doc_id": hashes.to_numpy(zero_copy_only=False),
                "sent_id": todo["sent_id"].to_numpy(),
                "start": todo["start"].to_numpy(),
                "end": todo["end"].to_numpy(),
                "text": todo["text"].to_numpy(zero_copy_only=False),
                "label": todo["label"].to_numpy(zero_copy_only=False),
            }
        )
        named = normalize_entities(frame, aliases=aliases)
        fresh_parts.append(
            pa.table(
                {
                    "hash": hashes,
                    "start": todo["start"],
                    "name": pa.array(named["name"].astype(str).tolist(), pa.string()),
                },
                schema=NAME_SCHEMA,
            )
        )
        del frame, named, todo, hashes
    if fresh_parts:
        fresh = pa.concat_tables(fresh_parts)
        del fresh_parts
        store.add_names(afp, fresh)
        fresh_codes = pc.index_in(fresh["hash"], value_set=unique).to_numpy()
        memo = pa.concat_tables([memo, fresh.drop_columns(["hash"])])
        memo_codes = np.concatenate([memo_codes, fresh_codes])
        del fresh
    # Align the memo with the entity rows: same (code, start) order.
    valid = np.flatnonzero(memo_codes >= 0)
    memo_starts = memo["start"].to_numpy()
    memo_order = valid[np.lexsort((memo_starts[valid], memo_codes[valid]))]
    if len(memo_order) != len(codes) or not (
        np.array_equal(memo_codes[memo_order], codes)
        and np.array_equal(memo_starts[memo_order], starts)
    ):
        # A memo that does not match its texts (edited or partly lost): rebuild it.
        warnings.warn(
            "annotate(): the cached entity names do not match the cached entities; "
            "normalising them again",
            RuntimeWarning,
            stacklevel=3,
        )
        store.drop_names(afp)
        del memo
        return _names_for(store, ents, order, codes, starts, unique, aliases)
    return memo["name"].combine_chunks().take(pa.array(memo_order))


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


def _store_meta(model_desc: str, nlp: Any) -> dict[str, Any]:
    if nlp is None:
        pipeline = pipeline_signature(fast=True)
    else:
        import hashlib

        config = nlp.config.to_str() if hasattr(nlp, "config") else repr(nlp.pipe_names)
        pipeline = "custom:" + "+".join(nlp.pipe_names)
        pipeline += ":" + hashlib.sha256(config.encode()).hexdigest()[:12]
    return {
        "model": model_desc,
        "pipeline": pipeline,
        "spacy": _version("spacy"),
        "vaderSentiment": _version("vaderSentiment"),
        "sentences": "sentencizer spans, whitespace-trimmed, paragraph breaks end sentences",
        "segments": "each line a Doc: line breaks end sentences and entities; spans trimmed",
        "masked": f"compound_masked: {'+'.join(sorted(MASK_LABELS))} -> {MASK_TOKEN!r}, "
        "except one-word names that are lexicon words",
    }


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
    batch_size: int = _DEFAULT_BATCH_SIZE,
    engine: Literal["local", "dask"] = "local",
    scheduler: Any = None,
    progress: bool = True,
    model: Any = None,
) -> Annotations:
    """Sentences, entity mentions and sentence sentiment of every document, cached.

    Args:
        corpus: one row per document with columns ``doc_id`` and ``text`` (and usually
            ``title``); the text annotated is ``document_text(corpus)``.
        cache_dir: the annotation cache root; None uses :func:`analysis.store.default_cache_dir`
            (``$NEWSDESK_CACHE_DIR`` or ``<project>/data/.cache/annotations``); False
            disables the cache.
        aliases: the entity alias table for the ``name`` column: None (default table),
            a mapping alias -> name, or a CSV path (see :mod:`analysis.normalize`).
        n_process: worker processes for the local engine; None uses up to 2 when more
            than 200 texts need annotating, else 1.
        batch_size: texts per spaCy ``nlp.pipe`` batch.
        engine: "local" (this machine, worker processes) or "dask" (a Dask cluster).
        scheduler: for ``engine="dask"``: a scheduler address ("tcp://host:8786"), a
            ``distributed.Client``, or None to start a local 2-worker cluster.
        progress: show a tqdm progress bar over the documents annotated.
        model: None (an installed English model, see :func:`analysis.models.load_model`),
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
    func = "annotate"
    require_columns(corpus, ["doc_id", "text"], func=func)
    require_nonempty(corpus, func=func)
    require_choice(engine, _ENGINES, func=func, arg="engine")
    require_positive_int(batch_size, func=func, arg="batch_size")
    if n_process is not None:
        require_positive_int(n_process, func=func, arg="n_process")
    if corpus["doc_id"].isna().any():
        raise AnalysisInputError(f"{func}(): corpus has missing doc_id values; every row needs one")

    model_name, custom_nlp, model_desc = _resolve_model(model)
    if cache_dir is False:
        root = None
    elif cache_dir is None:
        root = default_cache_dir()
    elif isinstance(cache_dir, (str, os.PathLike)):
        root = Path(cache_dir)
    else:
        raise AnalysisInputError(
            f"{func}(): cache_dir={cache_dir!r} is not valid; expected a folder path, "
            "None (default cache) or False (no cache)"
        )
    store = AnnotationStore(root, meta=_store_meta(model_desc, custom_nlp))

    texts = document_text(corpus).tolist()
    keys = [text_hash(t) for t in texts]
    unique: dict[str, int] = {}
    for i, key in enumerate(keys):
        unique.setdefault(key, i)
    unique_keys = list(unique)

    unique_arr = pa.array(unique_keys, pa.string())
    rows = _Rows(unique_arr)
    known = rows.add(store.iter_read(unique_keys))
    missing = [k for i, k in enumerate(unique_keys) if i not in known]
    missing_texts = [texts[unique[k]] for k in missing]
    del texts
    n_proc_used: int | None = 0
    n_annotated = 0
    if missing:
        if engine == "dask" and custom_nlp is not None:
            raise AnalysisInputError(
                f"{func}(): engine='dask' needs a model package name (model=None or a "
                "str); a loaded spacy.Language cannot be sent to Dask workers"
            )
        text_of = dict(zip(missing, missing_texts, strict=True))
        del missing_texts
        # SIGTERM stops like Ctrl-C (finished parts kept); texts another run is
        # annotating into the same cache are waited for, not annotated twice.
        with sigterm_as_interrupt(), contextlib.closing(claim_rounds(store, missing)) as rounds:
            for todo in rounds:
                n_proc_used = _annotate_into(
                    store,
                    todo,
                    [text_of[k] for k in todo],
                    engine=engine,
                    model_name=model_name,
                    custom_nlp=custom_nlp,
                    n_process=n_process,
                    batch_size=batch_size,
                    scheduler=scheduler,
                    progress=progress,
                )
                n_annotated += len(todo)
        del text_of
        gc.collect()
        # The new rows are read back from the cache rather than kept while annotating:
        # the worker processes are gone by now, so the peak memory stays lower.
        if len(rows.add(store.iter_read(missing))) != len(missing):
            raise CacheError(
                f"{func}(): the annotation cache {str(store.folder)!r} lost rows written "
                "by this run (deleted or moved while it ran?); run annotate() again"
            )

    # Output rows are in corpus order: each document gets the rows of its text's code.
    n_unique = len(unique_keys)
    doc_codes = np.asarray(pc.index_in(pa.array(keys, pa.string()), value_set=unique_arr))
    doc_ids = pa.array(corpus["doc_id"].astype(str).to_numpy(), pa.string())
    del keys

    raw = rows.take_sentences()
    codes = raw["code"].to_numpy().astype(np.int64)
    order = np.lexsort((raw["sent_id"].to_numpy(), codes))
    pos, doc_of_row = _expansion(codes[order], doc_codes, n_unique)
    take = pa.array(order[pos])
    del codes, order, pos
    sentences = _frame(raw, take, doc_ids.take(pa.array(doc_of_row)), SENTENCE_COLUMNS)
    del raw, take, doc_of_row

    raw = rows.take_entities()
    codes = raw["code"].to_numpy().astype(np.int64)
    starts = raw["start"].to_numpy()
    order = np.lexsort((starts, codes))
    codes, starts = codes[order], starts[order]
    names = _names_for(store, raw, order, codes, starts, unique_arr, aliases)
    layer_memo = dict(
        store=store,
        aliases_fp=_aliases_fp(aliases),
        doc_ids=corpus["doc_id"].astype(str).to_numpy(),
        doc_codes=doc_codes,
        unique_keys=unique_arr,
    )
    pos, doc_of_row = _expansion(codes, doc_codes, n_unique)
    del codes, starts
    take = pa.array(order[pos])
    entities = _frame(
        raw,
        take,
        doc_ids.take(pa.array(doc_of_row)),
        ENTITY_COLUMNS,
        extra={"name": names.take(pa.array(pos))},
    )
    del raw, take, names, pos, doc_of_row, order
    stats = {
        "n_docs": len(corpus),
        "n_unique_texts": len(unique_keys),
        "n_cached": len(unique_keys) - n_annotated,
        "n_annotated": n_annotated,
        "seconds": round(time.perf_counter() - t0, 3),
        "cache_dir": None if store.folder is None else str(store.folder),
        "engine": engine,
        "n_process": n_proc_used,
    }
    log.info(
        "analysis: annotated %d of %d distinct texts (%d from cache) in %.1f s",
        n_annotated,
        len(unique_keys),
        stats["n_cached"],
        stats["seconds"],
    )
    return Annotations(
        sentences=sentences,
        entities=entities,
        model=model_desc,
        lexicon=lexicon_description(),
        stats=stats,
        _layer=functools.partial(_document_layer, frames=(sentences, entities), **layer_memo),
    )


def _aliases_fp(aliases: Any) -> str:
    from analysis.normalize import aliases_fingerprint

    return aliases_fingerprint(aliases)


def _document_layer(ann: Annotations, *, frames: tuple, **memo: Any) -> pd.DataFrame:
    """:attr:`Annotations.document_entities` of an :func:`annotate` result, memoised; computed
    directly when its frames are not the ones annotate() returned (``dataclasses.replace``)."""
    from analysis._layer_cache import _computed, cached_document_entities

    if ann.sentences is not frames[0] or ann.entities is not frames[1]:
        return _computed(ann.entities, ann.sentences)
    return cached_document_entities(ann.entities, ann.sentences, **memo)


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
        from analysis._dask import run_dask

        n_proc_used = None  # as many as the Dask cluster has
        results = run_dask(
            keys, texts, model_name=model_name, batch_size=batch_size, scheduler=scheduler
        )
    else:
        n_proc_used = n_process or _default_n_process(len(keys))
        if custom_nlp is not None:
            n_proc_used = 1
        results = _run_local(
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
