"""Turn the hand labels (labels.txt) into gold.csv, with checked character offsets.

    PYTHONPATH=$PWD python benchmarks/entity_gold/make_candidates.py > /tmp/candidates.csv
    PYTHONPATH=$PWD python benchmarks/entity_gold/build_gold.py /tmp/candidates.csv

labels.txt has one line per labelled mention, referring to a candidate by its row number
(0-based, header excluded) in the candidates CSV:

- ``ID LABEL`` — the candidate's span is the gold span;
- ``ID LABEL =Surface`` — the gold span is this surface string at the occurrence that
  overlaps the candidate (else the nearest one): the candidate's boundaries were wrong;
- ``+ID LABEL =Surface`` — an extra gold mention near candidate ID (one the candidates
  did not list separately, e.g. the second name in "Gazprom and Gazpromneft").

LABEL is PER, ORG, LOC, MISC or none. Every candidate that spaCy gave a name-type label
must be labelled (the script stops otherwise), so no spaCy mention goes unchecked.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from analysis import load_corpus
from analysis._validate import document_text

HERE = Path(__file__).resolve().parent
CORPORA = {
    "bbc": "/work/shared/corpora/bbc",
    "bbc_rss": "/work/shared/corpora/bbc_rss/bbc_news.csv",
}
NAME_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART"}
NAME_TYPES |= {"LAW", "LANGUAGE"}
_LINE = re.compile(r"^(\+?)(\d+)\s+(PER|ORG|LOC|MISC|none)(?:\s+=(.+))?$")


def _place(text: str, surface: str, start: int, end: int) -> tuple[int, int]:
    hits = [m.start() for m in re.finditer(re.escape(surface), text)]
    if not hits:
        raise SystemExit(f"{surface!r} not in document near {start}")
    over = [h for h in hits if h < end and h + len(surface) > start]
    s = over[0] if over else min(hits, key=lambda h: abs(h - start))
    return s, s + len(surface)


def main(candidates: str) -> None:
    with open(candidates, encoding="utf-8") as fh:
        cands = list(csv.DictReader(fh))
    texts: dict[tuple[str, str], str] = {}
    for name, path in CORPORA.items():
        df = load_corpus(path, quiet=True, progress=False)
        wanted = {c["doc_id"] for c in cands if c["corpus"] == name}
        df = df[df["doc_id"].isin(wanted)]
        texts.update({(name, d): t for d, t in zip(df["doc_id"], document_text(df), strict=True)})
    rows, seen = [], set()
    for line in (HERE / "labels.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise SystemExit(f"bad line in labels.txt: {line!r}")
        extra, cid, label, surface = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        c = cands[cid]
        if not extra:
            seen.add(cid)
        text = texts[(c["corpus"], c["doc_id"])]
        s, e = int(c["start"]), int(c["end"])
        if surface:
            s, e = _place(text, surface, s, e)
        rows.append(
            {
                "corpus": c["corpus"],
                "doc_id": c["doc_id"],
                "path": c["path"],
                "start": s,
                "end": e,
                "text": text[s:e],
                "gold": label,
            }
        )
    missing = [i for i, c in enumerate(cands) if c["spacy_label"] in NAME_TYPES and i not in seen]
    if missing:
        raise SystemExit(f"unlabelled spaCy candidates: {missing}")
    rows.sort(key=lambda r: (r["corpus"], r["path"], r["start"]))
    keys = {(r["doc_id"], r["start"], r["end"]) for r in rows}
    if len(keys) != len(rows):
        raise SystemExit("duplicate gold spans")
    with open(HERE / "gold.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows written to {HERE / 'gold.csv'}")


if __name__ == "__main__":
    main(sys.argv[1])
