"""What is this corpus about: term frequencies, trends over time, collocations and KWIC.

Every function reads ``analysis._validate.document_text(corpus)`` (title + body) and
tokenizes it with :mod:`analysis._tokenize` (lower-case, one regular expression, stop
words removed, then n-grams: scikit-learn ``CountVectorizer`` semantics). Distinctive
terms (keyness) and TF-IDF per group live in :mod:`analysis.keyness`. The tokenizer
(:func:`tokenize`, :data:`TOKEN_PATTERN`, :func:`token_pattern`,
:func:`count_vectorizer_options`, :func:`default_stopwords`) is re-exported here.

The functions count every row they are given: select documents first, e.g. with
``analysis.filters.filter_corpus(corpus, drop_duplicates=True, start=..., end=...)``.

Example:
    >>> from analysis.terms import term_frequencies, term_trends, kwic
    >>> term_frequencies(corpus, by="category", top=10)          # doctest: +SKIP
    >>> term_trends(corpus, ["inflation", "interest rate"], freq="month")  # doctest: +SKIP
    >>> kwic(corpus, "interest rate*", window=6)                 # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis._tokenize import (
    CONTRACTIONS,
    TOKEN_PATTERN,
    StopwordsArg,
    _Tokenizer,
    count_vectorizer_options,
    default_stopwords,
    token_pattern,
    tokenize,
)
from analysis._validate import (
    document_text,
    require_choice,
    require_columns,
    require_nonempty,
    require_positive_int,
)
from analysis.errors import AnalysisInputError, NoDatesError

__all__ = [
    "CONTRACTIONS",
    "TOKEN_PATTERN",
    "collocations",
    "count_vectorizer_options",
    "default_stopwords",
    "kwic",
    "term_frequencies",
    "term_trends",
    "token_pattern",
    "tokenize",
]

Measure = Literal[
    "likelihood_ratio",
    "pmi",
    "chi_sq",
    "student_t",
    "dice",
    "jaccard",
    "phi_sq",
    "poisson_stirling",
    "mi_like",
    "raw_freq",
]
_MEASURES = Measure.__args__
Freq = Literal["day", "week", "month"]
_FREQS = Freq.__args__


# --------------------------------------------------------------------------- helpers


def _progress(items: Sequence[Any], *, progress: bool, desc: str) -> Iterable[Any]:
    if not progress:
        return items
    from tqdm.auto import tqdm  # imported only when a bar may be shown

    # delay: a bar only appears when the work takes more than half a second.
    return tqdm(items, total=len(items), desc=desc, unit="doc", delay=0.5)


def _by_columns(by: Any, *, func: str) -> list[str]:
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else by
    if not isinstance(cols, (list, tuple)) or not cols or not all(isinstance(c, str) for c in cols):
        raise AnalysisInputError(
            f"{func}(): by={by!r} is not valid; expected a column name or a list of column names"
        )
    return list(cols)


def _require_by(corpus: Any, cols: list[str], *, func: str) -> None:
    if isinstance(corpus, pd.DataFrame):
        for c in cols:
            if c not in corpus.columns and c in _FREQS:
                raise AnalysisInputError(
                    f"{func}(): by={c!r} is not a column; to count terms per {c} use "
                    f"analysis.terms.term_trends(corpus, terms, freq={c!r})"
                )
    require_columns(corpus, ["text", *cols], func=func)


def _check_top(top: Any, *, func: str) -> None:
    if top is not None:
        require_positive_int(top, func=func, arg="top")


def _group_codes(corpus: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of every row (groups sorted, missing values a group of their own)
    and the position of each group's first row."""
    if not cols:
        return np.zeros(len(corpus), dtype=np.intp), np.zeros(1, dtype=np.intp)
    codes = corpus.groupby(cols, dropna=False, sort=True, observed=True).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    return codes.astype(np.intp), first


