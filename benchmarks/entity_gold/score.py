"""Precision, recall and F1 per PER/ORG/LOC of the raw spaCy layer and the document layer.

    PYTHONPATH=$PWD python benchmarks/entity_gold/score.py [--corpora DIR] [--json OUT]

Gold: ``gold.csv`` beside this file (see README.md there). Each gold document is loaded
with :func:`analysis.load_corpus` from the corpus it came from, annotated with
:func:`analysis.annotate` (cached), and scored twice:

- ``raw``: spaCy's mentions as given (``Annotations.entities``);
- ``document``: the document-level layer (``Annotations.document_entities``).

A mention's predicted label is **the label a report shows for its name**: the ``label``
column of :func:`analysis.top_entities` over the gold documents (``layer=`` as scored),
mapped PERSON -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC (other labels are not PER/ORG/LOC).
A prediction is correct when its character span equals a gold span exactly and the label
is the same. Micro figures pool PER, ORG and LOC.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold.csv"
LABELS = ("PER", "ORG", "LOC")
_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
_FILES = {"bbc": "bbc", "bbc_rss": "bbc_rss/bbc_news.csv"}


def predictions(corpus: pd.DataFrame, ann, layer: str) -> pd.DataFrame:
    """doc_id, start, end, label (PER/ORG/LOC) of every mention, by its report label."""
    from analysis import entity_mentions, top_entities

    shown = top_entities(corpus, annotations=ann, types=None, top=None, layer=layer, progress=False)
    report_label = dict(zip(shown["name"], shown["label"], strict=True))
    m = entity_mentions(corpus, annotations=ann, types=None, layer=layer, progress=False)
    out = m[["doc_id", "start", "end"]].copy()
    out["label"] = m["name"].map(report_label).map(_MAP)
    return out.dropna(subset=["label"])


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_layers(corpora: Path, gold_path: Path = GOLD, *, scope: str = "gold") -> pd.DataFrame:
    """One row per layer and label (PER, ORG, LOC, micro): tp, fp, fn, precision, recall, f1.

    ``scope="gold"``: the report label of a name is computed over the gold documents;
    "corpus": over each whole corpus (a report on the BBC folder / the RSS CSV, duplicates
    left out), mentions still scored in the gold documents only.
    """
    from analysis import annotate, load_corpus

    gold = pd.read_csv(gold_path, dtype={"doc_id": str})
    rows = []
    preds: dict[str, list[pd.DataFrame]] = {"raw": [], "document": []}
    for name, rel in _FILES.items():
        docs = set(gold.loc[gold["corpus"] == name, "doc_id"])
        if not docs:
            continue
        corpus = load_corpus(corpora / rel, quiet=True, progress=False)
        if scope == "corpus":
            corpus = corpus[~corpus["is_duplicate"] | corpus["doc_id"].isin(docs)]
        else:
            corpus = corpus[corpus["doc_id"].isin(docs)]
        corpus = corpus.reset_index(drop=True)
        if not docs <= set(corpus["doc_id"]):
            raise SystemExit(f"gold documents missing from {corpora / rel}")
        ann = annotate(corpus, progress=False)
        for layer in preds:
            p = predictions(corpus, ann, layer)
            preds[layer].append(p[p["doc_id"].isin(docs)])
    g = gold[gold["gold"].isin(LABELS)]
    gold_set = set(zip(g["doc_id"], g["start"], g["end"], g["gold"], strict=True))
    for layer, parts in preds.items():
        p = pd.concat(parts, ignore_index=True)
        pred_set = set(zip(p["doc_id"], p["start"], p["end"], p["label"], strict=True))
        totals = [0, 0, 0]
        for label in (*LABELS, "micro"):
            if label == "micro":
                tp, fp, fn = totals
            else:
                gs = {x for x in gold_set if x[3] == label}
                ps = {x for x in pred_set if x[3] == label}
                tp, fp, fn = len(gs & ps), len(ps - gs), len(gs - ps)
                totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
            prec, rec, f1 = _prf(tp, fp, fn)
            rows.append(
                {
                    "layer": layer,
                    "label": label,
                    "tp": tp,
                    "fp": fp,
                    "fn": fn,
                    "precision": round(prec, 3),
                    "recall": round(rec, 3),
                    "f1": round(f1, 3),
                }
            )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("NEWSDESK_CORPORA") or HERE.parents[2] / "shared" / "corpora"
    ap.add_argument("--corpora", default=str(default), help="folder with bbc/ and bbc_rss/")
    ap.add_argument("--json", default=None, help="also write the table here")
    ap.add_argument(
        "--scope",
        choices=["gold", "corpus"],
        default="gold",
        help="compute report labels over the gold documents (default) or each whole corpus",
    )
    args = ap.parse_args(argv)
    table = score_layers(Path(args.corpora), scope=args.scope)
    print(table.to_string(index=False))
    if args.json:
        Path(args.json).write_text(json.dumps(table.to_dict("records"), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
