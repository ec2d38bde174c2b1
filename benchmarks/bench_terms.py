"""Term counting: analysis.analyses.terms.term_frequencies vs scikit-learn's CountVectorizer.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_terms.py [BBC_DIR]

BBC_DIR defaults to ../shared/corpora/bbc (beside the repository). Both sides get the
same texts (``analysis._validate.document_text``: title, blank line, body) and the same
settings (``count_vectorizer_options``: token pattern, lower-casing, stop words, n-gram
range), run in this one process, alternating, best of 3 after one untimed warm-up each.
Both produce the same information: every term with its total count and document count
(ours: the tidy DataFrame, sorted; reference: ``fit_transform`` + column sums + document
frequencies + vocabulary). The counts are checked to be equal. Results are printed and
written to benchmarks/results/terms.json and terms.csv.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_BBC = ROOT.parent / "shared" / "corpora" / "bbc"
CASES = [("unigrams", (1, 1)), ("bigrams", (2, 2)), ("unigrams + bigrams", (1, 2))]


def read_bbc(bbc_dir: Path) -> Any:
    """The BBC corpus as a corpus DataFrame (title = first line, category = folder)."""
    import pandas as pd
    from bench_annotate import read_bbc as read_bbc_articles

    corpus = read_bbc_articles(bbc_dir)
    corpus["source"] = "bbc"
    corpus["published"] = pd.Series(pd.NaT, index=corpus.index, dtype="datetime64[ns, UTC]")
    return corpus


def _best_of(fns: dict[str, Callable[[], Any]], repeat: int = 3) -> dict[str, float]:
    for fn in fns.values():  # warm-up: imports, regex compilation, stop-word loading
        fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():  # alternate
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def run(bbc_dir: Path | str = DEFAULT_BBC, *, repeat: int = 3) -> list[dict]:
    """Time our counting against CountVectorizer; rows for benchmarks/run_all.py."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    from analysis._validate import document_text
    from analysis.analyses.terms import count_vectorizer_options, term_frequencies

    corpus = read_bbc(Path(bbc_dir))
    texts = document_text(corpus).tolist()
    rows = []
    for label, ngram_range in CASES:
        options = count_vectorizer_options(ngram_range=ngram_range)

        def ours(ngram_range: tuple[int, int] = ngram_range) -> Any:
            return term_frequencies(corpus, ngram_range=ngram_range, progress=False)

        def reference(options: dict = options) -> Any:
            vec = CountVectorizer(**options)
            x = vec.fit_transform(texts)
            counts = np.asarray(x.sum(axis=0)).ravel()
            docs = np.bincount(x.indices, minlength=x.shape[1])
            return vec.get_feature_names_out(), counts, docs

        best = _best_of({"ours": ours, "reference": reference}, repeat=repeat)
        df = ours()
        names, counts, docs = reference()
        got = dict(
            zip(
                df["term"],
                zip(df["count"].tolist(), df["doc_count"].tolist(), strict=True),
                strict=True,
            )
        )
        want = dict(
            zip(names.tolist(), zip(counts.tolist(), docs.tolist(), strict=True), strict=True)
        )
        equal = got == want
        rows.append(
            {
                "task": f"term counts, {label}, BBC {len(texts)} docs",
                "ours_s": round(best["ours"], 3),
                "reference_s": round(best["reference"], 3),
                "ratio": round(best["ours"] / best["reference"], 3),
                "note": (
                    f"reference = CountVectorizer{ngram_range}; {len(want)} terms; "
                    f"counts {'EQUAL' if equal else 'DIFFER'}; best of {repeat}"
                ),
                "terms": len(want),
                "counts_equal": equal,
            }
        )
        if not equal:
            raise SystemExit(f"bench_terms: counts differ from CountVectorizer for {label}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "terms.json").write_text(json.dumps(rows, indent=2) + "\n")
    with (out / "terms.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bbc_dir = Path(argv[0]) if argv else DEFAULT_BBC
    if not bbc_dir.is_dir():
        print(f"BBC corpus not found at {bbc_dir}; pass its folder as the first argument")
        return 2
    rows = run(bbc_dir)
    print(f"{'task':<48} {'ours s':>8} {'reference s':>12} {'ratio':>7}  counts")
    for r in rows:
        print(
            f"{r['task']:<48} {r['ours_s']:>8.3f} {r['reference_s']:>12.3f} {r['ratio']:>7.3f}  "
            f"{'equal' if r['counts_equal'] else 'DIFFER'} ({r['terms']} terms)"
        )
    print(f"written: {HERE / 'results' / 'terms.json'} and terms.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
