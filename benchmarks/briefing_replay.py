"""Replay a weekly briefing over the BBC RSS feed (2022) and print what each week names.

Not a speed benchmark: a reproducible look at whether the briefing names the stories a
reader of that period would recognise. Each week's corpus is the feed up to that Sunday
(duplicates removed); the previous week's documents are the baseline, exactly as
consecutive scheduled runs would see them. Annotations come from the project cache
(the first run annotates the feed: about a minute on 2 cores).

    .venv/bin/python benchmarks/briefing_replay.py [--csv PATH] [--start 2022-03-13]
        [--weeks 8]

Prints, per week: seconds for build_briefing, the headline, the top bursts, rising terms
and new or rising entities.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "corpora" / "bbc_rss" / "bbc_news.csv"


def main() -> None:
    from analysis import annotate, load_corpus
    from analysis.analyses.briefing import build_briefing

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=str(DEFAULT_CSV))
    parser.add_argument("--start", default="2022-03-13", help="first run date (a Sunday)")
    parser.add_argument("--weeks", type=int, default=8)
    args = parser.parse_args()
    ends = pd.date_range(args.start, periods=args.weeks, freq="7D", tz="UTC")
    corpus = load_corpus(args.csv, quiet=True, progress=False)
    corpus = corpus[~corpus["is_duplicate"] & (corpus["published"] < ends[-1])]
    corpus = corpus.reset_index(drop=True)
    ann = annotate(corpus, progress=False)
    previous, previous_date = None, None
    for end in ends:
        now = corpus[corpus["published"] < end].reset_index(drop=True)
        t0 = time.perf_counter()
        b = build_briefing(now, previous_ids=previous, previous_date=previous_date, annotations=ann)
        seconds = time.perf_counter() - t0
        print(f"\n== run of {end.date()} ({len(now):,} documents, {seconds:.1f} s)")
        print(f"   {b.headline}")
        for label, frame, col in (
            ("bursts", b.bursts, "term"),
            ("rising", b.rising, "term"),
            ("entities", b.entities, "name"),
        ):
            if len(frame):
                print(f"   {label}: {', '.join(frame[col].head(8))}")
        previous, previous_date = now["doc_id"].tolist(), str(end.date())


if __name__ == "__main__":
    main()
