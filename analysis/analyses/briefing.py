"""What changed since the last run: new articles, rising and bursting terms, the briefing.

A scheduled run records the ``doc_id`` of every document it saw (``run.json``). The next
run calls :func:`build_briefing` with those ids: the documents not seen before are *new*,
the others are the *baseline*. On a first run of dated documents, the last ``days`` days
are compared with the days before; a first run of undated documents has nothing to
compare with and lists only the volume.

Findings (each a tidy DataFrame):

- :func:`analysis.analyses.volume.volume_changes` — new articles per source (or category, or
  URL section) against
  the usual daily range of the baseline (10th to 90th percentile of articles a day over
  the ``days_back`` days before the new period, days without articles counted as 0);
- :func:`rising_terms` — words and two-word phrases used more in the new documents than
  in the baseline (log-likelihood G² >= 15.13, p < 0.0001, and at least twice as
  frequent: log ratio >= 1; see :func:`analysis.analyses.keyness.distinctive_terms`);
- :func:`term_bursts` — Kleinberg bursts over daily document counts that reach into the
  new period (:mod:`analysis.analyses.bursts`);
- entities, pairs and sentiment: :mod:`analysis.analyses.shifts`.

Each finding carries up to two evidence sentences from new documents, with the doc_id,
title and URL of their article.

Example:
    >>> from analysis.analyses.briefing import build_briefing
    >>> b = build_briefing(corpus, previous_ids=last_run["doc_ids"])    # doctest: +SKIP
    >>> b.headline                                                       # doctest: +SKIP
    '41 new articles since 2022-03-07; rising: mariupol, theatre; new: Mariupol Drama Theatre'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis._validate import document_text
from analysis.analyses._tokenize import _Tokenizer
from analysis.analyses.bursts import detect_bursts
from analysis.analyses.keyness import distinctive_terms
from analysis.analyses.volume import _dates, _mask, group_column, volume_changes
from analysis.errors import AnalysisInputError

__all__ = [
    "Briefing",
    "build_briefing",
    "evidence_sentences",
    "rising_terms",
    "split_new",
    "term_bursts",
]

Mode = Literal["since_last_run", "first_run", "first_run_undated"]
#: G² at p = 0.0001 (chi-square, 1 df): the cut-off for "rising".
G2_CUTOFF = 15.13
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")


@dataclass(frozen=True)
class Briefing:
    """The findings of one run against the previous one (see the module docstring)."""

    mode: Mode
    n_docs: int
    n_new: int
    previous_date: str | None
    new_period: tuple[str | None, str | None]
    group_by: str
    new_articles: pd.DataFrame
    volume: pd.DataFrame
    rising: pd.DataFrame
    bursts: pd.DataFrame
    entities: pd.DataFrame = field(default_factory=pd.DataFrame)
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    sentiment: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        """One line: how many new articles, the top rising terms and new entities."""
        if self.mode == "since_last_run":
            first = f"{_articles(self.n_new, 'new article')} since the run of {self.previous_date}"
        elif self.mode == "first_run":
            first = f"first run: the last days ({_articles(self.n_new)}) against the days before"
        else:
            first = f"first run: {_articles(self.n_docs)}, nothing to compare with yet"
        parts = [first]
        terms = list(self.bursts.get("term", pd.Series(dtype=object)).head(3))
        terms += list(self.rising.get("term", pd.Series(dtype=object)))
        terms = [terms[i] for i in _dedupe_terms(terms, 4)]  # "nazanin" after "nazanin zaghari"
        if terms:
            parts.append("rising: " + ", ".join(terms))
        if len(self.entities):
            parts.append("new or rising: " + ", ".join(self.entities["name"].head(3)))
        return "; ".join(parts)


def _articles(n: int, noun: str = "article") -> str:
    """``"1 article"``, ``"2,048 articles"``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- new vs old


def split_new(
    corpus: pd.DataFrame, *, previous_ids: Iterable[str] | None = None, days: int = 7
) -> tuple[pd.Series, Mode]:
    """Which documents are new: not among ``previous_ids``, or (first run) in the last days.

    Returns:
        A boolean Series aligned with ``corpus`` and the mode: ``"since_last_run"``,
        ``"first_run"`` (dated: the last ``days`` days up to the newest date are new) or
        ``"first_run_undated"`` (everything is new; nothing to compare with).

    Example:
        >>> is_new, mode = split_new(corpus, previous_ids=["a1", "b2"])   # doctest: +SKIP
    """
    if "doc_id" not in corpus.columns:
        raise AnalysisInputError("split_new(): corpus has no 'doc_id' column")
    if previous_ids is not None:
        seen = set(map(str, previous_ids))
        return ~corpus["doc_id"].astype(str).isin(seen), "since_last_run"
    dates = _dates(corpus)
    if dates.notna().sum() == 0:
        return pd.Series(True, index=corpus.index), "first_run_undated"
    last = dates.max().normalize()
    return (dates >= last - pd.Timedelta(days=days - 1)).fillna(False), "first_run"