def _count_terms(
    texts: Sequence[str],
    codes: np.ndarray,
    n_groups: int,
    tok: _Tokenizer,
    *,
    progress: bool,
    desc: str = "counting terms",
) -> list[tuple[Counter[str], Counter[str], int]]:
    """Per group: term counts, document counts and the total number of terms."""
    counts: list[Counter[str]] = [Counter() for _ in range(n_groups)]
    docs: list[Counter[str]] = [Counter() for _ in range(n_groups)]
    items = _progress(texts, progress=progress, desc=desc)
    term_lists = tok.term_lists(texts)
    for _, terms, g in zip(items, term_lists, codes.tolist(), strict=True):
        counts[g].update(terms)
        docs[g].update(set(terms))
    totals = [sum(c.values()) for c in counts]
    return list(zip(counts, docs, totals, strict=True))


def _ranked(
    counts: Counter[str], docs: Counter[str] | None, min_count: int, top: int | None
) -> tuple[pa.Array, np.ndarray, np.ndarray | None]:
    """Terms with count >= min_count sorted by count descending, then term (code points).

    Returns the terms (an Arrow string array), their counts and (when ``docs`` is
    given) their document counts. Sorting runs in Arrow: much faster than Python.
    """
    terms = list(counts)
    n = np.fromiter(counts.values(), dtype=np.int64, count=len(terms))
    if min_count > 1:
        keep = n >= min_count
        terms = list(compress(terms, keep.tolist()))
        n = n[keep]
    d = None if docs is None else np.fromiter(map(docs.__getitem__, terms), np.int64, len(terms))
    arr = pa.array(terms, type=pa.large_string())
    order = pc.sort_indices(
        pa.table({"term": arr, "count": n}),
        sort_keys=[("count", "descending"), ("term", "ascending")],
    ).to_numpy()
    if top is not None:
        order = order[:top]
    return arr.take(order), n[order], None if d is None else d[order]


