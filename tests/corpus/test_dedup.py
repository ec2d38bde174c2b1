"""Exact and near-duplicate detection in analysis.corpus._dedup."""

from __future__ import annotations

import random

import pandas as pd

from analysis.corpus._dedup import _jaccard, find_duplicates, normalise_for_dedup, shingle_hashes


def words(seed, n=150):
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(500)}" for _ in range(n))


def no_dates(n):
    return pd.Series(pd.to_datetime([None] * n, utc=True))


def test_normalise():
    assert normalise_for_dedup("  Hello\n\tWORLD  ") == "hello world"


def test_exact_duplicates_first_in_load_order_kept():
    a = words(1)
    dup_of, kind, sim = find_duplicates([a, words(2), a.upper(), " " + a], no_dates(4))
    assert dup_of == [None, None, 0, 0]
    assert kind == [None, None, "exact", "exact"]
    assert sim[2] == 1.0


def test_earliest_published_is_kept_and_undated_come_last():
    a = words(1)
    dates = pd.Series(pd.to_datetime([None, "2024-02-01", "2024-01-01"], utc=True))
    dup_of, _kind, _ = find_duplicates([a, a, a], dates)
    assert dup_of == [2, 2, None]


def _edit(text, n_changes, seed=0):
    rng = random.Random(seed)
    toks = text.split()
    for i in rng.sample(range(len(toks)), n_changes):
        toks[i] = "zz"
    return " ".join(toks)


def test_near_duplicates_verified_against_true_jaccard():
    base = words(3)
    close = _edit(base, 1)  # one changed word: Jaccard ~ 0.94
    far = _edit(base, 12, seed=1)  # many changes: Jaccard well below 0.8
    texts = [base, close, far, words(4)]
    dup_of, kind, sim = find_duplicates(texts, no_dates(4), threshold=0.8)
    true = [
        _jaccard(
            shingle_hashes(normalise_for_dedup(base), 5), shingle_hashes(normalise_for_dedup(t), 5)
        )
        for t in texts
    ]
    assert true[1] >= 0.8 > true[2]
    assert dup_of == [None, 0, None, None]
    assert kind == [None, "near", None, None]
    assert abs(sim[1] - true[1]) < 1e-6


def test_threshold_option_and_near_off():
    base = words(5)
    texts = [base, _edit(base, 4)]
    j = _jaccard(*(shingle_hashes(normalise_for_dedup(t), 5) for t in texts))
    assert find_duplicates(texts, no_dates(2), threshold=min(1.0, j + 0.05))[1] == [None, None]
    assert find_duplicates(texts, no_dates(2), threshold=j - 0.05)[1] == [None, "near"]
    assert find_duplicates(texts, no_dates(2), near=False)[1] == [None, None]


def test_short_texts_and_empty():
    assert find_duplicates([], no_dates(0)) == ([], [], [])
    _dup_of, kind, _ = find_duplicates(["tiny note", "tiny note!", "tiny note"], no_dates(3))
    assert kind == [None, None, "exact"]


def test_no_false_positives_among_distinct_random_docs():
    texts = [words(100 + i, n=80) for i in range(300)]
    _, kind, _ = find_duplicates(texts, no_dates(300))
    assert kind == [None] * 300


def test_bbc_near_duplicates_match_brute_force(bbc_dir):
    """Every pair with shingle Jaccard >= 0.8 (all pairs, via a sparse product) is grouped."""
    import numpy as np
    import scipy.sparse as sp

    from analysis._validate import document_text
    from analysis.corpus.load import load_corpus

    df = load_corpus(bbc_dir, quiet=True, progress=False)
    unique = df[df["duplicate_kind"].fillna("") != "exact"].reset_index(drop=True)
    sh = [shingle_hashes(normalise_for_dedup(t), 5) for t in document_text(unique)]
    vocab: dict[int, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sh):
        for h in s.tolist():
            cols.append(vocab.setdefault(h, len(vocab)))
            rows.append(i)
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sh), len(vocab)))
    inter = (x @ x.T).tocoo()
    sizes = np.array([s.size for s in sh])
    upper = inter.row < inter.col
    r, c, v = inter.row[upper], inter.col[upper], inter.data[upper]
    jac = v / (sizes[r] + sizes[c] - v)
    pairs = [
        (int(a), int(b)) for a, b in zip(r[jac >= 0.8 - 1e-12], c[jac >= 0.8 - 1e-12], strict=True)
    ]
    assert pairs  # the BBC corpus has near-duplicates
    ids = unique["doc_id"].tolist()
    root = {
        d: (o if isinstance(o, str) else d)
        for d, o in zip(ids, unique["duplicate_of"], strict=True)
    }
    for a, b in pairs:
        assert root[ids[a]] == root[ids[b]], (unique["path"][a], unique["path"][b])
    near = unique[unique["duplicate_kind"] == "near"]
    assert len(near) == len({max(p) for p in pairs})
