"""Corpus snapshots: after any add / change / remove, the snapshot equals a fresh load."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.load import load_corpus, load_report
from analysis.corpus.snapshot import load_corpus_cached, loader_version, snapshot_root

FOOTER = "Follow us on Quayside Radio for more"
REPEATED = "Harbour Gazette is published by the Harbour Trust."


def _assert_same(cached: pd.DataFrame, fresh: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(cached, fresh)
    a, b = load_report(cached), load_report(fresh)
    pd.testing.assert_frame_equal(a.files, b.files)
    assert a.summary() == b.summary()
    assert a.fingerprint == b.fingerprint
    assert a.options == b.options
    assert a.root == b.root


def _check(path: Path, cache: Path, **options) -> pd.DataFrame:
    cached = load_corpus_cached(path, cache_dir=cache, quiet=True, **options)
    fresh = load_corpus(path, quiet=True, progress=False, **options)
    _assert_same(cached, fresh)
    return cached


def _own_docs(folder: Path) -> None:
    """A small source of our own with a repeated line, a footer and a near-duplicate."""
    gazette = folder / "gazette"
    gazette.mkdir(parents=True)
    bodies = [
        "The ferry timetable changes on Monday after the council vote on harbour dues.",
        "Fishermen at the north quay said the new crane had halved unloading times.",
        "A storm warning closed the lighthouse path for the second weekend running.",
        "The harbour school opened a sailing club with twelve donated dinghies.",
    ]
    for i, body in enumerate(bodies):
        text = f"Gazette story {i}\n\n{body}\n\n{REPEATED}\n{FOOTER}\n"
        (gazette / f"g{i}.txt").write_text(text, encoding="utf-8")


def _bbc_copy(bbc_dir: Path, dest: Path, per_folder: int = 40) -> list[Path]:
    spare = []
    for sub in ("business", "sport"):
        files = sorted((bbc_dir / sub).glob("*.txt"))
        (dest / sub).mkdir(parents=True)
        for f in files[:per_folder]:
            shutil.copy2(f, dest / sub / f.name)
        spare += files[per_folder : per_folder + 5]
    return spare


@pytest.fixture
def corpus(tmp_path: Path, bbc_dir: Path) -> tuple[Path, list[Path]]:
    root = tmp_path / "corpus"
    spare = _bbc_copy(bbc_dir, root)
    _own_docs(root)
    (root / "README.txt").write_text("about this corpus\n", encoding="utf-8")
    return root, spare


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_second_load_is_unchanged_and_equal(corpus, tmp_path):
    root, _ = corpus
    first = _check(root, tmp_path / "cache" / "annotations")
    assert first.attrs["snapshot"] == "fresh load"
    second = _check(root, tmp_path / "cache" / "annotations")
    assert second.attrs["snapshot"] == "unchanged"
    assert (tmp_path / "cache" / "snapshots").is_dir()
    assert load_report(second).counts["boilerplate_lines"] > 0  # the gazette lines went


def test_added_files_are_merged_not_reloaded(corpus, tmp_path):
    root, spare = corpus
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache, folders="source")  # gazette/ is a source: its repeated line goes
    for f in spare[:3]:  # business/ files sorting after the copied ones
        shutil.copy2(f, root / "business" / f.name)
    (root / "gazette" / "g9.txt").write_text(
        f"Gazette story 9\n\nThe lifeboat crew trained off the east pier.\n\n{REPEATED}\n{FOOTER}\n",
        encoding="utf-8",
    )
    after = _check(root, cache, folders="source")
    assert after.attrs["snapshot"].startswith("updated: +4 ~0 -0")
    assert after["path"].str.startswith("gazette/g9").any()
    assert after.loc[after["path"] == "gazette/g9.txt", "boilerplate_lines"].item() == 2


def test_new_near_duplicate_points_at_existing_original(corpus, tmp_path):
    root, _ = corpus
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache)
    original = sorted((root / "sport").glob("*.txt"))[3]
    text = original.read_text(encoding="latin-1").replace(" the ", " a ", 1)
    (root / "sport" / "zz_copy.txt").write_text(text, encoding="utf-8")
    spaced = original.read_bytes().replace(b" ", b"  ", 1)  # same words: an exact duplicate
    (root / "sport" / "zz_exact.txt").write_bytes(spaced)
    after = _check(root, cache)
    assert after.attrs["snapshot"].startswith("updated")
    rows = after.set_index("path")
    assert rows.loc["sport/zz_copy.txt", "duplicate_kind"] == "near"
    assert rows.loc["sport/zz_exact.txt", "duplicate_kind"] == "exact"
    (root / "sport" / "zz_same.txt").write_bytes(original.read_bytes())  # identical bytes
    again = _check(root, cache)  # doc_id depends on the copy's rank: loaded afresh
    assert (
        again.attrs["snapshot"]
        == "fresh load (a new document is an identical copy of an existing one)"
    )


def test_changed_and_removed_files(corpus, tmp_path):
    root, _ = corpus
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache)
    victim = sorted((root / "business").glob("*.txt"))[5]
    victim.write_text(
        "Changed headline\n\nA wholly new body about port tariffs.\n", encoding="utf-8"
    )
    _touch_later(victim)
    sorted((root / "sport").glob("*.txt"))[7].unlink()
    after = _check(root, cache)
    assert after.attrs["snapshot"].startswith("updated: +0 ~1 -1")
    (root / "README.txt").unlink()  # a skipped file disappears from the report too
    after = _check(root, cache)
    assert "README.txt" not in set(load_report(after).files["path"])


def test_change_that_alters_existing_documents_loads_afresh(corpus, tmp_path):
    root, _ = corpus
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache)
    # a line now in 3 of 5 gazette stories becomes repeated boilerplate everywhere
    for i in range(4, 7):
        (root / "gazette" / f"h{i}.txt").write_text(
            f"Harbour note {i}\n\nTide tables are on page two.\nItem {i} of the week.\n",
            encoding="utf-8",
        )
    for f in sorted((root / "gazette").glob("g*.txt"))[:1]:
        f.write_text(f.read_text() + "Tide tables are on page two.\n", encoding="utf-8")
        _touch_later(f)
    after = _check(root, cache)
    assert after.attrs["snapshot"].startswith(("fresh load", "updated"))


def test_options_and_drop_duplicates(corpus, tmp_path):
    root, _ = corpus
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache, drop_duplicates=True)
    again = _check(root, cache, drop_duplicates=False)
    assert again.attrs["snapshot"] == "unchanged"  # same snapshot, duplicates dropped later
    other = _check(root, cache, boilerplate=False)
    assert other.attrs["snapshot"] == "fresh load"  # another option, another snapshot
    assert len(list((tmp_path / "cache" / "snapshots").glob("*.lock"))) == 2


def test_sidecar_corpus_and_single_file(sample_dir, tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(sample_dir, root)
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache)
    (root / "harbour-gazette" / "zz-new.txt").write_text("New\n\nA new story.\n", encoding="utf-8")
    after = _check(root, cache)
    assert after.attrs["snapshot"].startswith("fresh load (")


def test_damaged_snapshot_is_rebuilt(corpus, tmp_path):
    root, _ = corpus
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache)
    for part in snapshot_root(cache).glob("*/gen-*/corpus.parquet"):
        part.write_bytes(b"not parquet")
    assert _check(root, cache).attrs["snapshot"] == "fresh load"


def test_concurrent_loads_agree(corpus, tmp_path):
    root, _ = corpus
    cache = tmp_path / "cache" / "annotations"
    results: list[pd.DataFrame] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(load_corpus_cached(root, cache_dir=cache, quiet=True))
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.attrs["snapshot"] for r in results) == ["fresh load", "unchanged", "unchanged"]
    for r in results[1:]:
        pd.testing.assert_frame_equal(r, results[0])


def test_loader_version_is_stable():
    assert loader_version() == loader_version()
    assert len(loader_version()) == 16


def test_table_files_with_extra_columns(tmp_path):
    root = tmp_path / "tables"
    root.mkdir()
    rows = [
        {
            "headline": f"Harbour item {i}",
            "body": f"Story {i} about the quay and tides {i}.",
            "desk": d,
        }
        for i, d in enumerate(["local", "sport", "local"])
    ]
    pd.DataFrame(rows).to_csv(root / "a.csv", index=False)
    cache = tmp_path / "cache" / "annotations"
    first = _check(root, cache)
    assert first["desk"].tolist() == ["local", "sport", "local"]
    pd.DataFrame(rows[:2]).assign(body=["Other text one here.", "Other text two here."]).to_csv(
        root / "b.csv", index=False
    )
    assert _check(root, cache).attrs["snapshot"].startswith("updated: +1")
    pd.DataFrame(rows[:1]).assign(author="R. Castell", body="Third file body.").to_csv(
        root / "c.csv", index=False
    )
    after = _check(root, cache)  # another column: loaded afresh, still equal
    assert after.attrs["snapshot"] == "fresh load (the new files have other columns)"
