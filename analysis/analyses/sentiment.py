"""Sentiment: VADER scores per sentence, aggregated to documents, groups, time and entities.

Method. :func:`analysis.annotate` scores every *sentence* with vaderSentiment
(``SentimentIntensityAnalyzer().polarity_scores(sentence)``: column ``compound``,
identical to vaderSentiment) and a second time with every entity *name* (PERSON, ORG,
GPE, NORP, ... — not dates or numbers) replaced by a neutral word (column
``compound_masked``), so that "Supreme" in "Supreme People's Assembly" or "Liberal" in
"Liberal Democrats" does not make a neutral sentence positive. ``masked=True`` (the
default of every function here) uses the masked score.

A document's score (``rule``):

- ``"sentence_mean"``: the mean of its sentence compounds. VADER's compound saturates
  towards +-1 on long texts (it sums word valences before normalising), so an article
  is never scored in one call;
- ``"whole_text"``: VADER's own normalisation ``x / sqrt(x**2 + 15)`` of the *sum* of
  the sentences' valence sums ``x_i`` (each recovered from its compound), which is the
  compound of the whole text up to VADER's cross-sentence "!"/ALL-CAPS/"but" rules;
- ``"auto"`` (default): ``"whole_text"`` for texts of at most :data:`SHORT_TEXT_WORDS`
  words (a post, a headline with its standfirst), ``"sentence_mean"`` for longer ones.
  On VADER's 4,200 human-rated tweets (benchmarks/accuracy.py) the sentence mean
  correlates r = 0.816 with the human ratings, whole-text VADER 0.872 and ``"auto"``
  0.871; BBC articles (89 words and more) keep the sentence mean.

A sentence is "positive" when its score >= 0.05, "negative" when <= -0.05 and
"neutral" otherwise — VADER's standard thresholds (Hutto & Gilbert, 2014).

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

from analysis._validate import require_choice, require_columns, require_positive_int
from analysis.analyses._mentions import (
    DEFAULT_TYPES,
    _annotations_for,
    _check_corpus,
    _check_types,
    _doc_meta,
    _mentions,
    _most_common_label,
)
from analysis.analyses.entities import _FREQS, _period_range, _period_start
from analysis.errors import AnalysisInputError, NoDatesError
from analysis.nlp._docscore import (
    DOCUMENT_RULES,
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    SHORT_TEXT_WORDS,
    DocumentRule,
    _check_masked,
    _score,
    _score_documents,
    document_rule_note,
)
from analysis.nlp.annotations import Annotations

__all__ = [
    "DOCUMENT_RULES",
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "SHORT_TEXT_WORDS",
    "document_rule_note",
    "document_sentiment",
    "entity_sentiment",
    "extreme_sentences",
    "sentence_sentiment",
    "sentiment_by_group",
    "sentiment_over_time",
]

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
    from scipy.special import stdtrit

    g = frame.dropna(subset=[value]).groupby(key, dropna=False, sort=True)[value]
    out = pd.DataFrame({"n": g.count(), "mean": g.mean(), "sd": g.std(ddof=1)})
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # scipy.stats.t.ppf(q, df) is special.stdtrit(df, q) (its _ppf), without importing
        # scipy.stats (half a second in every report kernel)
        t = stdtrit(np.where(n >= 2, n - 1, np.nan), (1 + confidence) / 2)
        half = t * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.drop(columns="sd")


def _sentences(
    corpus: pd.DataFrame, ann: Annotations, extra: Iterable[str] = (), *, masked: bool = True
) -> pd.DataFrame:
    cols = ["doc_id", "sent_id", "text", "neg", "neu", "pos", "compound", "compound_masked"]
    have = [c for c in cols if c in ann.sentences.columns]
    s = ann.sentences[have].assign(score=_score(ann.sentences, masked))
    if "compound_masked" not in s:
        s["compound_masked"] = np.nan
    s = s.merge(_doc_meta(corpus, extra), on="doc_id", how="inner")
    return s.sort_values(["_order", "sent_id"], kind="stable").reset_index(drop=True)


def sentence_sentiment(
    corpus: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    masked: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """VADER scores of every sentence, with its label and article.

    Args:
        corpus: one row per document (doc_id, title, text; source/published if present).
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        masked: score sentences with entity names masked (``compound_masked``); False
            uses VADER's compound of the sentence as written.
        progress: show a progress bar while annotating.

    Returns:
        Columns doc_id, sent_id, text, neg, neu, pos, compound (as VADER gave them for
        the text), compound_masked (VADER's compound with names masked), score (the
        one used: compound_masked if ``masked`` else compound), label ("positive" if
        score >= 0.05, "negative" if <= -0.05, else "neutral"), title, source,
        published; in corpus order, then sentence order.

    Example:
        >>> sentence_sentiment(corpus, annotations=ann).query("label == 'negative'")
    """
    func = "sentence_sentiment"
    _check_masked(masked, func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    require_columns(ann.sentences, ["neg", "neu", "pos"], func=func, arg="annotations.sentences")
    s = _sentences(corpus, ann, masked=masked)
    s["label"] = _label(s["score"])
    cols = ["doc_id", "sent_id", "text", "neg", "neu", "pos", "compound", "compound_masked"]
    cols += ["score", "label", *_META]
    return s[cols]


def _document_scores(
    corpus: pd.DataFrame,
    ann: Annotations,
    extra: Iterable[str] = (),
    *,
    rule: DocumentRule = "auto",
    masked: bool = True,
) -> pd.DataFrame:
    meta = _doc_meta(corpus, extra)
    scores = _score_documents(ann.sentences, meta["doc_id"], rule=rule, masked=masked)
    return meta.merge(scores.drop_duplicates("doc_id"), on="doc_id", how="left")


def document_sentiment(
    corpus: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    rule: DocumentRule = "auto",
    masked: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """One sentiment score per document, by a rule that fits its length.

    See the module docstring: ``"auto"`` scores texts of at most
    :data:`SHORT_TEXT_WORDS` words as a whole (VADER's normalisation of the summed
    sentence valences) and longer ones by the mean of their sentence scores. The title
    counts as the first sentence(s).

    Args:
        corpus: one row per document.
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        rule: "auto", "sentence_mean" or "whole_text".
        masked: use sentence scores with entity names masked (default) or as written.
        progress: show a progress bar while annotating.

    Returns:
        One row per corpus document, in corpus order: doc_id, n_sentences, n_words,
        compound (the document score), rule (the rule applied: "whole_text" or
        "sentence_mean"), mean_compound (mean of the sentence scores),
        share_positive, share_negative, title, source, published. A document without
        sentences has n_sentences 0 and NaN scores.

    Example:
        >>> document_sentiment(corpus, annotations=ann).nsmallest(5, "compound")
    """
    func = "document_sentiment"
    require_choice(rule, DOCUMENT_RULES, func=func, arg="rule")
    _check_masked(masked, func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    out = _document_scores(corpus, ann, rule=rule, masked=masked)
    cols = [
        "doc_id",
        "n_sentences",
        "n_words",
        "compound",
        "rule",
        "mean_compound",
        "share_positive",
        "share_negative",
        *_META,
    ]
    return out[cols].reset_index(drop=True)


def _interval_table(
    docs: pd.DataFrame, key: str, confidence: float, index: Any = None
) -> pd.DataFrame:
    table = _t_table(docs, key, "compound", confidence)
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
    rule: DocumentRule = "auto",
    masked: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """Mean document sentiment per group, with a t confidence interval.

    Each document counts once with its score (:func:`document_sentiment`; documents
    without sentences are left out). The interval is ``mean +- t * sd / sqrt(n)`` over the
    group's document means (scipy.stats.t, n - 1 degrees of freedom); NaN when the
    group has one document. Missing group values form their own group (NA).

    Args:
        corpus: one row per document, with the column ``by``.
        by: the corpus column to group by, e.g. "source" or "category".
        annotations: from :func:`analysis.annotate`; None annotates the corpus now.
        confidence: the interval's confidence level, between 0 and 1.
        rule: the document rule, see :func:`document_sentiment`.
        masked: use sentence scores with entity names masked.
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
    require_choice(rule, DOCUMENT_RULES, func=func, arg="rule")
    _check_masked(masked, func=func)
    _check_corpus(corpus, func=func)
    require_columns(corpus, [by], func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    docs = _document_scores(corpus, ann, extra=(by,), rule=rule, masked=masked)
    docs = docs[docs["n_sentences"] > 0]
    return _interval_table(docs, by, confidence)


def sentiment_over_time(
    corpus: pd.DataFrame,
    *,
    freq: Literal["day", "week", "month"] = "week",
    annotations: Annotations | None = None,
    confidence: float = 0.95,
    rule: DocumentRule = "auto",
    masked: bool = True,
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
        rule: the document rule, see :func:`document_sentiment`.
        masked: use sentence scores with entity names masked.
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
    require_choice(rule, DOCUMENT_RULES, func=func, arg="rule")
    _check_masked(masked, func=func)
    _check_corpus(corpus, func=func)
    require_columns(corpus, ["published"], func=func)
    published = pd.to_datetime(corpus["published"], utc=True, errors="coerce")
    if published.isna().all():
        raise NoDatesError(
            f"{func}(): corpus column 'published' has no dates; a time series needs them"
        )
    dated = corpus[published.notna().to_numpy()]
    ann = _annotations_for(dated, annotations, func=func, progress=progress)
    docs = _document_scores(dated, ann, rule=rule, masked=masked)
    docs["period"] = _period_start(docs["published"], freq)
    docs = docs[docs["n_sentences"] > 0]
    periods = _period_range(_period_start(published.dropna(), freq), freq)
    return _interval_table(docs, "period", confidence, index=periods)


def extreme_sentences(
    corpus: pd.DataFrame,
    *,
    n: int = 5,
    annotations: Annotations | None = None,
    masked: bool = True,
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
        masked: rank by the score with entity names masked (default) or as written.
        progress: show a progress bar while annotating.

    Returns:
        Columns polarity ("positive"/"negative"), rank (1 = most extreme), score (the
        one ranked by), compound, compound_masked, text, doc_id, sent_id, title,
        source, published; positive rows first.

    Example:
        >>> extreme_sentences(corpus, n=3, annotations=ann)
    """
    func = "extreme_sentences"
    require_positive_int(n, func=func, arg="n")
    _check_masked(masked, func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    s = _sentences(corpus, ann, masked=masked)
    s = s[s["score"].notna()].drop_duplicates("text")
    pos = s[s["score"] >= POSITIVE_THRESHOLD].sort_values("score", ascending=False, kind="stable")
    neg = s[s["score"] <= NEGATIVE_THRESHOLD].sort_values("score", ascending=True, kind="stable")
    parts = []
    for polarity, frame in (("positive", pos.head(n)), ("negative", neg.head(n))):
        frame = frame.assign(polarity=polarity, rank=np.arange(1, len(frame) + 1))
        parts.append(frame)
    cols = ["polarity", "rank", "score", "compound", "compound_masked", "text", "doc_id"]
    cols += ["sent_id", *_META]
    return pd.concat(parts, ignore_index=True)[cols]


def entity_sentiment(
    corpus: pd.DataFrame,
    *,
    types: Iterable[str] | None = DEFAULT_TYPES,
    min_sentences: int = 2,
    confidence: float = 0.95,
    annotations: Annotations | None = None,
    masked: bool = True,
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
        masked: use sentence scores with entity names masked (default): an entity's
            own name ("Liberal Democrats") then does not colour its score.
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
    _check_masked(masked, func=func)
    ann = _annotations_for(corpus, annotations, func=func, progress=progress)
    m = _mentions(corpus, ann, types)
    labels = _most_common_label(m)
    pairs = m[["name", "doc_id", "sent_id"]].drop_duplicates()
    sent_scores = ann.sentences[["doc_id", "sent_id"]].assign(
        compound=_score(ann.sentences, masked)
    )
    scored = pairs.merge(sent_scores, on=["doc_id", "sent_id"], how="inner")
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
