"""Claims: a run waits for, and reuses, the texts another run is annotating into the cache."""

from __future__ import annotations

import threading

import pyarrow as pa
import pytest
from test_store import META, _rows

from analysis.nlp import _claims
from analysis.nlp._claims import claim_rounds
from analysis.nlp.store import AnnotationStore


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch):
    monkeypatch.setattr(_claims, "POLL_S", 0.01)


def _in_thread(monkeypatch, store: AnnotationStore, keys: list[str], waiting: threading.Event):
    """Run claim_rounds in a thread like a second process would: store what it is given."""
    got: list[list[str]] = []
    real_wait = _claims._wait_for

    def wait_for(*args, **kwargs):
        waiting.set()
        return real_wait(*args, **kwargs)

    def run():
        for todo in claim_rounds(store, keys):
            got.append(todo)
            store.write(pa.concat_tables([_rows(k) for k in todo]))

    monkeypatch.setattr(_claims, "_wait_for", wait_for)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, got


def test_first_run_claims_everything_missing(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    store.write(_rows("a"))
    rounds = claim_rounds(store, ["a", "b", "c"])
    assert next(rounds) == ["b", "c"]
    assert len(list(store.folder.glob("claim-*.json"))) == 1
    rounds.close()
    assert list(store.folder.glob("claim-*.json")) == []  # released


def _claimed_with_a_waiter(tmp_path, monkeypatch):
    """A first run holding claims on four texts, and a second run (a thread) waiting."""
    first = AnnotationStore(tmp_path, meta=META)
    keys = ["a", "b", "c", "d"]
    rounds = claim_rounds(first, keys)
    assert next(rounds) == keys
    waiting = threading.Event()
    thread, got = _in_thread(monkeypatch, AnnotationStore(tmp_path, meta=META), keys, waiting)
    assert waiting.wait(timeout=60)
    return first, keys, rounds, thread, got


def test_second_run_waits_and_annotates_nothing_the_first_one_claimed(tmp_path, monkeypatch):
    first, keys, rounds, thread, got = _claimed_with_a_waiter(tmp_path, monkeypatch)
    first.write(pa.concat_tables([_rows(k) for k in keys]))
    rounds.close()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert got == []  # everything came from the first run


def test_texts_an_interrupted_run_left_are_annotated_by_the_waiting_one(tmp_path, monkeypatch):
    first, _keys, rounds, thread, got = _claimed_with_a_waiter(tmp_path, monkeypatch)
    first.write(pa.concat_tables([_rows("a"), _rows("b")]))  # then Ctrl-C
    rounds.close()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert got == [["c", "d"]]


def test_claim_of_a_dead_run_is_stale_and_removed(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    # What a killed run leaves: a claim file nobody holds a lock on.
    stale = store.folder / "claim-0123456789abcdef.json"
    stale.write_text('{"pid": 999999, "host": "x", "hashes": ["a", "b"]}')
    rounds = claim_rounds(store, ["a", "b"])
    assert next(rounds) == ["a", "b"]
    assert not stale.exists()
    rounds.close()


def test_no_progress_from_the_other_run_ends_the_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(_claims, "PATIENCE_S", 0.05)
    first = AnnotationStore(tmp_path, meta=META)
    rounds = claim_rounds(first, ["a", "b"])
    assert next(rounds) == ["a", "b"]  # held, never finished
    second = claim_rounds(AnnotationStore(tmp_path, meta=META), ["b"])
    assert next(second) == ["b"]
    second.close()
    rounds.close()


def test_in_memory_store_has_no_claims(tmp_path):
    store = AnnotationStore(None, meta=META)
    assert list(claim_rounds(store, ["a", "b", "a"])) == [["a", "b"]]
