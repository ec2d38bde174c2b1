"""Document sentiment from sentence scores: the rule that fits a text's length, and masking.

Used by :mod:`analysis.analyses.sentiment` (see its module docstring for the method and the
figures). A document's score is computed from its sentence rows alone:

- ``"sentence_mean"``: the mean of the sentence scores;
- ``"whole_text"``: VADER's normalisation ``x / sqrt(x**2 + 15)`` of the summed valence
  sums ``x_i`` of the sentences (each recovered from its compound), i.e. VADER's compound
  of the whole text up to its cross-sentence "!", ALL-CAPS and "but" rules;
- ``"auto"``: "whole_text" for texts of at most :data:`SHORT_TEXT_WORDS` words, else
  "sentence_mean".
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis._validate import require_columns
from analysis.errors import AnalysisInputError

__all__ = ["DOCUMENT_RULES", "SHORT_TEXT_WORDS", "DocumentRule", "document_rule_note"]

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
#: Under ``rule="auto"`` texts of at most this many words are scored as a whole. Tweets
#: have at most 32 words, BBC RSS items (headline + summary) at most 52, BBC articles
#: at least 89.
SHORT_TEXT_WORDS = 60
DocumentRule = Literal["auto", "sentence_mean", "whole_text"]
DOCUMENT_RULES: tuple[str, ...] = ("auto", "sentence_mean", "whole_text")
#: VADER's normalisation constant (vaderSentiment.normalize's alpha).
_ALPHA = 15.0
#: |compound| is rounded to 4 decimals by VADER; 1.0 is read as this.
_MAX_COMPOUND = 0.99995


def _check_masked(masked: Any, *, func: str) -> None:
    if not isinstance(masked, bool):
        raise AnalysisInputError(
            f"{func}(): masked={masked!r} is not valid; expected True or False"
        )


def _score(sentences: pd.DataFrame, masked: bool) -> pd.Series:
    """The sentence score used: ``compound_masked`` if ``masked`` (and present), else ``compound``.

    Annotations built by hand without ``compound_masked`` are scored unmasked.
    """
    if masked and "compound_masked" in sentences.columns:
        return sentences["compound_masked"].astype(float)
    return sentences["compound"].astype(float)


def _valence(compound: np.ndarray) -> np.ndarray:
    """VADER's valence sum ``x`` of a text from its compound ``x / sqrt(x**2 + 15)``."""
    c = np.clip(np.asarray(compound, dtype=float), -_MAX_COMPOUND, _MAX_COMPOUND)
    return c * np.sqrt(_ALPHA / (1.0 - c * c))


def _score_documents(
    sentences: pd.DataFrame, doc_ids: pd.Series, *, rule: DocumentRule, masked: bool
) -> pd.DataFrame:
    """Document scores from sentence rows (doc_id, text, compound[, compound_masked]).

    Returns one row per ``doc_ids`` value (in that order): doc_id, n_sentences, n_words,
    compound (the document score), rule (the rule applied to it), mean_compound,
    share_positive, share_negative. Documents without sentences get NaN scores.
    """
    score = _score(sentences, masked)
    s = pd.DataFrame(
        {
            "doc_id": sentences["doc_id"].to_numpy(),
            "score": score.to_numpy(),
            "valence": _valence(score.to_numpy()),
            "words": sentences["text"].astype(str).str.split().str.len().to_numpy(),
        }
    ).dropna(subset=["score"])
    s["is_pos"] = (s["score"] >= POSITIVE_THRESHOLD).astype(float)
    s["is_neg"] = (s["score"] <= NEGATIVE_THRESHOLD).astype(float)
    g = s.groupby("doc_id", sort=False)
    agg = pd.DataFrame(
        {
            "n_sentences": g.size(),
            "n_words": g["words"].sum(),
            "mean_compound": g["score"].mean(),
            "whole": g["valence"].sum(),
            "share_positive": g["is_pos"].mean(),
            "share_negative": g["is_neg"].mean(),
        }
    )
    agg["whole"] = agg["whole"] / np.sqrt(agg["whole"] ** 2 + _ALPHA)
    if rule == "auto":
        short = agg["n_words"] <= SHORT_TEXT_WORDS
    else:
        short = pd.Series(rule == "whole_text", index=agg.index)
    agg["rule"] = np.where(short, "whole_text", "sentence_mean")
    agg["compound"] = np.where(short, agg["whole"], agg["mean_compound"])
    out = agg.reindex(pd.Index(doc_ids, name="doc_id")).reset_index()
    out["n_sentences"] = out["n_sentences"].fillna(0).astype(int)
    out["n_words"] = out["n_words"].fillna(0).astype(int)
    for col in ("compound", "mean_compound", "share_positive", "share_negative"):
        out[col] = out[col].astype(float)
    cols = ["doc_id", "n_sentences", "n_words", "compound", "rule", "mean_compound"]
    return out[[*cols, "share_positive", "share_negative"]]


def document_rule_note(documents: pd.DataFrame, *, masked: bool = True) -> str:
    """One sentence saying how the documents of :func:`document_sentiment` were scored.

    Example:
        >>> document_rule_note(document_sentiment(corpus, annotations=ann))  # doctest: +SKIP
        'Article score: mean of sentence scores for 37 longer text(s) (over 60 words, ...'
    """
    require_columns(documents, ["rule", "n_sentences"], func="document_rule_note")
    scored = documents[documents["n_sentences"] > 0]
    n_whole = int((scored["rule"] == "whole_text").sum())
    n_mean = int((scored["rule"] == "sentence_mean").sum())
    parts = []
    if n_whole:
        parts.append(
            f"whole-text VADER compound for {n_whole:,} short text(s) (at most "
            f"{SHORT_TEXT_WORDS} words, where a mean of sentences would dilute it)"
        )
    if n_mean:
        parts.append(
            f"mean of sentence scores for {n_mean:,} longer text(s) (over "
            f"{SHORT_TEXT_WORDS} words, where VADER on the whole text would saturate)"
        )
    how = "; ".join(parts) if parts else "no scored text"
    mask = (
        "entity names (people, organisations, places, ...) are masked before scoring, so "
        "words inside names such as 'Supreme' or 'Liberal' do not count"
        if masked
        else "sentences are scored as written (names not masked)"
    )
    return f"Article score: {how}. Sentence scores: VADER compound; {mask}."
