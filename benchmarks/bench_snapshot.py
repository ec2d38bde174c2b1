"""Corpus snapshots: a load that costs what is new, and the report suite that uses them.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_snapshot.py [BBC_DIR] [--skip-suite] [--docs 20000]

Rows (ratio = ours / reference, as in benchmarks/run_all.py), all in this one process:

1. **unchanged 20k corpus: second load vs first** — a 20,000-document folder built in a
   temporary folder from the BBC texts (each article in up to 9 variants: every fourth word
   replaced by a variant-specific word, so no two documents are near-duplicates), loaded by
   ``load_corpus_cached`` into an empty cache (the first load: a full ``load_corpus`` plus
   the snapshot), then again (nothing changed). Target: ratio <= 0.1 (>= 10x faster).
   ``load_corpus`` itself is timed too, for reference.
2. **100 files added vs unchanged load** — 100 new variant files in a folder that sorts in
   the middle of the corpus, then ``load_corpus_cached`` again; the reference is an
   unchanged load of the updated snapshot. The two are timed side by side in ``--runs``
   alternating rounds (each round restores a copy of the snapshot taken before the files
   were added), and the median ratio is reported: single timings on a shared machine
   ranged from 2.5x to 4.6x. Target: ratio <= 3. The result is checked equal to a fresh
   ``load_corpus`` (frame and load report).
3. **warm three-report suite on BBC: snapshot notebooks vs today's** — the reference runs
   the report notebooks of the base commit (``git show BASE:notebooks/...``, each report
   loading the corpus itself), ours the current ones, with the same runner and a warm
   annotation cache; each suite is run once to warm up, then timed alternately (best of
   2). Target: ratio <= 0.5. The per-cell times papermill records show where the time goes.
   (Issue 10's later speed work — parallel reports, token and entity-layer caches — is
   measured by benchmarks/bench_suite.py against the package and notebooks of 71ecbc7.)

The machine may be shared: timings are wall-clock and noisy. Results are printed and
written to benchmarks/results/snapshot.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_BBC = ROOT.parent / "shared" / "corpora" / "bbc"
BASE = "4a4af16"  # the last commit whose notebooks loaded the corpus in every report
_FILLERS = (
    "harbour",
    "quarry",
    "lantern",
    "meadow",
    "ferry",
    "copper",
    "signal",
    "orchard",
    "tide",
)


def _variant(text: str, v: int) -> str:
    if v == 0:
        return text
    out = []
    for line in text.split("\n"):
        words = line.split(" ")
        for i in range(v % 4, len(words), 4):
            if words[i]:
                words[i] = f"{_FILLERS[v - 1]}{i % 7}"
        out.append(" ".join(words))
    return "\n".join(out)


def build_corpus(bbc_dir: Path, dest: Path, n_docs: int, *, start_variant: int = 0) -> int:
    """Write ``n_docs`` varied BBC articles under ``dest/<topic>/v<k>/NNN.txt``."""
    files = sorted(bbc_dir.glob("*/*.txt"))
    written = 0
    for v in range(start_variant, 10):
        for f in files:
            if written >= n_docs:
                return written
            raw = f.read_bytes().decode("utf-8", errors="replace")
            target = dest / f.parent.name / f"v{v}" / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_variant(raw, v), encoding="utf-8")
            written += 1
    return written


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_loads(bbc_dir: Path, n_docs: int, *, runs: int = 7) -> list[dict]:
    import numpy as np
    import pandas as pd

    from analysis.corpus.load import load_corpus, load_report
    from analysis.corpus.snapshot import load_corpus_cached

    rows = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
        root, cache = Path(tmp) / "corpus", Path(tmp) / "cache" / "annotations"
        n = build_corpus(bbc_dir, root, n_docs)
        t_plain, _ = _timed(lambda: load_corpus(root, quiet=True, progress=False))
        t_first, first = _timed(lambda: load_corpus_cached(root, cache_dir=cache, quiet=True))
        t_second, second = _timed(lambda: load_corpus_cached(root, cache_dir=cache, quiet=True))
        t_third, _ = _timed(lambda: load_corpus_cached(root, cache_dir=cache, quiet=True))
        t_unchanged = min(t_second, t_third)
        assert second.attrs["snapshot"] == "unchanged", second.attrs["snapshot"]
        pd.testing.assert_frame_equal(first, second)
        summary = load_report(first).summary()
        rows.append(
            {
                "task": f"unchanged {n:,}-document corpus: second load vs first",
                "ours_s": round(t_unchanged, 3),
                "reference_s": round(t_first, 3),
                "ratio": round(t_unchanged / t_first, 4),
                "note": f"target <= 0.1; plain load_corpus {t_plain:.2f} s; {summary}",
            }
        )
        before = Path(tmp) / "cache_before"  # the snapshot without the 100 files
        shutil.copytree(cache.parent, before, symlinks=True)
        extra = root / "business" / "m_new"  # sorts in the middle of the corpus
        extra.mkdir(parents=True)
        for i, f in enumerate(sorted(bbc_dir.glob("*/*.txt"))[::22][:100]):
            raw = f.read_bytes().decode("utf-8", errors="replace")
            (extra / f"{i:03d}.txt").write_text(_variant(raw, 9), encoding="utf-8")
        # side by side: each round restores the snapshot taken before the 100 files were
        # added and loads (the update), then loads the updated snapshot again (unchanged)
        adds, unchanged = [], []
        for _ in range(runs):
            work = Path(tmp) / "cache_work"
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(before, work, symlinks=True)
            t_add, added = _timed(
                lambda w=work: load_corpus_cached(root, cache_dir=w / "annotations", quiet=True)
            )
            assert added.attrs["snapshot"].startswith("updated"), added.attrs["snapshot"]
            t_same, same = _timed(
                lambda w=work: load_corpus_cached(root, cache_dir=w / "annotations", quiet=True)
            )
            assert same.attrs["snapshot"] == "unchanged", same.attrs["snapshot"]
            adds.append(t_add)
            unchanged.append(t_same)
        how = added.attrs["snapshot"]
        fresh = load_corpus(root, quiet=True, progress=False)
        pd.testing.assert_frame_equal(added, fresh)
        pd.testing.assert_frame_equal(load_report(added).files, load_report(fresh).files)
        ratios = sorted(a / u for a, u in zip(adds, unchanged, strict=True))
        rows.append(
            {
                "task": "100 files added vs unchanged load",
                "ours_s": round(float(np.median(adds)), 3),
                "reference_s": round(float(np.median(unchanged)), 3),
                "ratio": round(float(np.median(ratios)), 3),
                "note": (
                    f"target <= 3; median of {runs} alternating rounds (ratios "
                    f"{ratios[0]:.2f}-{ratios[-1]:.2f}); {how}; equal to a fresh load_corpus"
                ),
            }
        )
    return rows


def _base_notebooks(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("term_frequency", "entity_cooccurrence", "sentiment"):
        text = subprocess.run(
            ["git", "show", f"{BASE}:notebooks/{name}.ipynb"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (dest / f"{name}.ipynb").write_text(text, encoding="utf-8")
    for extra in (ROOT / "notebooks").glob("*"):  # resources the notebooks use
        if extra.suffix not in (".ipynb", ".py") and extra.is_file():
            shutil.copy2(extra, dest / extra.name)
    return dest


def _cells(results: list[Any]) -> list[tuple[float, str]]:
    import nbformat

    out = []
    for r in results:
        nb = nbformat.read(r.notebook_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                d = cell.metadata.get("papermill", {}).get("duration") or 0.0
                out.append((float(d), f"{r.name}: {cell.source.splitlines()[0][:60]}"))
    return out


def bench_suite(bbc_dir: Path) -> list[dict]:
    from analysis.reports.runner import run_reports

    rows = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-suite-") as tmp:
        base_nb = _base_notebooks(Path(tmp) / "base_notebooks")
        cache = Path(tmp) / "cache" / "annotations"

        def suite(folder: Path | None, label: str) -> tuple[float, list[Any]]:
            t0 = time.perf_counter()
            results = run_reports(
                "all",
                corpus=str(bbc_dir),
                parameters={"cache_dir": str(cache)},
                output_root=str(Path(tmp) / label),
                notebooks_dir=folder,
                force=True,
                progress=False,
                quiet=True,
            )
            failed = [r.name for r in results if r.status != "ok"]
            if failed:
                raise SystemExit(f"report suite failed ({label}): {failed}")
            return time.perf_counter() - t0, results

        suite(base_nb, "warm-up-base")  # fills the annotation cache
        suite(None, "warm-up-ours")  # fills the snapshot
        times: dict[str, list[float]] = {"base": [], "ours": []}
        cells: list[tuple[float, str]] = []
        for _ in range(2):
            times["base"].append(suite(base_nb, "base")[0])
            t, results = suite(None, "ours")
            times["ours"].append(t)
            cells = _cells(results)
        base, ours = min(times["base"]), min(times["ours"])
        top = sorted(cells, reverse=True)[:5]
        rows.append(
            {
                "task": "warm 3-report suite on BBC: snapshot notebooks vs today's",
                "ours_s": round(ours, 2),
                "reference_s": round(base, 2),
                "ratio": round(ours / base, 3),
                "note": "target <= 0.5; slowest cells (ours): "
                + "; ".join(f"{s:.1f} s {c}" for s, c in top)
                + f"; cells total {sum(s for s, _ in cells):.1f} s of {ours:.1f} s",
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bbc", nargs="?", default=str(DEFAULT_BBC))
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--skip-suite", action="store_true")
    parser.add_argument("--skip-loads", action="store_true")
    parser.add_argument("--runs", type=int, default=7, help="alternating rounds of row 2")
    args = parser.parse_args(argv)
    bbc = Path(args.bbc)
    if not bbc.is_dir():
        print(f"BBC corpus not found at {bbc}", file=sys.stderr)
        return 2
    rows = [] if args.skip_loads else bench_loads(bbc, args.docs, runs=args.runs)
    if not args.skip_suite:
        rows += bench_suite(bbc)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    out = HERE / "results" / "snapshot.json"
    out.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
