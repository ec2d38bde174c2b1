"""Corpus snapshots: after any add / change / remove, the snapshot equals a fresh load."""

from __future__ import annotations

import os
import random
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


# A source of our own whose stories end with a footer block and carry a long paragraph
# repeated in every story, wrapped differently each time (so only the paragraph repeats,
# not its lines).
_NOTICE = (
    "The Quayside Courier is written and printed by volunteers of the harbour reading room, "
    "who thank every reader for each letter, each correction and each coin left in the tin "
    "by the door; our next open evening is on the first Thursday of the month."
)
_FOOTER_BLOCK = "Share this article\nRelated stories:\nThe quay steps are repainted"


def _wrapped(text: str, i: int) -> str:
    """``text`` as two lines broken after word ``4 + 3 i`` (every story breaks it elsewhere)."""
    words = text.split()
    return " ".join(words[: 4 + 3 * i]) + "\n" + " ".join(words[4 + 3 * i :])


def _courier_story(i: int, body: str) -> str:
    return f"Courier story {i}\n\n{body}\n\n{_wrapped(_NOTICE, i)}\n\n{_FOOTER_BLOCK}\n"


_COURIER = [
    "The ferry timetable changes on Monday after the harbour board approved new dues for "
    "visiting yachts, and the evening crossing moves half an hour earlier until October.",
    "Fishermen at the north quay said the new crane had halved unloading times, though two "
    "skippers asked the board to keep the old hoist as a spare during the winter storms.",
    "A storm warning closed the lighthouse path for the second weekend running; rangers "
    "expect to reopen it once the fallen railings above the cove have been replaced.",
    "The harbour school opened a sailing club with twelve donated dinghies, and the first "
    "lessons on Saturday mornings were fully booked within a day of the notice going up.",
    "Volunteers counted forty-one seals on the sandbar during the annual survey, eight more "
    "than last year, and asked walkers to keep dogs on leads along the southern dunes.",
]


def _courier(root: Path) -> Path:
    folder = root / "courier"
    folder.mkdir(parents=True)
    for i, body in enumerate(_COURIER):
        (folder / f"c{i}.txt").write_text(_courier_story(i, body), encoding="utf-8")
    return folder


def test_new_file_with_footer_block_and_repeated_paragraph_is_merged(tmp_path):
    root = tmp_path / "corpus"
    folder = _courier(root)
    cache = tmp_path / "cache" / "annotations"
    first = _check(root, cache, folders="source")
    assert first["text"].str.contains("volunteers of the harbour", regex=False).sum() == 0
    body = (
        "The lifeboat crew trained off the east pier on Sunday with the new inshore boat, "
        "and the coxswain thanked the crowd that came to watch from the harbour wall."
    )
    (folder / "c9.txt").write_text(_courier_story(9, body), encoding="utf-8")
    after = _check(root, cache, folders="source")  # frame and report equal a fresh load
    assert after.attrs["snapshot"] == "updated: +1 ~0 -0 files"
    row = after.set_index("path").loc["courier/c9.txt"]
    assert row["text"] == body
    files = load_report(after).files.set_index("path")
    assert files.loc["courier/c9.txt", "boilerplate_lines"] == row["boilerplate_lines"] > 3
    assert files.loc["courier/c9.txt", "boilerplate_chars"] > len(_NOTICE)
    assert files.loc["courier/c9.txt", "detail"] == "footer from 'Share this article' on removed"
    (folder / "c2.txt").unlink()  # the paragraph stays repeated: merged too
    assert _check(root, cache, folders="source").attrs["snapshot"] == "updated: +0 ~0 -1 files"


