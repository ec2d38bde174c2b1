"""Accuracy figures of issue 8 (entity boundaries, document sentiment, name masking).

Usage (from the repository root)::

    .venv/bin/python benchmarks/accuracy.py boundaries [--bbc DIR] [--rss CSV]
    .venv/bin/python benchmarks/accuracy.py sentiment --vader-sdist vaderSentiment-3.3.2.tar.gz
    .venv/bin/python benchmarks/accuracy.py masking --vader-sdist vaderSentiment-3.3.2.tar.gz
        [--bbc DIR]

``boundaries``: documents with an entity whose text (whitespace-trimmed) contains a line
break — before (spaCy's fast pipeline on the whole document text, as annotate() ran
until issue 8) and after (``analysis.annotate``, one spaCy Doc per line).

``sentiment`` and ``masking`` need VADER's human-rated ground truth (Hutto & Gilbert,
2014), which the vaderSentiment *source* distribution on PyPI ships in
``additional_resources/hutto_ICWSM_2014.tar.gz``; get it with the ordinary client::

    .venv/bin/pip download vaderSentiment==3.3.2 --no-binary :all: --no-deps -d /tmp/vs

``sentiment`` prints the Pearson correlation with the human mean rating of each
document rule of :func:`analysis.document_sentiment` (and of VADER on the whole text)
on the four rated sets. ``masking`` compares raw and name-masked sentence compounds on
the same sets (the NYT editorial snippets are news) and, with ``--bbc``, counts how many
BBC sentences change label when names are masked.
"""

from __future__ import annotations

import argparse
import io
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETS = ("tweets", "nytEditorialSnippets", "amazonReviewSnippets", "movieReviewSnippets")
_INNER = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"


def read_ground_truth(sdist: Path, name: str) -> list[tuple[str, float, str]]:
    """``(id, human mean rating, text)`` rows of ``<name>_GroundTruth.txt`` in the sdist."""
    with tarfile.open(sdist) as outer:
        inner_bytes = outer.extractfile(_INNER).read()
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        raw = inner.extractfile(f"hutto_ICWSM_2014/{name}_GroundTruth.txt").read()
    rows = []
    for line in raw.decode("utf-8").splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[2].strip():
            rows.append((parts[0], float(parts[1]), parts[2]))
    return rows


def _crossing(ents: list[tuple[str, str]]) -> bool:
    return any("\n" in text.strip() for text, _ in ents)


def boundaries(bbc: Path, rss: Path) -> None:
    from analysis import annotate, load_corpus
    from analysis._validate import document_text
    from analysis.nlp.models import load_model

    nlp = load_model()
    for path in (rss, bbc):
        corpus = load_corpus(path, quiet=True, progress=False)
        corpus = corpus[~corpus["is_duplicate"]].reset_index(drop=True)
        texts = document_text(corpus).tolist()
        before = sum(
            _crossing([(e.text, e.label_) for e in doc.ents])
            for doc in nlp.pipe(texts, batch_size=64)
        )
        ann = annotate(corpus, progress=False)
        ents = ann.entities
        after_docs = ents.loc[ents["text"].str.contains("\n"), "doc_id"].nunique()
        padded = (ents["text"] != ents["text"].str.strip()).sum()
        print(
            f"{path.name}: {len(corpus):,} documents; with a cross-line entity: "
            f"before {before:,}, after {after_docs:,}; entity texts with outer "
            f"whitespace after: {padded:,}; entities after: {len(ents):,}"
        )


def _document_rules(sdist: Path, nlp) -> None:
    import numpy as np
    import pandas as pd
    from scipy.stats import pearsonr
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.analyses.sentiment import _score_documents
    from analysis.nlp.annotator import annotate_texts

    vader = SentimentIntensityAnalyzer()
    print("Pearson r with the human mean rating (document = one rated text)")
    for name in SETS:
        rows = read_ground_truth(sdist, name)
        texts = [r[2] for r in rows]
        gold = np.array([r[1] for r in rows])
        table = annotate_texts(texts, keys=[str(i) for i in range(len(texts))], nlp=nlp)
        sents = table.filter(table["kind"].to_numpy(zero_copy_only=False) == 1).to_pandas()
        sents = sents.rename(columns={"hash": "doc_id"})
        ids = pd.Series([str(i) for i in range(len(texts))], name="doc_id")
        whole = [vader.polarity_scores(t)["compound"] for t in texts]
        out = [f"{name} (n={len(texts):,}):", f"whole-text VADER {pearsonr(gold, whole)[0]:.4f}"]
        for rule in ("sentence_mean", "auto", "whole_text"):
            for masked in (False, True):
                docs = _score_documents(sents, ids, rule=rule, masked=masked)
                r = pearsonr(gold, docs["compound"].fillna(0.0))[0]
                out.append(f"{rule}{' masked' if masked else ''} {r:.4f}")
        print("  " + "; ".join(out))


def _bbc_masking(bbc: Path) -> None:
    from analysis import annotate, load_corpus
    from analysis.analyses.sentiment import _label

    corpus = load_corpus(bbc, quiet=True, progress=False)
    corpus = corpus[~corpus["is_duplicate"]].reset_index(drop=True)
    s = annotate(corpus, progress=False).sentences
    changed = s["compound"] != s["compound_masked"]
    flips = _label(s["compound"]) != _label(s["compound_masked"])
    print(
        f"BBC: {len(s):,} sentences; masked score differs on {changed.sum():,} "
        f"({changed.mean():.1%}); label changes on {flips.sum():,} ({flips.mean():.1%}); "
        f"mean compound {s['compound'].mean():.4f} raw vs {s['compound_masked'].mean():.4f} "
        f"masked; mean |compound| {s['compound'].abs().mean():.4f} vs "
        f"{s['compound_masked'].abs().mean():.4f}"
    )
    examples = s[flips].assign(delta=(s["compound"] - s["compound_masked"]).abs())
    for row in examples.nlargest(8, "delta").itertuples():
        print(f"  {row.compound:+.3f} -> {row.compound_masked:+.3f}  {row.text[:110]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["boundaries", "sentiment", "masking"])
    parser.add_argument("--bbc", type=Path, default=ROOT.parent / "shared/corpora/bbc")
    parser.add_argument(
        "--rss", type=Path, default=ROOT.parent / "shared/corpora/bbc_rss/bbc_news.csv"
    )
    parser.add_argument("--vader-sdist", type=Path, help="vaderSentiment-3.3.2.tar.gz")
    args = parser.parse_args(argv)
    if args.what == "boundaries":
        boundaries(args.bbc, args.rss)
        return
    if args.vader_sdist is None or not args.vader_sdist.is_file():
        parser.error(f"--vader-sdist={args.vader_sdist} is not a file (see the usage above)")
    from analysis.nlp.models import load_model

    _document_rules(args.vader_sdist, load_model())
    if args.what == "masking" and args.bbc.is_dir():
        _bbc_masking(args.bbc)


if __name__ == "__main__":
    main()