# --------------------------------------------------------------------------- evidence


def _sentences(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of each document (a light split on . ! ? and line breaks)."""
    texts = document_text(corpus)
    rows = []
    for pos, text in enumerate(texts):
        for sent in _SENT_SPLIT.split(text):
            sent = " ".join(sent.split())
            if len(sent) > 3:
                rows.append((pos, sent))
    out = pd.DataFrame(rows, columns=["_pos", "sentence"])
    out["_lower"] = out["sentence"].str.lower()
    return out


def _article(corpus: pd.DataFrame, pos: int) -> dict[str, Any]:
    row = corpus.iloc[pos]
    published = row.get("published")
    return {
        "doc_id": str(row["doc_id"]),
        "title": "" if pd.isna(row.get("title")) else str(row.get("title")),
        "url": row.get("url") if isinstance(row.get("url"), str) else None,
        "published": None if pd.isna(published) else pd.Timestamp(published).date().isoformat(),
    }


def evidence_sentences(
    corpus: pd.DataFrame, terms: Sequence[str], *, per_term: int = 2, _sents: Any = None
) -> list[list[dict[str, Any]]]:
    """Up to ``per_term`` sentences of ``corpus`` containing each term (whole words).

    Each sentence is a dict: doc_id, title, url, published, text. Sentences from
    different articles come first.

    Example:
        >>> evidence_sentences(new_docs, ["mariupol"])[0][0]["text"]       # doctest: +SKIP
    """
    sents = _sentences(corpus) if _sents is None else _sents
    out = []
    for term in terms:
        words = [re.escape(w) for w in str(term).lower().split()]
        pattern = r"(?<![\w])" + r"\W+".join(words) + r"(?![\w])"
        hits = sents[sents["_lower"].str.contains(pattern, regex=True)]
        hits = hits.drop_duplicates("_pos").head(per_term)
        out.append(
            [
                {**_article(corpus, int(p)), "text": s}
                for p, s in zip(hits["_pos"], hits["sentence"], strict=True)
            ]
        )
    return out


def _dedupe_terms(terms: Sequence[str], limit: int) -> list[int]:
    """Positions of terms to keep, best first, skipping one whose words overlap a kept one's."""
    kept: list[int] = []
    kept_words: list[set[str]] = []
    for i, term in enumerate(terms):
        words = set(str(term).split())
        if any(words <= k or k <= words for k in kept_words):
            continue
        kept.append(i)
        kept_words.append(words)
        if len(kept) == limit:
            break
    return kept


# --------------------------------------------------------------------------- terms


def rising_terms(
    corpus: pd.DataFrame,
    *,
    is_new: Any,
    min_docs: int = 3,
    top: int = 10,
    stopwords: Any = "news",
    evidence: int = 2,
) -> pd.DataFrame:
    """Words and two-word phrases used more in the new documents than in the baseline.

    Keyness of new against baseline documents (:func:`analysis.analyses.keyness.distinctive_terms`,
    unigrams and bigrams): kept when G² >= 15.13 (p < 0.0001), log ratio >= 1 (at least
    twice as frequent) and the term is in at least ``min_docs`` new documents. A term
    whose words overlap a stronger one's ("johnson" after "boris johnson") is left out.

    Returns:
        Columns term, new_docs, baseline_docs, new_per_10k, baseline_per_10k, g2,
        log_ratio, examples (list of evidence dicts); strongest first.

    Example:
        >>> rising_terms(corpus, is_new=is_new, top=5)                     # doctest: +SKIP
    """
    cols = ["term", "new_docs", "baseline_docs", "new_per_10k", "baseline_per_10k", "g2",
            "log_ratio", "examples"]  # fmt: skip
    mask = _mask(corpus, is_new, func="rising_terms")
    if mask.all() or not mask.any():
        return pd.DataFrame(columns=cols)
    frame = corpus.assign(_side=np.where(mask, "new", "baseline"))
    try:
        table = distinctive_terms(
            frame, by="_side", target="new", ngram_range=(1, 2), stopwords=stopwords,
            min_count=min_docs, direction="over", progress=False,
        )  # fmt: skip
    except AnalysisInputError:  # e.g. the new documents have no terms
        return pd.DataFrame(columns=cols)
    table = table[
        (table["g2"] >= G2_CUTOFF)
        & (table["log_ratio"] >= 1)
        & (table["target_doc_count"] >= min_docs)
    ].reset_index(drop=True)
    table = table.iloc[_dedupe_terms(table["term"].tolist(), top)].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "term": table["term"],
            "new_docs": table["target_doc_count"].astype(int),
            "baseline_docs": table["reference_doc_count"].astype(int),
            "new_per_10k": table["target_per_10k"],
            "baseline_per_10k": table["reference_per_10k"],
            "g2": table["g2"],
            "log_ratio": table["log_ratio"],
        }
    )
    new_docs = corpus[mask].reset_index(drop=True)
    out["examples"] = evidence_sentences(new_docs, out["term"].tolist(), per_term=evidence)
    return out[cols]