def _ranked_groups(
    groups: list[tuple[Counter[str], Counter[str], int]], min_count: int, top: int | None
) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_ranked` for many groups at once (one Arrow sort: fast with thousands of
    groups). Returns terms, counts, document counts and group numbers, sorted by group."""
    keys: list[str] = []
    count_parts, doc_parts, gid_parts = [], [], []
    for g, (counts, docs, _) in enumerate(groups):
        k = list(counts)
        keys.extend(k)
        count_parts.append(np.fromiter(counts.values(), np.int64, len(k)))
        doc_parts.append(np.fromiter(map(docs.__getitem__, k), np.int64, len(k)))
        gid_parts.append(np.full(len(k), g, dtype=np.intp))
    n = np.concatenate(count_parts) if count_parts else np.zeros(0, np.int64)
    d = np.concatenate(doc_parts) if doc_parts else np.zeros(0, np.int64)
    gid = np.concatenate(gid_parts) if gid_parts else np.zeros(0, np.intp)
    arr = pa.array(keys, type=pa.large_string())
    if min_count > 1:
        keep = np.flatnonzero(n >= min_count)
        arr, n, d, gid = arr.take(keep), n[keep], d[keep], gid[keep]
    order = pc.sort_indices(
        pa.table({"g": gid, "count": n, "term": arr}),
        sort_keys=[("g", "ascending"), ("count", "descending"), ("term", "ascending")],
    ).to_numpy()
    gid = gid[order]
    if top is not None:
        starts = np.searchsorted(gid, np.arange(len(groups)))
        rank = np.arange(len(gid)) - starts[gid]
        order, gid = order[rank < top], gid[rank < top]
    return arr.take(order), n[order], d[order], gid


def _str_column(arrays: list[pa.Array]) -> pd.Series:
    """Arrow string arrays -> one pandas string Series (pandas' default ``str`` dtype)."""
    arr = pa.concat_arrays(arrays) if arrays else pa.array([], type=pa.large_string())
    try:
        dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        return pd.Series(arr.to_pylist(), dtype=object)
    return pd.Series(arr.to_pandas(types_mapper={pa.large_string(): dtype}.get))


def _group_frame(
    corpus: pd.DataFrame, cols: list[str], first: np.ndarray, sizes: list[int]
) -> pd.DataFrame:
    """The ``by`` columns of each group's first row, repeated ``sizes`` times (dtypes kept)."""
    rows = np.repeat(first, sizes)
    return pd.DataFrame({c: corpus[c].take(rows).reset_index(drop=True) for c in cols})


def _as_datetime(values: pd.Series, *, func: str, column: str) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values):
        return values
    try:
        return pd.to_datetime(values, utc=True, format="mixed")
    except (ValueError, TypeError) as exc:
        raise AnalysisInputError(
            f"{func}(): column {column!r} must hold dates (datetime64 or parseable strings); "
            f"parsing failed: {exc}"
        ) from None


# --------------------------------------------------------------------------- frequencies


def term_frequencies(
    corpus: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    ngram_range: tuple[int, int] = (1, 1),
    stopwords: StopwordsArg = "english",
    min_count: int = 1,
    top: int | None = None,
    lowercase: bool = True,
    numbers: bool = False,
    punctuation: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """Count terms (words or n-grams) in the corpus, overall or per group.

    The counts equal scikit-learn's ``CountVectorizer`` with
    ``analysis.terms.count_vectorizer_options(...)`` (same options) summed over
    the documents of each group; the test suite checks this on the BBC corpus.

    Args:
        corpus: A corpus DataFrame (needs ``text``; ``title`` is read when present).
        by: A column name or list of names to count per group (e.g. "category",
            ["source", "category"]). Missing values form a group of their own. For
            counts over time use :func:`term_trends`.
        ngram_range: ``(min_n, max_n)`` as in scikit-learn; n-grams are formed after
            stop words are removed.
        stopwords: "english" (spaCy's list plus contractions), "spacy", None or your
            own collection of words.
        min_count: Keep terms counted at least this often (within the group).
        top: Keep only the ``top`` most frequent terms of each group.
        lowercase: Lower-case before tokenizing.
        numbers: Keep tokens with digits ("2005", "3.5bn").
        punctuation: Count punctuation characters as tokens.
        min_length: Minimum number of letters in a token.
        progress: Show a progress bar on long runs.

    Returns:
        One row per (group, term): the ``by`` columns, ``term``, ``count`` (occurrences),
        ``doc_count`` (documents containing it) and ``share`` (count divided by all term
        occurrences in the group, before ``min_count``/``top``; with several n-gram
        orders the n-grams of every order are in the total). Sorted by group, then
        count descending, then term.

    Example:
        >>> term_frequencies(corpus, by="category", top=5)             # doctest: +SKIP
        >>> term_frequencies(corpus, ngram_range=(2, 2), min_count=10)  # doctest: +SKIP
    """
    func = "term_frequencies"
    cols = _by_columns(by, func=func)
    _require_by(corpus, cols, func=func)
    require_nonempty(corpus, func=func)
    require_positive_int(min_count, func=func, arg="min_count")
    _check_top(top, func=func)
    tok = _Tokenizer(
        func=func,
        ngram_range=ngram_range,
        stopwords=stopwords,
        lowercase=lowercase,
        numbers=numbers,
        punctuation=punctuation,
        min_length=min_length,
    )
    codes, first = _group_codes(corpus, cols)
    texts = document_text(corpus).tolist()
    groups = _count_terms(texts, codes, len(first), tok, progress=progress)

    if len(groups) == 1:
        terms, counts, docs = _ranked(groups[0][0], groups[0][1], min_count, top)
        gid = np.zeros(len(counts), dtype=np.intp)
    else:
        terms, counts, docs, gid = _ranked_groups(groups, min_count, top)
    totals = np.array([total for _, _, total in groups], dtype=np.float64)
    out = _group_frame(corpus, cols, first, np.bincount(gid, minlength=len(groups)).tolist())
    out["term"] = _str_column([terms])
    out["count"] = counts
    out["doc_count"] = docs
    out["share"] = counts / np.maximum(totals[gid], 1.0)
    out.attrs.update(
        token_pattern=tok.pattern, ngram_range=(tok.min_n, tok.max_n), n_docs=len(corpus)
    )
    return out


# --------------------------------------------------------------------------- trends


def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    """Start of the day / week (Monday) / month of each date, in the dates' own time zone."""
    tz = getattr(dates.dtype, "tz", None)
    wall = dates.dt.tz_localize(None) if tz is not None else dates
    wall = wall.astype("datetime64[ns]").dt.normalize()
    if freq == "week":
        wall = wall - pd.to_timedelta(wall.dt.day_of_week, unit="D")
    elif freq == "month":
        wall = wall - pd.to_timedelta(wall.dt.day - 1, unit="D")
    if tz is not None:
        wall = wall.dt.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return wall


def _rate_column(per: int) -> str:
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if per % size == 0:
            return f"per_{per // size}{suffix}"
    return f"per_{per}"


def term_trends(
    corpus: pd.DataFrame,
    terms: str | Sequence[str],
    *,
    freq: Freq = "week",
    per: int = 10_000,
    date_column: str = "published",
    stopwords: StopwordsArg = "english",
    lowercase: bool = True,
    numbers: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """How often given terms are used per day, week or month, normalised by text volume.

    Each term is tokenized like the text (lower-cased, stop words removed), so
    "Interest rates" counts the bigram "interest rates" and "Bank of England" counts
    "bank england" (the stop word "of" is gone on both sides). A term that is only stop
    words raises an error (pass ``stopwords=None``).

    Documents without a date are left out: their number is in
    ``result.attrs["excluded_missing_dates"]`` and a warning says so. Every period
    between the first and the last dated document appears, with 0 when nothing was
    published then (``total_words`` 0 and a rate of 0.0), so plots are honest.

    Args:
        corpus: A corpus DataFrame with ``text`` and the ``date_column``.
        terms: One term or a list of terms (words or phrases).
        freq: "day", "week" (weeks start on Monday) or "month".
        per: The rate is per this many words (column ``per_10k`` for 10,000).
        date_column: The column with the dates (default "published").
        stopwords: Stop words removed before n-grams are formed (see
            :func:`analysis.terms.tokenize`).
        lowercase: Lower-case before tokenizing (False: case-sensitive terms).
        numbers: Keep tokens with digits.
        min_length: Minimum number of letters in a token.
        progress: Show a progress bar on long runs.

    Returns:
        One row per period x term: ``period`` (start of the period, a Timestamp in the
        dates' time zone), ``term`` (as you wrote it), ``count``, ``total_words`` (all
        word tokens of the period's documents, stop words included) and ``per_10k``
        (count / total_words * per). Sorted by period, then in the order of ``terms``.

    Example:
        >>> trends = term_trends(corpus, ["inflation", "interest rates"], freq="month")
        ...                                                     # doctest: +SKIP
        >>> trends.pivot(index="period", columns="term", values="per_10k").plot()
        ...                                                     # doctest: +SKIP
    """
    func = "term_trends"
    require_columns(corpus, ["text", date_column], func=func)
    require_nonempty(corpus, func=func)
    require_choice(freq, _FREQS, func=func, arg="freq")
    require_positive_int(per, func=func, arg="per")
    term_list = [terms] if isinstance(terms, str) else terms
    if not isinstance(term_list, (list, tuple, pd.Series, pd.Index)) or len(term_list) == 0:
        raise AnalysisInputError(
            f"{func}(): terms={terms!r} is not valid; expected a term or a non-empty list of terms"
        )
    tok = _Tokenizer(
        func=func,
        stopwords=stopwords,
        lowercase=lowercase,
        numbers=numbers,
        min_length=min_length,
    )
    keys: list[str] = []
    for term in term_list:
        if not isinstance(term, str) or not term.strip():
            raise AnalysisInputError(f"{func}(): every term must be a non-empty str; got {term!r}")
        words = tok.tokens(term)
        if not words:
            raise AnalysisInputError(
                f"{func}(): term {term!r} has no word left after tokenizing (stop words and "
                "tokens without letters are dropped); pass stopwords=None to count it"
            )
        keys.append(" ".join(words))
    orders = sorted({k.count(" ") + 1 for k in keys})
    wanted = set(keys)

    dates = _as_datetime(corpus[date_column], func=func, column=date_column)
    dated = dates.notna().to_numpy()
    n_missing = int((~dated).sum())
    if n_missing == len(corpus):
        raise NoDatesError(
            f"{func}(): no document has a date in column {date_column!r}; nothing to plot"
        )
    if n_missing:
        warnings.warn(
            f"{func}(): {n_missing} of {len(corpus)} documents have no {date_column!r} date "
            "and were left out",
            UserWarning,
            stacklevel=2,
        )
    starts = _period_start(dates[dated], freq)
    texts = document_text(corpus)[dated].tolist()

    rows: dict[tuple[Any, str], int] = Counter()
    words_in: Counter[Any] = Counter()
    stop = tok.stopwords
    for _, raw, start in zip(
        _progress(texts, progress=progress, desc="counting terms"),
        tok.raw_token_lists(texts),
        starts.tolist(),
        strict=True,
    ):
        words_in[start] += len(raw)
        toks = [w for w in raw if w not in stop] if stop else raw
        for n in orders:
            grams = (
                toks if n == 1 else map(" ".join, zip(*(toks[i:] for i in range(n)), strict=False))
            )
            for g in grams:
                if g in wanted:
                    rows[(start, g)] += 1

    step = {"day": "D", "week": "7D", "month": "MS"}[freq]
    tz = getattr(starts.dtype, "tz", None)
    first, last = starts.min(), starts.max()
    if tz is not None:
        grid = pd.date_range(first.tz_localize(None), last.tz_localize(None), freq=step)
        periods = grid.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    else:
        periods = pd.date_range(first, last, freq=step)
    n_p, n_t = len(periods), len(keys)
    out = pd.DataFrame(
        {
            "period": periods.repeat(n_t),
            "term": pd.array(np.tile(np.array(term_list, dtype=object), n_p), dtype="str"),
        }
    )
    counts = np.array([rows.get((p, k), 0) for p in periods for k in keys], dtype=np.int64)
    totals = np.array([words_in.get(p, 0) for p in periods], dtype=np.int64).repeat(n_t)
    out["count"] = counts
    out["total_words"] = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        out[_rate_column(per)] = np.where(totals > 0, counts / np.maximum(totals, 1) * per, 0.0)
    out.attrs.update(
        excluded_missing_dates=n_missing,
        normalized_terms=dict(zip(term_list, keys, strict=True)),
        freq=freq,
        token_pattern=tok.pattern,
    )
    return out


# --------------------------------------------------------------------------- KWIC


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


# --------------------------------------------------------------------------- collocations


_SMALL = 1e-20  # nltk.metrics.association._SMALL


def _likelihood_ratio_scores(
    word_fd: Counter[str], pair_fd: dict[tuple[str, str], int], n_all: int, window: int
) -> list[tuple[tuple[str, str], float]]:
    """``BigramCollocationFinder(...).score_ngrams(BigramAssocMeasures.likelihood_ratio)``.

    NLTK's steps, operation for operation and in the same order (so the floats are the
    same to the last bit): ``score_ngram`` scales the pair count by ``1 / (window - 1)``,
    ``_contingency`` makes the 2x2 table, ``_expected_values`` its expected counts and
    ``likelihood_ratio`` sums ``obs * ln(obs / (exp + 1e-20) + 1e-20)``; pairs sorted by
    score descending, then pair. Importing NLTK for this takes about a second (it imports
    scikit-learn and much of SciPy); the test suite checks the equality on BBC texts.
    """
    log = math.log
    scale = window - 1.0
    out = []
    for pair, count in pair_fd.items():
        n_ii = count / scale
        if not n_ii:
            continue
        n_ix, n_xi = word_fd[pair[0]], word_fd[pair[1]]
        n_oi = n_xi - n_ii
        n_io = n_ix - n_ii
        cont = (n_ii, n_oi, n_io, n_all - n_ii - n_oi - n_io)
        n_xx = sum(cont)
        total = 0
        for i in range(4):
            obs = cont[i]
            exp = (cont[i] + cont[i ^ 1]) * (cont[i] + cont[i ^ 2]) / n_xx
            total += obs * log(obs / (exp + _SMALL) + _SMALL)
        out.append((pair, 2 * total))
    out.sort(key=lambda t: (-t[1], t[0]))
    return out


def collocations(
    corpus: pd.DataFrame,
    *,
    measure: Measure = "likelihood_ratio",
    min_count: int = 3,
    top: int | None = 50,
    window: int = 2,
    stopwords: StopwordsArg = "english",
    lowercase: bool = True,
    numbers: bool = False,
    min_length: int = 2,
    progress: bool = True,
) -> pd.DataFrame:
    """Word pairs that occur together more often than chance (NLTK association measures).

    Pairs are formed on the full token stream of each document (stop words kept, so
    only truly adjacent words pair up: "bank of england" gives "bank of" and
    "of england", never "bank england"), within ``window`` tokens and never across
    documents. Then pairs seen fewer than ``min_count`` times and pairs containing a
    stop word are dropped (NLTK's ``apply_freq_filter`` / ``apply_word_filter``), and
    the rest are scored with ``nltk.metrics.BigramAssocMeasures.<measure>`` through
    ``nltk.collocations.BigramCollocationFinder`` (word frequencies and corpus size
    include the stop words). ``window=2`` is adjacent pairs; larger windows count
    ordered pairs up to ``window - 1`` tokens apart (NLTK scales the counts by
    ``1 / (window - 1)`` when scoring).

    Args:
        corpus: A corpus DataFrame.
        measure: An NLTK bigram association measure: "likelihood_ratio" (default,
            robust for rare pairs), "pmi" (favours rare pairs: raise ``min_count``),
            "chi_sq", "student_t", "dice", "jaccard", "phi_sq", "poisson_stirling",
            "mi_like" or "raw_freq".
        min_count: Minimum number of times a pair occurs.
        top: Number of pairs returned (None: all).
        window: Window size in tokens (2 = adjacent words).
        stopwords: Pairs with one of these words are dropped (None: keep all).
        lowercase: Lower-case before tokenizing.
        numbers: Keep tokens with digits.
        min_length: Minimum number of letters in a token.
        progress: Show a progress bar on long runs.

    Returns:
        One row per pair: ``term`` ("prime minister"), ``word1``, ``word2``, ``count``
        (co-occurrences within the window) and ``score``, sorted by score descending,
        then term.

    Example:
        >>> collocations(corpus, measure="likelihood_ratio", top=20)  # doctest: +SKIP
    """
    func = "collocations"
    require_columns(corpus, ["text"], func=func)
    require_nonempty(corpus, func=func)
    require_choice(measure, _MEASURES, func=func, arg="measure")
    require_positive_int(min_count, func=func, arg="min_count")
    require_positive_int(window, func=func, arg="window", minimum=2)
    _check_top(top, func=func)
    tok = _Tokenizer(
        func=func, stopwords=stopwords, lowercase=lowercase, numbers=numbers, min_length=min_length
    )
    word_fd: Counter[str] = Counter()
    pair_fd: Counter[tuple[str, str]] = Counter()
    texts = document_text(corpus).tolist()
    for toks in _progress(tok.raw_token_lists(texts), progress=progress, desc="counting pairs"):
        word_fd.update(toks)
        for k in range(1, window):
            pair_fd.update(zip(toks, toks[k:], strict=False))
    stop = tok.stopwords or frozenset()
    # The same filters as finder.apply_freq_filter / apply_word_filter, in one pass.
    kept = {
        p: c for p, c in pair_fd.items() if c >= min_count and p[0] not in stop and p[1] not in stop
    }
    n_tokens = sum(word_fd.values())
    if measure == "likelihood_ratio":  # the default: NLTK's arithmetic without importing NLTK
        scored = _likelihood_ratio_scores(word_fd, kept, n_tokens, window)
    else:
        from nltk.collocations import BigramCollocationFinder  # slow import: only when used
        from nltk.metrics import BigramAssocMeasures
        from nltk.probability import FreqDist

        finder = BigramCollocationFinder(FreqDist(word_fd), FreqDist(kept), window_size=window)
        scored = finder.score_ngrams(getattr(BigramAssocMeasures, measure))
    if top is not None:
        scored = scored[:top]
    out = pd.DataFrame(
        {
            "term": pd.array([f"{a} {b}" for (a, b), _ in scored], dtype="str"),
            "word1": pd.array([a for (a, _), _ in scored], dtype="str"),
            "word2": pd.array([b for (_, b), _ in scored], dtype="str"),
            "count": np.array([kept[p] for p, _ in scored], dtype=np.int64),
            "score": np.array([s for _, s in scored], dtype=float),
        }
    )
    out.attrs.update(measure=measure, window=window, n_tokens=n_tokens)
    return out
