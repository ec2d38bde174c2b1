"""Claims: two runs annotating the same texts into one cache do the work once.

Before annotating, a run takes the cache lock, checks which of its texts are stored now,
and *claims* the ones that nobody else has claimed: a ``claim-<id>.json`` file in the
cache folder listing their hashes, on which the run holds an exclusive ``flock`` for as
long as it works on them. Texts claimed by another live run are not annotated again:
this run waits until those texts are stored (each finished part of the other run is
picked up as soon as it is written), then reads them from the cache. A claim whose
``flock`` can be taken is stale (its run finished, was interrupted or was killed, the
kernel releases the lock of a dead process) and is deleted; texts it left unstored are
claimed again by whoever needs them. If another run's texts make no progress for
:data:`PATIENCE_S` seconds, this run stops waiting and annotates them itself.

Claims need ``fcntl.flock`` (every Unix); elsewhere, and for an in-memory or read-only
store, each run annotates everything it misses (as before: correct, only slower).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analysis.nlp._cachefs import cache_error
from analysis.nlp.store import AnnotationStore

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["PATIENCE_S", "POLL_S", "claim_rounds"]

log = logging.getLogger("analysis")

#: Seconds between checks while waiting for another run's texts.
POLL_S = 0.5
#: Stop waiting for another run when none of its texts arrived for this long.
PATIENCE_S = 600.0


@dataclass
class _Claim:
    path: Path
    hashes: set[str]
    pid: int | None = None
    fd: int | None = field(default=None, repr=False)

    def release(self) -> None:
        """Delete the claim file, then drop its lock (closing the descriptor)."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        if self.fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def _supported(store: AnnotationStore) -> bool:
    return fcntl is not None and store.folder is not None and not store.read_only


def _create(folder: Path, hashes: Sequence[str]) -> _Claim:
    """Claim ``hashes`` (call with the cache lock held)."""
    path = folder / f"claim-{uuid.uuid4().hex}.json"
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except OSError as exc:
        raise cache_error("create the claim file", path, exc) from exc
    claim = _Claim(path, set(hashes), os.getpid(), fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        payload = {"pid": os.getpid(), "host": os.uname().nodename, "hashes": list(hashes)}
        data = memoryview(json.dumps(payload).encode("utf-8"))
        while data:
            data = data[os.write(fd, data) :]
    except OSError as exc:
        claim.release()
        raise cache_error("write the claim file", path, exc) from exc
    return claim


def _is_live(path: Path) -> bool | None:
    """True if a run holds the claim's lock, False if not, None if the file is gone."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise cache_error("read the claim file", path, exc) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError as exc:
        raise cache_error("lock the claim file", path, exc) from exc
    finally:
        os.close(fd)
    return False


def _live_claims(folder: Path) -> list[_Claim]:
    """Claims of running processes; stale claim files are deleted (cache lock held)."""
    claims = []
    for path in sorted(folder.glob("claim-*.json")):
        live = _is_live(path)
        if live is None:
            continue
        if not live:
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            claims.append(_Claim(path, set(data["hashes"]), data.get("pid")))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being written right now cannot happen under the cache lock
    return claims


def _parts_listing(store: AnnotationStore) -> frozenset[str]:
    assert store.folder is not None
    return frozenset(p.name for p in store._part_paths())


def _wait_for(store: AnnotationStore, blocking: list[_Claim], remaining: list[str]) -> bool:
    """Wait until a blocking claim ends or a new part arrives; False after PATIENCE_S."""
    pids = sorted({c.pid for c in blocking if c.pid is not None})
    n = len(set(remaining) & set().union(*(c.hashes for c in blocking)))
    log.warning(
        "annotate(): waiting for another annotate() run (pid %s) that is annotating %d of "
        "these texts into %s",
        ", ".join(map(str, pids)) or "?",
        n,
        store.folder,
    )
    listing = _parts_listing(store)
    since = time.monotonic()
    while True:
        time.sleep(POLL_S)
        if any(_is_live(c.path) is not True for c in blocking):
            return True
        now = _parts_listing(store)
        if now != listing:
            return True
        if time.monotonic() - since > PATIENCE_S:
            log.warning(
                "annotate(): no progress from the other run for %.0f s; annotating its "
                "texts here too",
                PATIENCE_S,
            )
            return False


def claim_rounds(store: AnnotationStore, hashes: Sequence[str]) -> Iterator[list[str]]:
    """Lists of the ``hashes`` this run should annotate now, claimed for it, until none.

    Each list yielded is claimed until the consumer asks for the next one (or closes the
    iterator); the consumer annotates it and writes it to ``store`` meanwhile. Between
    lists, this waits for texts other runs are annotating. Ends when every hash is
    stored (or was yielded once: a text that its round failed to store is not retried).

    Example:
        >>> for todo in claim_rounds(store, missing):  # doctest: +SKIP
        ...     store.write(annotate_texts([text_of[h] for h in todo], keys=todo))
    """
    remaining = list(dict.fromkeys(hashes))
    if not remaining:
        return
    if not _supported(store):
        yield remaining
        return
    assert store.folder is not None
    folder = store.folder
    trust_others = True
    while remaining:
        with store._locked():
            if store.read_only:  # found out while taking the lock
                mine, claim, others = remaining, None, []
            else:
                stored = store.stored_hashes(remaining)
                remaining = [h for h in remaining if h not in stored]
                if not remaining:
                    return
                others = _live_claims(folder) if trust_others else []
                taken = set().union(*(c.hashes for c in others))
                mine = [h for h in remaining if h not in taken]
                claim = _create(folder, mine) if mine else None
        if mine:
            try:
                yield mine
            finally:
                if claim is not None:
                    claim.release()
            done = set(mine)
            remaining = [h for h in remaining if h not in done]
            continue
        wanted = set(remaining)
        blocking = [c for c in others if c.hashes & wanted]
        trust_others = _wait_for(store, blocking, remaining)
