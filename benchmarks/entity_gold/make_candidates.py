"""List candidate entity mentions of the gold-set documents, for hand labelling.

Run once to start the gold set (it does not write gold labels):

    PYTHONPATH=$PWD python benchmarks/entity_gold/make_candidates.py > /tmp/candidates.csv

Documents: a seeded random sample (seed 8) of 2 non-duplicate BBC articles per topic
folder and 30 non-duplicate BBC RSS items. Candidates are the union of spaCy's raw
mentions (fast pipeline, as `analysis.annotate` stores them) and every run of
capitalised words the raw layer does not cover, so a mention spaCy missed is listed too.
Each candidate was then read in its sentence and given a gold label (or "none") by hand;
spans were corrected by hand where the candidate's boundaries were wrong.
"""

from __future__ import annotations

import csv
import re
import sys

import numpy as np

from analysis import annotate, load_corpus
from analysis._validate import document_text

BBC = "/work/shared/corpora/bbc"
RSS = "/work/shared/corpora/bbc_rss/bbc_news.csv"
_CAPS = re.compile(r"[A-Z][\w'.&-]*(?:\s+(?:of|the|and|de|for|[A-Z][\w'.&-]*))*(?<![\s.])")


def sample() -> list[tuple[str, object]]:
    rng = np.random.default_rng(8)
    out = []
    bbc = load_corpus(BBC, quiet=True, progress=False)
    bbc = bbc[~bbc["is_duplicate"]]
    for cat in sorted(bbc["category"].unique()):
        rows = bbc[bbc["category"] == cat]
        for i in sorted(rng.choice(len(rows), 2, replace=False)):
            out.append(("bbc", rows.iloc[[i]]))
    rss = load_corpus(RSS, quiet=True, progress=False)
    rss = rss[~rss["is_duplicate"]]
    for i in sorted(rng.choice(len(rss), 30, replace=False)):
        out.append(("bbc_rss", rss.iloc[[i]]))
    return out


def main() -> None:
    w = csv.writer(sys.stdout)
    w.writerow(["corpus", "doc_id", "path", "start", "end", "text", "spacy_label"])
    for corpus, row in sample():
        text = document_text(row).iloc[0]
        ann = annotate(row, progress=False)
        cands = {
            (int(s), int(e)): lab for s, e, lab in ann.entities[["start", "end", "label"]].values
        }
        covered = np.zeros(len(text) + 1, bool)
        for s, e in cands:
            covered[s:e] = True
        for m in _CAPS.finditer(text):
            if not covered[m.start() : m.end()].any():
                cands[(m.start(), m.end())] = ""
        path = row["path"].iloc[0] if "path" in row else ""
        for (s, e), lab in sorted(cands.items()):
            w.writerow([corpus, row["doc_id"].iloc[0], path, s, e, text[s:e], lab])


if __name__ == "__main__":
    main()
