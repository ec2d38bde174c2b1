"""Sentiment: VADER scores per sentence, aggregated to documents, groups, time and entities.

Method. :func:`analysis.annotate` scores every *sentence* with vaderSentiment
(``SentimentIntensityAnalyzer().polarity_scores(sentence)``). VADER's compound score
saturates towards +-1 on long texts (it sums word valences before normalising), so
a whole article is never scored in one call: a document's score is the **mean of
its sentence compounds**. A sentence is "positive" when compound >= 0.05,
"negative" when compound <= -0.05 and "neutral" otherwise — VADER's standard
thresholds (Hutto & Gilbert, 2014).

Group and period means are means over *document* means (each article counts once,
however long); their confidence interval is the Student t-interval
``mean +- t(1 - alpha/2, n - 1) * sd / sqrt(n)`` with the sample sd (ddof=1),
from :func:`scipy.stats.t`. With one document the interval is NaN. Entity
sentiment is over the sentences mentioning the entity, each sentence once; its
interval treats sentences as independent, which they are not quite (sentences
of one article are alike), so read it as a rough guide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis._validate import require_choice, require_columns, require_positive_int
from analysis.annotations import Annotations
from analysis.entities import (
    _FREQS,
    DEFAULT_TYPES,
    _annotations_for,
    _check_corpus,
    _check_types,
    _doc_meta,
    _mentions,
    _most_common_label,
    _period_range,
    _period_start,
)
from analysis.errors import AnalysisInputError

__all__ = [
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "document_sentiment",
    "entity_sentiment",
    "extreme_sentences",
    "sentence_sentiment",
    "sentiment_by_group",
    "sentiment_over_time",
]

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
_META = ("title", "source", "published")


def _label(compound: pd.Series) -> pd.Series:
    out = np.where(
        compound >= POSITIVE_THRESHOLD,
        "positive",
        np.where(compound <= NEGATIVE_THRESHOLD, "negative", "neutral"),
    )
    return pd.Series(out, index=compound.index, dtype=object).where(compound.notna(), None)


def _check_confidence(confidence: Any, *, func: str) -> None:
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not 0 < confidence < 1
    ):
        raise AnalysisInputError(
            f"{func}(): confidence={confidence!r} is not valid; expected a number between 0 and 1 "
            "(e.g. 0.95)"
        )


def _t_table(frame: pd.DataFrame, key: str, value: str, confidence: float) -> pd.DataFrame:
    """Per ``key``: n, mean, ci_low, ci_high (t-interval of the mean; NaN when n < 2)."""
    g = frame.dropna(subset=[value]).groupby(key, dropna=False, sort=True)[value]
    out = pd.DataFrame({"n": g.count(), "mean": g.mean(), "sd": g.std(ddof=1)})
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf((1 + confidence) / 2, np.where(n >= 2, n - 1, np.nan))
        half = t * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.drop(columns="sd")


def _sentences(corpus: pd.DataFrame, ann: Annotations, extra: Iterable[str] = ()) -> pd.DataFrame:
    cols = ["doc_id", "sent_id", "text", "neg", "neu", "pos", "compound"]
    have = [c for c in cols if c in ann.sentences.columns]
    s = ann.sentences[have].merge(_doc_meta(corpus, extra), on="doc_id", how="inner")
    return s.sort_values(["_order", "sent_id"], kind="stable").reset_index(drop=True)


def sentence_sentiment(
    corpus: pd.DataFrame, *, annotations: Annotations | None = None, progress: bool = True
) -> pd.DataFrame:
    """VADER scores of every sentence, with its label and article.

    Args:
        corpus: one row per document (doc_id, title, text; source/published if present).
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        progress: show a progress bar while annotating.

    Returns:
        Columns doc_id, sent_id, text, neg, neu, pos, compound (as VADER gave them),
        label ("positive" if compound >= 0.05, "negative" if <= -0.05, else
        "neutral"), title, source, published; in corpus order, then sentence order.

    Example:
        >>> sentence_sentiment(corpus, annotations=ann).query("label == 'negative'")
    """
    func = "sentence_sentiment"
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    require_columns(ann.sentences, ["neg", "neu", "pos"], func=func, arg="annotations.sentences")
    s = _sentences(corpus, ann)
    s["label"] = _label(s["compound"])
    cols = ["doc_id", "sent_id", "text", "neg", "neu", "pos", "compound", "label", *_META]
    return s[cols]


def _document_scores(
    corpus: pd.DataFrame, ann: Annotations, extra: Iterable[str] = ()
) -> pd.DataFrame:
    s = ann.sentences[["doc_id", "compound"]].dropna(subset=["compound"])
    s = s.assign(
        is_pos=(s["compound"] >= POSITIVE_THRESHOLD).astype(float),
        is_neg=(s["compound"] <= NEGATIVE_THRESHOLD).astype(float),
    )
    g = s.groupby("doc_id")
    agg = pd.DataFrame(
        {
            "n_sentences": g.size(),
            "mean_compound": g["compound"].mean(),
            "share_positive": g["is_pos"].mean(),
            "share_negative": g["is_neg"].mean(),
        }
    )
    meta = _doc_meta(corpus, extra)
    out = meta.merge(agg, left_on="doc_id", right_index=True, how="left")
    out["n_sentences"] = out["n_sentences"].fillna(0).astype(int)
    for col in ("mean_compound", "share_positive", "share_negative"):
        out[col] = out[col].astype(float)
    return out


def document_sentiment(
    corpus: pd.DataFrame, *, annotations: Annotations | None = None, progress: bool = True
) -> pd.DataFrame:
    """One sentiment score per document: the mean of its sentence compounds.

    VADER saturates on long texts, so an article is never scored in one call; its
    score is the mean compound of its sentences (title included, as the first
    sentence(s)), and the shares say how many sentences are positive/negative.

    Args:
        corpus: one row per document.
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        progress: show a progress bar while annotating.

    Returns:
        One row per corpus document, in corpus order: doc_id, n_sentences,
        mean_compound, share_positive, share_negative, title, source, published.
        A document without sentences has n_sentences 0 and NaN scores.

    Example:
        >>> document_sentiment(corpus, annotations=ann).nsmallest(5, "mean_compound")
    """
    func = "document_sentiment"
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    out = _document_scores(corpus, ann)
    cols = [
        "doc_id",
        "n_sentences",
        "mean_compound",
        "share_positive",
        "share_negative",
        *_META,
    ]
    return out[cols].reset_index(drop=True)


def _interval_table(
    docs: pd.DataFrame, key: str, confidence: float, index: Any = None
) -> pd.DataFrame:
    table = _t_table(docs, key, "mean_compound", confidence)
    if index is not None:
        table = table.reindex(index)
        table["n"] = table["n"].fillna(0)
    table = table.rename(columns={"n": "n_docs"}).rename_axis(key).reset_index()
    table["n_docs"] = table["n_docs"].astype(int)
    return table[[key, "n_docs", "mean", "ci_low", "ci_high"]]


def sentiment_by_group(
    corpus: pd.DataFrame,
    *,
    by: str = "source",
    annotations: Annotations | None = None,
    confidence: float = 0.95,
    progress: bool = True,
) -> pd.DataFrame:
    """Mean document sentiment per group, with a t confidence interval.

    Each document counts once with its mean sentence compound (documents without
    sentences are left out). The interval is ``mean +- t * sd / sqrt(n)`` over the
    group's document means (scipy.stats.t, n - 1 degrees of freedom); NaN when the
    group has one document. Missing group values form their own group (NA).

    Args:
        corpus: one row per document, with the column ``by``.
        by: the corpus column to group by, e.g. "source" or "category".
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        confidence: the interval's confidence level, between 0 and 1.
        progress: show a progress bar while annotating.

    Returns:
        Columns <by>, n_docs, mean, ci_low, ci_high; one row per group, sorted by group.

    Example:
        >>> sentiment_by_group(corpus, by="category", annotations=ann)
    """
    func = "sentiment_by_group"
    if not isinstance(by, str):
        raise AnalysisInputError(f"{func}(): by={by!r} is not valid; expected a column name")
    _check_confidence(confidence, func=func)
    _check_corpus(corpus, func=func)
    require_columns(corpus, [by], func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    docs = _document_scores(corpus, ann, extra=(by,))
    docs = docs[docs["n_sentences"] > 0]
    return _interval_table(docs, by, confidence)


def sentiment_over_time(
    corpus: pd.DataFrame,
    *,
    freq: Literal["day", "week", "month"] = "week",
    annotations: Annotations | None = None,
    confidence: float = 0.95,
    progress: bool = True,
) -> pd.DataFrame:
    """Mean document sentiment per day/week/month, with a t confidence interval.

    As :func:`sentiment_by_group`, grouped by the UTC period (weeks Monday-Sunday)
    of ``published``. Periods from the first to the last date are all listed;
    a period without documents has n_docs 0 and NaN values. Undated documents
    are left out.

    Args:
        corpus: one row per document, with a ``published`` column.
        freq: "day", "week" or "month".
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        confidence: the interval's confidence level, between 0 and 1.
        progress: show a progress bar while annotating.

    Returns:
        Columns period (tz-aware UTC Timestamp of the period start), n_docs, mean,
        ci_low, ci_high.

    Example:
        >>> sentiment_over_time(corpus, freq="month", annotations=ann)
    """
    func = "sentiment_over_time"
    require_choice(freq, tuple(_FREQS), func=func, arg="freq")
    _check_confidence(confidence, func=func)
    _check_corpus(corpus, func=func)
    require_columns(corpus, ["published"], func=func)
    published = pd.to_datetime(corpus["published"], utc=True, errors="coerce")
    if published.isna().all():
        raise AnalysisInputError(
            f"{func}(): corpus column 'published' has no dates; a time series needs them"
        )
    dated = corpus[published.notna().to_numpy()]
    ann = _annotations_for(dated, annotations, func=func, progress=progress)
    docs = _document_scores(dated, ann)
    docs["period"] = _period_start(docs["published"], freq)
    docs = docs[docs["n_sentences"] > 0]
    periods = _period_range(_period_start(published.dropna(), freq), freq)
    return _interval_table(docs, "period", confidence, index=periods)


def extreme_sentences(
    corpus: pd.DataFrame,
    *,
    n: int = 5,
    annotations: Annotations | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """The most positive and the most negative sentences, with their articles.

    Only sentences labelled positive (compound >= 0.05) can be among the most
    positive, and likewise for negative, so a neutral corpus may give fewer than
    ``n`` of each. A sentence text repeated (e.g. in duplicate articles) is shown
    once, from its first article. Ties keep corpus order.

    Args:
        corpus: one row per document.
        n: how many of each polarity.
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        progress: show a progress bar while annotating.

    Returns:
        Columns polarity ("positive"/"negative"), rank (1 = most extreme), compound,
        text, doc_id, sent_id, title, source, published; positive rows first.

    Example:
        >>> extreme_sentences(corpus, n=3, annotations=ann)
    """
    func = "extreme_sentences"
    require_positive_int(n, func=func, arg="n")
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    s = _sentences(corpus, ann)
    s = s[s["compound"].notna()].drop_duplicates("text")
    pos = s[s["compound"] >= POSITIVE_THRESHOLD].sort_values(
        "compound", ascending=False, kind="stable"
    )
    neg = s[s["compound"] <= NEGATIVE_THRESHOLD].sort_values(
        "compound", ascending=True, kind="stable"
    )
    parts = []
    for polarity, frame in (("positive", pos.head(n)), ("negative", neg.head(n))):
        frame = frame.assign(polarity=polarity, rank=np.arange(1, len(frame) + 1))
        parts.append(frame)
    cols = ["polarity", "rank", "compound", "text", "doc_id", "sent_id", *_META]
    return pd.concat(parts, ignore_index=True)[cols]


def entity_sentiment(
    corpus: pd.DataFrame,
    *,
    types: Iterable[str] | None = DEFAULT_TYPES,
    min_sentences: int = 2,
    confidence: float = 0.95,
    annotations: Annotations | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Sentiment of the sentences that mention each entity.

    Each (entity, sentence) pair counts once, however often the sentence names the
    entity. The interval is the t-interval over those sentences' compounds (see the
    module docstring for its caveat).

    Args:
        corpus: one row per document.
        types: spaCy labels to keep; None keeps all.
        min_sentences: keep entities mentioned in at least this many sentences.
        confidence: the interval's confidence level, between 0 and 1.
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        progress: show a progress bar while annotating.

    Returns:
        Columns name, label (its most common label), n_sentences, n_docs,
        mean_compound, ci_low, ci_high, share_positive, share_negative; sorted by
        n_sentences (descending), then name.

    Example:
        >>> entity_sentiment(corpus, annotations=ann, types=["PERSON"], min_sentences=5)
    """
    func = "entity_sentiment"
    types = _check_types(types, func=func)
    require_positive_int(min_sentences, func=func, arg="min_sentences")
    _check_confidence(confidence, func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    m = _mentions(corpus, ann, types)
    labels = _most_common_label(m)
    pairs = m[["name", "doc_id", "sent_id"]].drop_duplicates()
    scored = pairs.merge(
        ann.sentences[["doc_id", "sent_id", "compound"]], on=["doc_id", "sent_id"], how="inner"
    )
    cols = [
        "name",
        "label",
        "n_sentences",
        "n_docs",
        "mean_compound",
        "ci_low",
        "ci_high",
        "share_positive",
        "share_negative",
    ]
    scored = scored.assign(
        is_pos=(scored["compound"] >= POSITIVE_THRESHOLD).astype(float),
        is_neg=(scored["compound"] <= NEGATIVE_THRESHOLD).astype(float),
    )
    table = _t_table(scored, "name", "compound", confidence)
    g = scored.groupby("name", sort=True)
    table["n_docs"] = g["doc_id"].nunique()
    table["share_positive"] = g["is_pos"].mean()
    table["share_negative"] = g["is_neg"].mean()
    table = table[table["n"] >= min_sentences].rename_axis("name").reset_index()
    table = table.rename(columns={"n": "n_sentences", "mean": "mean_compound"})
    table["n_sentences"] = table["n_sentences"].astype(int)
    table["n_docs"] = table["n_docs"].astype(int)
    table["label"] = table["name"].map(labels)
    out = table.reindex(columns=cols)
    return out.sort_values(["n_sentences", "name"], ascending=[False, True]).reset_index(drop=True)
