"""The Parquet annotation store: keys, parts, atomic writes, corruption, compaction, memo."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.errors import CacheError
from analysis.nlp import store as store_mod
from analysis.nlp.store import (
    ENTITY_KIND,
    NAME_SCHEMA,
    PART_SCHEMA,
    SENTENCE_KIND,
    TEXT_KIND,
    AnnotationStore,
    default_cache_dir,
    fingerprint_of,
    text_hash,
)

META = {"model": "test_model 1.0", "pipeline": "sentencizer+ner"}


def _rows(key: str, n_sents: int = 2, label: str = "ORG") -> pa.Table:
    """Raw rows of one fictional text: a text row, n sentences and one entity."""
    cols: dict[str, list] = {name: [] for name in PART_SCHEMA.names}

    def add(kind, sent_id, start, end, text, lab, score):
        for name, value in zip(
            PART_SCHEMA.names,
            (key, kind, sent_id, start, end, text, lab, score, score, score, score, score),
            strict=True,
        ):
            cols[name].append(value)

    add(TEXT_KIND, None, 0, 10 * n_sents, None, None, None)
    for i in range(n_sents):
        add(SENTENCE_KIND, i, 10 * i, 10 * i + 9, f"sentence {i}", None, 0.1 * i)
    add(ENTITY_KIND, 0, 0, 4, "Acme", label, None)
    return pa.Table.from_pydict(cols, schema=PART_SCHEMA)


def _keys(table: pa.Table) -> set[str]:
    return set(table["hash"].to_pylist())


def test_text_hash_is_content_key():
    assert text_hash("Acme opens a plant.") == text_hash("Acme opens a plant.")
    assert text_hash("Acme opens a plant.") != text_hash("Acme opens a plant. ")
    assert len(text_hash("")) == 32
    # Lone surrogates (seen in badly decoded feeds) hash instead of crashing.
    assert text_hash("bad \udcff byte") != text_hash("bad  byte")


def test_fingerprint_depends_on_meta_not_key_order():
    assert fingerprint_of({"a": 1, "b": 2}) == fingerprint_of({"b": 2, "a": 1})
    assert fingerprint_of({"a": 1}) != fingerprint_of({"a": 2})
    one = AnnotationStore(None, meta=META)
    other = AnnotationStore(None, meta={**META, "model": "test_model 1.1"})
    assert one.fingerprint != other.fingerprint


def test_write_then_read_only_wanted_texts(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    assert store.folder == tmp_path / store.fingerprint
    meta = json.loads((store.folder / "meta.json").read_text())
    assert meta["model"] == META["model"] and meta["fingerprint"] == store.fingerprint
    store.write(pa.concat_tables([_rows("a"), _rows("b", 3)]))
    store.write(_rows("c"))
    assert len(list(store.folder.glob("part-*.parquet"))) == 2
    got = AnnotationStore(tmp_path, meta=META).read(["b", "c", "zzz"])
    assert _keys(got) == {"b", "c"}
    assert got.num_rows == _rows("b", 3).num_rows + _rows("c").num_rows
    assert got.schema.equals(PART_SCHEMA)
    assert AnnotationStore(tmp_path, meta=META).read([]).num_rows == 0


def test_a_text_stored_twice_is_read_once(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    store.write(_rows("a", 2))
    store.write(_rows("a", 2))
    got = store.read(["a"])
    assert got.num_rows == _rows("a", 2).num_rows


def test_other_fingerprint_is_a_cold_folder(tmp_path):
    AnnotationStore(tmp_path, meta=META).write(_rows("a"))
    other = AnnotationStore(tmp_path, meta={**META, "spacy": "9.9"})
    assert other.read(["a"]).num_rows == 0


def test_in_memory_store_writes_no_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = AnnotationStore(None, meta=META)
    store.write(_rows("a"))
    assert _keys(store.read(["a"])) == {"a"}
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [b"not a parquet file at all", b"PAR1\x00\x00garbage"],
    ids=["garbage", "truncated"],
)
def test_corrupted_part_is_moved_aside_with_warning(tmp_path, content):
    store = AnnotationStore(tmp_path, meta=META)
    good = store.write(_rows("a"))
    bad = store.folder / "part-99999999999999999999-broken.parquet"
    bad.write_bytes(content)
    with pytest.warns(RuntimeWarning, match="part-99999999999999999999-broken.parquet"):
        got = store.read(["a", "b"])
    assert _keys(got) == {"a"}
    assert not bad.exists()
    assert list((store.folder / "corrupt").iterdir())
    assert good.exists()


def test_truncated_real_part_is_detected(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    path = store.write(_rows("a", 50))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.warns(RuntimeWarning, match=path.name):
        assert store.read(["a"]).num_rows == 0


def test_foreign_schema_is_moved_aside(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    foreign = store.folder / "part-00000000000000000001-foreign.parquet"
    pq.write_table(pa.table({"hash": ["a"], "something": [1]}), foreign)
    with pytest.warns(RuntimeWarning, match="unexpected schema"):
        assert store.read(["a"]).num_rows == 0
    assert not foreign.exists()


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    store = AnnotationStore(tmp_path, meta=META)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store_mod.pq, "write_table", broken)
    with pytest.raises(CacheError, match="disk full"):
        store.write(_rows("a"))
    assert list(store.folder.glob("part-*")) == []
    assert list(store.folder.glob(".*.tmp")) == []


def test_orphaned_temp_files_are_cleaned_by_next_writer(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    orphan = store.folder / ".part-123.parquet.abc.tmp"
    orphan.write_bytes(b"half a file from a killed run")
    store.write(_rows("a"))
    assert not orphan.exists()
    assert _keys(store.read(["a"])) == {"a"}


def test_compaction_merges_parts_and_drops_copies(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "COMPACT_AFTER_PARTS", 3)
    store = AnnotationStore(tmp_path, meta=META)
    for key in ["a", "b", "a", "c"]:
        store.write(_rows(key))
    parts = list(store.folder.glob("part-*.parquet"))
    assert len(parts) == 1
    table = pq.read_table(parts[0])
    assert table.num_rows == 3 * _rows("a").num_rows
    assert _keys(store.read(["a", "b", "c"])) == {"a", "b", "c"}
    store.write(_rows("d"))  # later parts sort after the compacted one
    assert _keys(store.read(["a", "d"])) == {"a", "d"}


def test_names_memo_per_alias_fingerprint(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    assert store.read_names("fp1").num_rows == 0
    first = pa.table(
        {"hash": ["a", "a"], "start": [0, 5], "name": ["Acme", "Bolt"]}, schema=NAME_SCHEMA
    )
    store.add_names("fp1", first)
    store.add_names("fp1", pa.table({"hash": ["b"], "start": [1], "name": ["C"]}))
    # Re-adding a text replaces its rows instead of duplicating them.
    store.add_names("fp1", pa.table({"hash": ["a"], "start": [0], "name": ["Acme Corp"]}))
    got = store.read_names("fp1").to_pylist()
    assert sorted((r["hash"], r["start"], r["name"]) for r in got) == [
        ("a", 0, "Acme Corp"),
        ("b", 1, "C"),
    ]
    assert store.read_names("fp2").num_rows == 0
    assert (store.folder / "names-fp1.parquet").is_file()


def test_corrupted_names_memo_is_rebuilt(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    (store.folder / "names-fp1.parquet").write_bytes(b"junk")
    with pytest.warns(RuntimeWarning, match="names-fp1.parquet"):
        assert store.read_names("fp1").num_rows == 0


def test_clear_removes_the_fingerprint_folder(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    store.write(_rows("a"))
    store.clear()
    assert not store.folder.exists()


def test_default_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "env-cache"))
    assert default_cache_dir() == tmp_path / "env-cache"
    monkeypatch.delenv("NEWSDESK_CACHE_DIR")
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname='x'\n")
    monkeypatch.chdir(project / "notebooks")
    assert default_cache_dir() == project / "data" / ".cache" / "annotations"
    # Outside any project: the user's cache folder, not the working directory.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr("analysis._cache_dir._project_root", lambda start: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "newsdesk" / "annotations"


def test_unusable_cache_dir_is_a_cache_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CacheError, match="cache_dir"):
        AnnotationStore(blocker / "sub", meta=META)


def test_parts_are_written_atomically_by_rename(tmp_path, monkeypatch):
    store = AnnotationStore(tmp_path, meta=META)
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((Path(src).name, Path(dst).name))
        return real_replace(src, dst)

    monkeypatch.setattr(store_mod.os, "replace", spy)
    path = store.write(_rows("a"))
    assert any(dst == path.name and src.endswith(".tmp") for src, dst in seen)


def test_iter_read_yields_one_table_per_part_with_only_wanted_texts(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    store.write(pa.concat_tables([_rows("a"), _rows("b")]))
    store.write(pa.concat_tables([_rows("c"), _rows("a")]))  # "a" stored twice: first part wins
    parts = list(store.iter_read(["a", "c", "missing"]))
    # "c" is only in the second part; "a" comes from whichever part is read first.
    assert 1 <= len(parts) <= 2
    assert all(set(t["hash"].to_pylist()) <= {"a", "c"} for t in parts)
    joined = pa.concat_tables(parts)
    assert joined.num_rows == _rows("a").num_rows + _rows("c").num_rows
    assert joined.equals(store.read(["a", "c", "missing"]))
    assert list(store.iter_read(["missing"])) == []


# -- read-only caches and file-system failures ------------------------------------------
@contextlib.contextmanager
def _read_only(tree: Path):
    """Make ``tree`` really read-only for this process, undone afterwards.

    The tests run as root, which ignores permission bits, and a read-only bind mount needs
    privileges a test should not use. ``chattr +i`` (immutable) is enforced by the kernel
    even for root: creating, renaming, deleting or opening for writing any file in the
    tree fails with EPERM, as on a read-only mount (EROFS) or a folder without write
    permission (EACCES). As another user, plain permission bits do the same.
    """
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a folder read-only")
        done = subprocess.run(["chattr", "-R", "+i", str(tree)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not supported here: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-R", "-i", str(tree)], check=True)
        return
    modes = {p: p.stat().st_mode for p in [tree, *tree.rglob("*")]}
    for path in modes:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_warm_read_only_cache_is_read_without_a_lock_or_warning(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    store.write(pa.concat_tables([_rows("a"), _rows("b")]))
    store.add_names("aliases1", pa.table({"hash": ["a"], "start": [0], "name": ["Acme"]}))
    before = _tree(tmp_path)
    with _read_only(tmp_path):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ro = AnnotationStore(tmp_path, meta=META)
            got = ro.read(["a", "b", "zzz"])
            names = ro.read_names("aliases1")
        assert ro.read_only
    assert _keys(got) == {"a", "b"}
    assert got.num_rows == 2 * _rows("a").num_rows
    assert names["name"].to_pylist() == ["Acme"]
    assert _tree(tmp_path) == before


def test_read_only_cache_keeps_new_rows_in_memory_with_one_warning(tmp_path):
    AnnotationStore(tmp_path, meta=META).write(_rows("a"))
    before = _tree(tmp_path)
    with _read_only(tmp_path):
        ro = AnnotationStore(tmp_path, meta=META)
        with pytest.warns(RuntimeWarning, match="read-only.*not cached") as caught:
            assert ro.write(_rows("b")) is None
            ro.add_names("aliases1", pa.table({"hash": ["b"], "start": [0], "name": ["B"]}))
        assert len(caught) == 1
        assert str(ro.folder) in str(caught[0].message)
        assert _keys(ro.read(["a", "b"])) == {"a", "b"}
        assert ro.read_names("aliases1")["name"].to_pylist() == ["B"]
        ro.drop_names("aliases1")  # cannot delete on disk: forgotten for this store
        assert ro.read_names("aliases1").num_rows == 0
    assert _tree(tmp_path) == before


def test_read_only_root_without_this_fingerprint_is_an_empty_read_only_store(tmp_path):
    AnnotationStore(tmp_path, meta=META).write(_rows("a"))
    with _read_only(tmp_path):
        other = AnnotationStore(tmp_path, meta={**META, "model": "other 2.0"})
        assert other.read_only
        assert other.read(["a"]).num_rows == 0
        with pytest.warns(RuntimeWarning, match="not cached"):
            other.write(_rows("a"))
        assert _keys(other.read(["a"])) == {"a"}


def _one_line_naming(exc: pytest.ExceptionInfo, path: Path) -> None:
    message = str(exc.value)
    assert "\n" not in message
    assert str(path) in message


def test_unreadable_part_is_a_cache_error_not_corruption(tmp_path, monkeypatch):
    store = AnnotationStore(tmp_path, meta=META)
    part = store.write(_rows("a"))

    def denied(path, *args, **kwargs):  # root reads any file: simulate EACCES
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(store_mod.pq, "read_table", denied)
    with pytest.raises(CacheError, match="Permission denied") as exc:
        store.read(["a"])
    _one_line_naming(exc, part)
    assert part.exists()  # not moved aside as corrupt
    assert not (store.folder / "corrupt").exists()


def test_lock_that_cannot_be_created_is_a_cache_error(tmp_path):
    store = AnnotationStore(tmp_path, meta=META)
    store.write(_rows("a"))
    (store.folder / ".lock").unlink()
    (store.folder / ".lock").mkdir()  # a folder where the lock file should be
    for action in (lambda: store.read(["a"]), lambda: store.write(_rows("b"))):
        with pytest.raises(CacheError) as exc:
            action()
        _one_line_naming(exc, store.folder / ".lock")


def test_disk_full_is_a_one_line_cache_error_naming_the_file(tmp_path, monkeypatch):
    store = AnnotationStore(tmp_path, meta=META)
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith(".parquet"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(store_mod.os, "replace", full)
    with pytest.raises(CacheError, match="No space left") as exc:
        store.write(_rows("a"))
    assert "\n" not in str(exc.value) and "part-" in str(exc.value)
    assert list(store.folder.glob("part-*")) == []


def test_unlistable_cache_folder_is_a_cache_error(tmp_path, monkeypatch):
    store = AnnotationStore(tmp_path, meta=META)
    real_listdir = os.listdir

    def denied(path="."):
        if Path(path) == store.folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(store_mod.os, "listdir", denied)
    with pytest.raises(CacheError) as exc:
        store.read(["a"])
    _one_line_naming(exc, store.folder)
