"""Keyword in context: every occurrence of a word or phrase with the words around it.

Example:
    >>> from analysis.analyses.kwic import kwic
    >>> kwic(corpus, "interest rate*", window=6)                 # doctest: +SKIP
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis._validate import (
    document_text,
    require_columns,
    require_nonempty,
    require_positive_int,
)
from analysis.errors import AnalysisInputError

__all__ = ["kwic"]


def _query_regex(query: str, *, regex: bool, case_sensitive: bool, func: str) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    if regex:
        try:
            return re.compile(query, flags)
        except re.error as exc:
            raise AnalysisInputError(
                f"{func}(): query={query!r} is not a valid regex: {exc}"
            ) from None
    q = query.strip()

    def literal(piece: str) -> str:  # ' and ’ match each other
        return "['’]".join(re.escape(p) for p in re.split("['’]", piece))

    parts = [r"\w*".join(literal(p) for p in word.split("*")) for word in q.split()]
    body = r"\s+".join(parts)
    if re.match(r"\w", q.lstrip("*")):
        body = r"(?<!\w)" + body
    if re.search(r"\w$", q) and not q.endswith("*"):
        body += r"(?!\w)"
    return re.compile(body, flags)


def _left_words(text: str, start: int, window: int) -> str:
    """The ``window`` words before ``start`` (plus any chunk glued to the hit, like a quote)."""
    if window == 0:
        return ""
    need = window + (start > 0 and not text[start - 1].isspace())
    lo = max(0, start - 40 * need)
    words = text[lo:start].split()
    if len(words) <= need and lo > 0:
        words = text[:start].split()
    return " ".join(words[-need:])


def _right_words(text: str, end: int, window: int) -> str:
    """The ``window`` words after ``end`` (plus any chunk glued to the hit, like a full stop)."""
    if window == 0:
        return ""
    need = window + (end < len(text) and not text[end].isspace())
    hi = end + 40 * need
    words = text[end:hi].split()
    if len(words) <= need and hi < len(text):
        words = text[end:].split()
    return " ".join(words[:need])


def kwic(
    corpus: pd.DataFrame,
    query: str,
    *,
    window: int = 8,
    case_sensitive: bool = False,
    regex: bool = False,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of a word or phrase with the words around it.

    The query is matched in ``document_text(corpus)`` (title, blank line, body). Plain
    text is matched literally as whole words: "missile" does not match "missiles", but
    does match "missile's". Words of a phrase ("interest rate") may be separated by any
    white space, and ' and ’ match each other. A ``*`` matches any letters/digits:
    "strik*" finds "strike", "strikes", "striker"; "*ation" words ending in "ation".
    With ``regex=True`` the query is a Python regular expression used as is.

    Args:
        corpus: A corpus DataFrame with ``doc_id`` and ``text`` (``title``,
            ``published`` and ``source`` are copied when present).
        query: The word, phrase or pattern.
        window: Number of words shown on each side (white space is normalised;
            punctuation glued to the keyword, as in "rates.", is shown in addition).
        case_sensitive: Match case exactly (default: ignore case).
        regex: Treat ``query`` as a regular expression.

    Returns:
        One row per hit, in corpus order then text order: ``doc_id``, ``title``,
        ``published``, ``source``, ``left``, ``keyword`` (as written in the text),
        ``right``, ``position`` (character offset of the hit in the document text,
        the same offsets as the annotations use).

    Example:
        >>> kwic(corpus, "interest rate*", window=5).head()  # doctest: +SKIP
    """
    func = "kwic"
    require_columns(corpus, ["doc_id", "text"], func=func)
    require_nonempty(corpus, func=func)
    if not isinstance(query, str) or not query.strip() or not query.strip().strip("*"):
        raise AnalysisInputError(
            f"{func}(): query={query!r} is not valid; expected a non-empty word or phrase"
        )
    require_positive_int(window, func=func, arg="window", minimum=0)
    pattern = _query_regex(query, regex=regex, case_sensitive=case_sensitive, func=func)

    rows: list[int] = []
    lefts: list[str] = []
    keywords: list[str] = []
    rights: list[str] = []
    positions: list[int] = []
    for i, text in enumerate(document_text(corpus).tolist()):
        for m in pattern.finditer(text):
            if m.end() == m.start():
                continue  # a regex that matches the empty string
            rows.append(i)
            lefts.append(_left_words(text, m.start(), window))
            keywords.append(m.group(0))
            rights.append(_right_words(text, m.end(), window))
            positions.append(m.start())
    idx = np.asarray(rows, dtype=np.intp)
    out = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    for col in ("doc_id", "title", "published", "source"):
        if col in corpus.columns:
            out[col] = corpus[col].take(idx).reset_index(drop=True)
        else:
            out[col] = pd.Series([pd.NA] * len(rows), dtype=object)
    out["left"] = pd.array(lefts, dtype="str")
    out["keyword"] = pd.array(keywords, dtype="str")
    out["right"] = pd.array(rights, dtype="str")
    out["position"] = np.asarray(positions, dtype=np.int64)
    out.attrs.update(pattern=pattern.pattern, n_docs_with_hits=len(set(rows)))
    return out