def test_new_repeated_paragraph_or_moved_threshold_loads_afresh(tmp_path):
    root = tmp_path / "corpus"
    folder = _courier(root)
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache, folders="source")
    # a paragraph of story 0 now in three documents: repeated, story 0 changes too
    shared = "The tide tables for the week\nare pinned up in the harbour office."
    text = (folder / "c0.txt").read_text(encoding="utf-8")
    (folder / "c0.txt").write_text(
        text.replace("\n\nShare", f"\n\n{shared}\n\nShare"), encoding="utf-8"
    )
    _touch_later(folder / "c0.txt")
    assert _check(root, cache, folders="source").attrs["snapshot"].startswith("updated: +0 ~1")
    for i in (7, 8):
        (folder / f"n{i}.txt").write_text(
            f"Note {i}\n\nA short harbour note number {i} for the week.\n\n{shared}\n",
            encoding="utf-8",
        )
    after = _check(root, cache, folders="source")
    assert after.attrs["snapshot"] == (
        "fresh load (the repeated boilerplate of source 'courier' changed)"
    )
    assert not after["text"].str.contains("tide tables", regex=False).any()
    # need = max(2, 0.5 n): a line in 2 of 4 stories is repeated, in 2 of 5 it is not
    opts = {"folders": "source", "repeated_min_docs": 2, "repeated_min_share": 0.5}
    other = tmp_path / "other" / "courier"
    other.mkdir(parents=True)
    for i, body in enumerate(_COURIER[:4]):
        extra = "\n\nPrinted at the harbour reading room." if i < 2 else ""
        (other / f"c{i}.txt").write_text(f"Story {i}\n\n{body}{extra}\n", encoding="utf-8")
    before = _check(other.parent, cache, **opts)
    assert before["boilerplate_lines"].tolist() == [1, 1, 0, 0]
    (other / "d5.txt").write_text("Story 5\n\nOne more harbour story.\n", encoding="utf-8")
    moved = _check(other.parent, cache, **opts)
    assert moved.attrs["snapshot"].startswith("fresh load (the repeated boilerplate")
    assert moved["boilerplate_lines"].tolist() == [0, 0, 0, 0, 0]


def test_new_symlinked_file_keeps_its_own_note(tmp_path):
    root = tmp_path / "corpus"
    folder = _courier(root)
    cache = tmp_path / "cache" / "annotations"
    _check(root, cache, folders="source")
    outside = tmp_path / "elsewhere" / "story.txt"
    outside.parent.mkdir()
    outside.write_text(_courier_story(8, "A story kept outside the corpus."), encoding="utf-8")
    (folder / "linked.txt").symlink_to(outside)
    (folder / "plain.txt").write_text("Plain\n\nA plain new story.\n", encoding="utf-8")
    after = _check(root, cache, folders="source")
    assert after.attrs["snapshot"] == "updated: +2 ~0 -0 files"
    detail = load_report(after).files.set_index("path")["detail"]
    assert detail["courier/linked.txt"].startswith("symlink leads outside the corpus: ")
    assert detail["courier/linked.txt"].endswith("; footer from 'Share this article' on removed")
    assert pd.isna(detail["courier/plain.txt"])


def test_random_changes_with_boilerplate_equal_a_fresh_load(tmp_path):
    """Files added, rewritten, removed and copied at random in three sources whose stories
    share lines, multi-line paragraphs and footer blocks: after every step the snapshot equals
    a fresh load, whether the step was merged or (small sources: thresholds move) refused."""
    rng = random.Random(7)
    words = ["ferry", "crane", "storm", "harbour", "school", "seal", "lifeboat", "pier", "tide"]
    shared = [
        "Printed at the harbour reading room.",
        "Follow us on Quayside Radio for more",
        "Read more: harbour notes",
        "The reading room opens at nine\nand closes at six on weekdays.",
        "The reading room opens at nine and\ncloses at six on weekdays.",
    ]
    footers = ["Share this article\nRelated stories:\nQuay steps repainted", "Source link"]

    def write(path: Path) -> None:
        parts = [
            " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))).capitalize() + "."
            for _ in range(rng.randint(1, 3))
        ]
        parts += rng.sample(shared, rng.randint(0, 2))
        rng.shuffle(parts)
        if rng.random() < 0.4:
            parts.append(rng.choice(footers))
        path.parent.mkdir(parents=True, exist_ok=True)
        text = f"Story {rng.randint(0, 10**6)}\n\n" + "\n\n".join(parts) + "\n"
        path.write_text(text, encoding="utf-8")
        _touch_later(path)

    root, cache = tmp_path / "corpus", tmp_path / "cache" / "annotations"
    opts = {"folders": "source"}
    names = iter(range(10**6))
    for _ in range(12):
        write(root / rng.choice("abc") / f"f{next(names)}.txt")
    hows = []
    for _ in range(24):
        files = sorted(root.glob("*/*.txt"))
        op = rng.random()
        if op < 0.5:
            for _ in range(rng.randint(1, 3)):
                write(root / rng.choice("abc") / f"f{next(names)}.txt")
        elif op < 0.75:
            write(rng.choice(files))
        elif op < 0.9:
            rng.choice(files).unlink()
        else:
            shutil.copy(rng.choice(files), root / rng.choice("abc") / f"f{next(names)}.txt")
        hows.append(_check(root, cache, **opts).attrs["snapshot"])
    assert sum(h.startswith("updated") for h in hows) >= 6, hows
    assert any(h.startswith("fresh load (the repeated boilerplate") for h in hows), hows
