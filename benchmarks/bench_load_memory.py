"""Peak memory of loading one very large .txt article, as a multiple of the file's size.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_load_memory.py [--mb 100]

Writes a ``--mb`` MB article of our own words into a temporary folder, then loads it with
``load_corpus`` in a fresh process and prints that process's peak RSS, the RSS of the same
process after only importing ``analysis`` (the baseline), and the increase over the
baseline divided by the file size. Issue 9 measured ~4.6 GB peak for 100 MB before.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "harbour",
    "council",
    "pier",
    "ferry",
    "tram",
    "bakery",
    "valley",
    "river",
    "library",
    "volunteers",
    "winter",
    "summer",
    "engineers",
    "residents",
    "depot",
    "timetable",
    "crews",
    "budget",
    "school",
    "market",
    "bridge",
    "station",
    "festival",
    "museum",
    "mayor",
    "weather",
    "storm",
    "flood",
    "farmers",
    "orchard",
    "cycling",
    "road",
    "theatre",
    "choir",
]

_CHILD = """
import resource, sys, time
def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
import analysis
base = rss()
t, c = time.perf_counter(), time.process_time()
df = analysis.load_corpus(sys.argv[1], quiet=True, progress=False)
print(base, rss(), time.perf_counter() - t, time.process_time() - c, int(df["n_words"].sum()))
"""


def write_article(path: Path, mb: int, seed: int = 7) -> int:
    """A ``mb`` MB article: a title line, then paragraphs of random words. Returns bytes."""
    rng = random.Random(seed)
    size = mb * 1_000_000
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("A very long town diary\n\n")
        while n < size:
            sentences = (
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18))).capitalize() + "."
                for _ in range(rng.randint(2, 6))
            )
            para = " ".join(sentences)
            fh.write(para + "\n\n")
            n += len(para) + 2
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=100, help="file size in MB (default 100)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        size = write_article(path, args.mb)
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        ).stdout.split()
    base, peak, wall, cpu, words = map(float, out)
    print(
        f"{size / 1e6:.1f} MB .txt ({int(words):,} words): peak RSS {peak:.0f} MB, "
        f"after import {base:.0f} MB; increase {peak - base:.0f} MB = "
        f"{(peak - base) * 1e6 / size:.1f}x the file; {wall:.1f} s wall, {cpu:.1f} s CPU"
    )


if __name__ == "__main__":
    main()
