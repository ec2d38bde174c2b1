"""Private: the corpus frame from the documents read: boilerplate removed, dates parsed,
duplicates flagged, ids assigned, and the load report's records completed."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pandas as pd

from analysis.corpus._boilerplate import clean_boilerplate
from analysis.corpus._dates import parse_dates
from analysis.corpus._dedup import find_duplicates
from analysis.corpus._readers import SUPPORTED_EXTS
from analysis.corpus._records import RawDoc, count_words
from analysis.errors import CorpusError

__all__ = ["CORPUS_COLUMNS", "build_frame", "doc_ids", "fingerprint", "nothing_loadable"]

CORPUS_COLUMNS = [
    "doc_id",
    "title",
    "text",
    "source",
    "category",
    "published",
    "url",
    "path",
    "n_chars",
    "n_words",
    "boilerplate_lines",
    "is_duplicate",
    "duplicate_of",
    "duplicate_kind",
]
_STR = pd.StringDtype()


def build_frame(
    docs: list[RawDoc],
    report: list[dict[str, Any]],
    doc_report_idx: list[int],
    *,
    boilerplate: bool,
    repeated_min_docs: int,
    repeated_min_share: float,
    boilerplate_max_chars: int,
    footer_max_share: float,
    near_duplicates: bool,
    near_threshold: float,
    shingle_size: int,
    progress: bool,
) -> pd.DataFrame:
    """The corpus frame (:data:`CORPUS_COLUMNS`, then extra table columns) of ``docs``.

    Also completes the report record of each document (``report[doc_report_idx[k]]``):
    status, ids, duplicate, unparsed date, boilerplate removed.
    """
    titles = [d.title for d in docs]
    texts = [d.text for d in docs]
    cleaned = clean_boilerplate(
        texts,
        [d.source for d in docs],
        footers=boilerplate,
        repeated=boilerplate,
        min_docs=repeated_min_docs,
        min_share=repeated_min_share,
        max_chars=boilerplate_max_chars,
        footer_max_share=footer_max_share,
    )
    texts, bp_counts = cleaned.texts, cleaned.lines
    published, bad_dates = parse_dates(d.published for d in docs)
    full = [f"{t}\n\n{x}" if t else x for t, x in zip(titles, texts, strict=True)]
    dup_of, kinds, sims = find_duplicates(
        full,
        published,
        near=near_duplicates,
        threshold=near_threshold,
        shingle_size=shingle_size,
        progress=progress,
    )
    ids = doc_ids(titles, texts)

    df = pd.DataFrame(
        {
            "doc_id": pd.array(ids, dtype=_STR),
            "title": pd.array(titles, dtype=_STR),
            "text": pd.array(texts, dtype=_STR),
            "source": pd.array([d.source for d in docs], dtype=_STR),
            "category": pd.array([d.category for d in docs], dtype=_STR),
            "published": published.array,
            "url": pd.array([d.url for d in docs], dtype=_STR),
            "path": pd.array([report[i]["path"] for i in doc_report_idx], dtype=_STR),
            "n_chars": pd.array([len(t) for t in texts], dtype="int64"),
            "n_words": pd.array([count_words(t) for t in texts], dtype="int64"),
            "boilerplate_lines": pd.array(bp_counts, dtype="int64"),
            "is_duplicate": pd.array([k is not None for k in kinds], dtype="bool"),
            "duplicate_of": pd.array([None if j is None else ids[j] for j in dup_of], dtype=_STR),
            "duplicate_kind": pd.array(kinds, dtype=_STR),
        },
        columns=CORPUS_COLUMNS,
    )
    df["published"] = df["published"].astype("datetime64[ns, UTC]")
    df = _with_extra_columns(df, [d.extra for d in docs])
    for k, i in enumerate(doc_report_idx):
        report[i].update(
            status="duplicate" if kinds[k] else "loaded",
            reason=None,
            doc_id=ids[k],
            duplicate_of=None if dup_of[k] is None else ids[dup_of[k]],
            duplicate_kind=kinds[k],
            similarity=sims[k],
            unparsed_date=str(docs[k].published) if bad_dates[k] else None,
            boilerplate_lines=bp_counts[k],
            boilerplate_chars=cleaned.chars[k],
        )
        if cleaned.footer[k]:
            note = f"footer from {cleaned.footer[k]!r} on removed"
            report[i]["detail"] = "; ".join(filter(None, [report[i].get("detail"), note]))
    return df


def nothing_loadable(root: Any, report: list[dict[str, Any]]) -> CorpusError:
    """The error when no input held a document: the inputs' reasons, the first five."""
    skipped = Counter(r.get("reason") for r in report)
    shown = "; ".join(
        f"{r['path']}: {r.get('reason')}" + (f" ({r['detail']})" if r.get("detail") else "")
        for r in report[:5]
    )
    return CorpusError(
        f"load_corpus(): path={str(root)!r} has no loadable documents "
        f"({len(report)} inputs; skipped: {dict(skipped) or 'none'}"
        + (f"; {shown}" if shown else "")
        + f"); expected text in files with one of the extensions {sorted(SUPPORTED_EXTS)}"
    )


def fingerprint(df: pd.DataFrame) -> str:
    """Hash of the sorted ``doc_id`` values (16 hex digits)."""
    ids_sorted = "\n".join(sorted(df["doc_id"].tolist()))
    return hashlib.sha256(ids_sorted.encode()).hexdigest()[:16]


def doc_ids(titles: list[str], texts: list[str]) -> list[str]:
    """sha256 of title + body (16 hex); the k-th identical copy (k >= 2) gets "#k" hashed in."""
    seen: Counter[str] = Counter()
    ids = []
    for title, text in zip(titles, texts, strict=True):
        content = f"{title}\n\n{text}"
        seen[content] += 1
        k = seen[content]
        if k > 1:
            content += f"\x00#{k}"
        ids.append(hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:16])
    return ids


def _with_extra_columns(df: pd.DataFrame, extras: list[dict[str, Any]]) -> pd.DataFrame:
    """Table columns not mapped to a field, after the standard ones (text, <NA> if absent).

    A name that clashes with a standard column gets an ``extra_`` prefix.
    """
    names = list(dict.fromkeys(k for e in extras for k in e))
    if not names:
        return df
    added = {
        (f"extra_{n}" if n in df.columns else n): pd.array([e.get(n) for e in extras], dtype=_STR)
        for n in names
    }
    return pd.concat([df, pd.DataFrame(added, index=df.index)], axis=1)