def _daily_doc_terms(
    corpus: pd.DataFrame, tok: _Tokenizer, vocabulary: set[str] | None
) -> pd.DataFrame:
    days = _dates(corpus).dt.tz_convert(None).dt.normalize()
    rows = []
    for day, text in zip(days, document_text(corpus), strict=True):
        if pd.isna(day):
            continue
        terms = set(tok.terms(text))
        if vocabulary is not None:
            terms &= vocabulary
        rows.extend((t, day) for t in terms)
    frame = pd.DataFrame(rows, columns=["term", "day"])
    return frame.groupby(["term", "day"]).size().rename("docs").reset_index()


def term_bursts(
    corpus: pd.DataFrame,
    *,
    is_new: Any,
    s: float = 2.0,
    gamma: float = 1.0,
    min_docs: int = 3,
    days_back: int = 56,
    top: int = 10,
    stopwords: Any = "news",
    evidence: int = 2,
    min_ratio: float = 3.0,
) -> pd.DataFrame:
    """Terms with a Kleinberg burst that reaches into the new period.

    Daily document counts of every word and two-word phrase found in at least
    ``min_docs`` new documents, over the ``days_back`` days before the new period and the
    new period itself (so stray old dates do not stretch the series), go through
    :func:`analysis.analyses.bursts.detect_bursts` with ``s`` and ``gamma``. A burst is kept when
    it ends inside the new period, holds at least ``min_docs`` new documents and at least
    ``min_ratio`` times the documents the base rate expects (3: a word that is merely
    common on a busy day, such as "best" or "pm", does not qualify). Overlapping terms
    keep the heavier burst.

    Returns:
        Columns term, start, end, days, docs, expected, weight, examples; heaviest first.

    Example:
        >>> term_bursts(corpus, is_new=is_new, top=5)                      # doctest: +SKIP
    """
    cols = ["term", "start", "end", "days", "docs", "expected", "weight", "examples"]
    mask = _mask(corpus, is_new, func="term_bursts")
    days = _dates(corpus).dt.tz_convert(None).dt.normalize()
    new_days = days[mask].dropna()
    if new_days.empty or mask.all():
        return pd.DataFrame(columns=cols)
    start, end = new_days.min(), new_days.max()
    span = pd.date_range(start - pd.Timedelta(days=days_back), end)
    window = days.isin(span).to_numpy()
    tok = _Tokenizer(func="term_bursts", ngram_range=(1, 2), stopwords=stopwords)
    new_counts = _daily_doc_terms(corpus[mask & window], tok, None)
    per_term = new_counts.groupby("term")["docs"].sum()
    vocabulary = set(per_term[per_term >= min_docs].index)
    if not vocabulary:
        return pd.DataFrame(columns=cols)
    daily = _daily_doc_terms(corpus[window], tok, vocabulary)
    totals = days[window].value_counts().reindex(span, fill_value=0)
    found = detect_bursts(daily, totals=totals, s=s, gamma=gamma, min_docs=min_docs)
    found = found[(found["end"] >= start) & (found["docs"] >= min_ratio * found["expected"])]
    new_in = new_counts.merge(found[["term", "start", "end"]], on="term")
    new_in = new_in[(new_in["day"] >= new_in["start"]) & (new_in["day"] <= new_in["end"])]
    enough = new_in.groupby("term")["docs"].sum()
    found = found[found["term"].map(enough).fillna(0) >= min_docs].reset_index(drop=True)
    found = found.iloc[_dedupe_terms(found["term"].tolist(), top)].reset_index(drop=True)
    new_docs = corpus[mask].reset_index(drop=True)
    found["examples"] = evidence_sentences(new_docs, found["term"].tolist(), per_term=evidence)
    return found[cols]


# --------------------------------------------------------------------------- the briefing


def new_articles(corpus: pd.DataFrame, *, is_new: Any) -> pd.DataFrame:
    """The new documents: doc_id, title, source, published, url (newest first)."""
    mask = _mask(corpus, is_new, func="new_articles")
    cols = [c for c in ("doc_id", "title", "source", "published", "url") if c in corpus.columns]
    out = corpus.loc[mask, cols].copy()
    if "published" in out.columns:
        out = out.sort_values("published", ascending=False, na_position="last", kind="stable")
    return out.reset_index(drop=True)


def build_briefing(
    corpus: pd.DataFrame,
    *,
    previous_ids: Iterable[str] | None = None,
    previous_date: str | None = None,
    annotations: Any = None,
    entities: bool = True,
    days: int = 7,
    cache_dir: Any = None,
    progress: bool = True,
) -> Briefing:
    """Every finding of the briefing for ``corpus`` against the previous run's documents.

    Args:
        corpus: The corpus as loaded now (duplicates already removed, if wanted).
        previous_ids: ``doc_id`` values the previous run saw (None: first run).
        previous_date: The previous run's date, for the headline.
        annotations: From :func:`analysis.annotate`; None annotates now (cached).
        entities: Include entities, pairs and sentiment (needs spaCy).
        days: On a first run of dated documents, the last ``days`` days are "new".
        cache_dir: Annotation cache folder (see :func:`analysis.annotate`).
        progress: Show progress while annotating.

    Example:
        >>> b = build_briefing(corpus, previous_ids=ids, previous_date="2022-03-07")
        ...                                                                # doctest: +SKIP
    """
    is_new, mode = split_new(corpus, previous_ids=previous_ids, days=days)
    mask = is_new.to_numpy()
    _, group_by = group_column(corpus)
    notes = []
    empty = pd.DataFrame()
    dates = _dates(corpus)[mask].dropna()
    period = (
        dates.min().date().isoformat() if len(dates) else None,
        dates.max().date().isoformat() if len(dates) else None,
    )
    compare = mode != "first_run_undated" and mask.any() and not mask.all()
    rising = rising_terms(corpus, is_new=mask) if compare else empty
    bursts = term_bursts(corpus, is_new=mask) if compare else empty
    if not compare:
        if not mask.any():
            why = "no new articles since the last run."
        elif mode == "first_run_undated":
            why = "this is the first run and the documents are undated."
        else:
            why = "every document is new."
        notes.append("Nothing to compare: " + why)
    else:
        if len(dates) == 0:
            notes.append("The new articles are undated: no bursts or daily ranges.")
        n_base = int((~mask).sum())
        if n_base < mask.sum():
            notes.append(
                f"Few earlier articles to compare with ({n_base:,} against {int(mask.sum()):,} "
                "new): read 'new' as 'not in those'."
            )
    ent = pairs = sent = empty
    if entities and compare:
        from analysis.analyses.shifts import entity_changes, pair_changes, sentiment_shifts
        from analysis.nlp.annotator import annotate

        ann = annotations
        if ann is None:
            ann = annotate(corpus, cache_dir=cache_dir, progress=progress)
        ent = entity_changes(corpus, is_new=mask, annotations=ann)
        pairs = pair_changes(corpus, is_new=mask, annotations=ann)
        groups, _ = group_column(corpus)
        sent = sentiment_shifts(
            corpus.assign(_group=groups), is_new=mask, annotations=ann, by="_group"
        )
    return Briefing(
        mode=mode,
        n_docs=len(corpus),
        n_new=int(mask.sum()),
        previous_date=previous_date,
        new_period=period,
        group_by=group_by,
        new_articles=new_articles(corpus, is_new=mask),
        volume=volume_changes(corpus, is_new=mask) if mask.any() else empty,
        rising=rising,
        bursts=bursts,
        entities=ent,
        pairs=pairs,
        sentiment=sent,
        notes=tuple(notes),
    )
