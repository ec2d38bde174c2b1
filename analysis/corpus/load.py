"""Load a news corpus (text files, tables, JSON, HTML) into one tidy DataFrame, losing nothing.

Public API: :func:`load_corpus`, :func:`load_report`, :class:`LoadReport`.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.corpus._boilerplate import clean_boilerplate
from analysis.corpus._collect import FolderMode, collect, report_frame
from analysis.corpus._dates import parse_dates
from analysis.corpus._dedup import find_duplicates
from analysis.corpus._readers import SUPPORTED_EXTS
from analysis.corpus._records import count_words
from analysis.errors import AnalysisInputError, CorpusError

__all__ = ["CORPUS_COLUMNS", "REPORT_COLUMNS", "LoadReport", "load_corpus", "load_report"]

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
REPORT_COLUMNS = [
    "path",
    "file",
    "row",
    "format",
    "status",
    "reason",
    "detail",
    "encoding",
    "doc_id",
    "duplicate_of",
    "duplicate_kind",
    "similarity",
    "unparsed_date",
    "boilerplate_lines",
    "boilerplate_chars",
]
_STR = pd.StringDtype()
_log = logging.getLogger(__name__)


class LoadReport(dict):
    """What happened to every input of :func:`load_corpus`.

    Attributes:
        files: one row per input file — and per row of a tabular file — with columns
            ``path`` (relative; "file.csv:row 12"), ``file``, ``row`` (1-based data row or
            <NA>), ``format``, ``status`` ("loaded" | "duplicate" | "skipped"), ``reason``
            (why skipped: broken input — "unreadable", "binary", "decode failure",
            "malformed CSV", "malformed CSV row", "malformed JSON", "malformed JSON line",
            "no text column", "missing column", "bad sidecar" — or expected — "empty",
            "no text", "no rows", "unsupported extension", "sidecar", "documentation file",
            "hidden file", "hidden folder", "excluded", "symlinked folder", "report output",
            "cache"), ``detail`` (also notes on loaded inputs), ``encoding`` (as decoded),
            ``doc_id``, ``duplicate_of``, ``duplicate_kind``, ``similarity``,
            ``unparsed_date`` (the raw value when a date could not be parsed),
            ``boilerplate_lines`` and ``boilerplate_chars`` (what boilerplate removal took
            from the body; ``detail`` names the footer marker that ended the article).
        root: the loaded path.
        fingerprint: hash of the sorted ``doc_id`` values of the returned rows.
        seconds: load time.
        options: the options used.

    A LoadReport is also a small ``dict`` (root, fingerprint, seconds, summary, counts,
    options) so that ``DataFrame.attrs`` stays JSON-serialisable: ``df.to_parquet()`` keeps
    that header (not the per-file table) in the file's metadata.

    Example:
        >>> report = load_report(corpus)  # doctest: +SKIP
        >>> report.summary()  # doctest: +SKIP
        '2,228 files: 2,124 loaded, 101 duplicates (101 exact, 0 near), 3 skipped ...'
    """

    def __init__(
        self,
        files: pd.DataFrame,
        root: str,
        fingerprint: str,
        seconds: float = 0.0,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.files = files
        self.root = root
        self.fingerprint = fingerprint
        self.seconds = seconds
        self.options = dict(options or {})
        super().__init__(
            root=root,
            fingerprint=fingerprint,
            seconds=seconds,
            summary=self.summary(),
            counts=self.counts,
            options=self.options,
        )

    def __repr__(self) -> str:
        return f"LoadReport({self.root!r}: {self.summary()})"

    def __deepcopy__(self, memo: dict[int, Any]) -> LoadReport:
        # pandas deep-copies ``attrs`` on most operations; the report is read-only, share it.
        return self

    @property
    def counts(self) -> dict[str, Any]:
        """Numbers: files, rows, loaded, duplicates, exact, near, skipped, reasons, dates..."""
        f = self.files
        status = f["status"].value_counts()
        kinds = f.loc[f["status"] == "duplicate", "duplicate_kind"].value_counts()
        skipped = f.loc[f["status"] == "skipped", "reason"].value_counts()
        return {
            "files": int(f["file"].nunique()),
            "rows": int(f["row"].notna().sum()),
            "loaded": int(status.get("loaded", 0)),
            "duplicates": int(status.get("duplicate", 0)),
            "exact": int(kinds.get("exact", 0)),
            "near": int(kinds.get("near", 0)),
            "skipped": int(status.get("skipped", 0)),
            "skipped_by_reason": {str(k): int(v) for k, v in skipped.items()},
            "unparseable_dates": int(f["unparsed_date"].notna().sum()),
            "boilerplate_lines": int(f["boilerplate_lines"].sum()),
            "boilerplate_chars": int(f["boilerplate_chars"].sum()),
            "footer_blocks": int(
                f["detail"].str.contains("footer from ", regex=False).fillna(False).sum()
            ),
            "documents_with_boilerplate": int((f["boilerplate_lines"] > 0).sum()),
        }

    @property
    def skipped(self) -> pd.DataFrame:
        """The skipped inputs only."""
        return self.files[self.files["status"] == "skipped"].reset_index(drop=True)

    @property
    def unparseable_dates(self) -> pd.DataFrame:
        """Inputs whose date was present but could not be parsed (with the raw value)."""
        return self.files[self.files["unparsed_date"].notna()].reset_index(drop=True)

    def summary(self) -> str:
        """One line, e.g. "2,225 files: 2,124 loaded, 101 duplicates (101 exact, 0 near), ..."."""
        c = self.counts
        head = f"{c['files']:,} file{'s' if c['files'] != 1 else ''}"
        if c["rows"]:
            head += f", {c['rows']:,} rows"
        reasons = ", ".join(f"{n:,} {r}" for r, n in sorted(c["skipped_by_reason"].items()))
        return (
            f"{head}: {c['loaded']:,} loaded, {c['duplicates']:,} duplicates "
            f"({c['exact']:,} exact, {c['near']:,} near), {c['skipped']:,} skipped"
            + (f" ({reasons})" if reasons else "")
            + f"; {c['unparseable_dates']:,} unparseable dates; "
            f"{c['boilerplate_lines']:,} boilerplate lines removed "
            f"from {c['documents_with_boilerplate']:,} documents"
        )

    def __str__(self) -> str:
        return self.summary()


def load_report(corpus: pd.DataFrame) -> LoadReport:
    """The :class:`LoadReport` of a corpus returned by :func:`load_corpus`.

    Args:
        corpus: a DataFrame returned by ``load_corpus`` (the report lives in ``attrs``).

    Raises:
        AnalysisInputError: when ``corpus`` carries no load report.

    Example:
        >>> print(load_report(load_corpus("data/sample", quiet=True)).summary())  # doctest: +SKIP
    """
    report = getattr(corpus, "attrs", {}).get("load_report")
    if not isinstance(report, LoadReport):
        raise AnalysisInputError(
            "load_report(): argument 'corpus' has no load report in corpus.attrs['load_report']; "
            "expected a DataFrame returned by analysis.load_corpus() (some pandas operations "
            "such as merge drop attrs — keep the original frame)"
        )
    return report


def _doc_ids(titles: list[str], texts: list[str]) -> list[str]:
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


def load_corpus(
    path: str | os.PathLike[str] | pd.DataFrame,
    *,
    folders: FolderMode | Callable[[tuple[str, ...]], Mapping[str, str | None]] = "category",
    source: str | None = None,
    category: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    sidecar: str | os.PathLike[str] | bool | None = None,
    encoding: str | None = None,
    unescape_entities: bool = True,
    boilerplate: bool = True,
    repeated_min_docs: int = 3,
    repeated_min_share: float = 0.2,
    boilerplate_max_chars: int = 200,
    footer_max_share: float = 0.5,
    near_duplicates: bool = True,
    near_threshold: float = 0.8,
    shingle_size: int = 5,
    drop_duplicates: bool = False,
    exclude: Iterable[str] = (),
    recursive: bool = True,
    strict: bool = False,
    quiet: bool = False,
    progress: bool = True,
) -> pd.DataFrame:
    """Load a corpus file or folder into a DataFrame, one row per document.

    Inputs: a folder (searched recursively, formats may be mixed) or a single file.

    - ``.txt``: first non-blank line = title, the rest = body (paragraphs kept).
    - ``.csv``/``.tsv`` (delimiter from the header line), ``.jsonl``/``.ndjson``, ``.json``
      (a list of records, ``{"articles": [...]}`` or one record), ``.parquet``: one document
      per row. Columns are found by common names (title/headline/heading;
      text/body/content/article/description/summary; published/pubDate/date/datetime/
      published_at/timestamp; url/guid/link; source/site/publisher/feed;
      category/section/topic), or given with ``columns``. For the URL, a column named like
      ``url``/``canonical`` comes first, then ``guid`` (the clean RSS URL) before ``link``
      (tracking parameters); the first value that looks like ``http(s)://`` wins.
    - ``.html``/``.htm``: main text, title, date, canonical URL and site name extracted
      offline with trafilatura (never fetched).
    - Folders below the root name the category by default (``folders=``); a metadata sidecar
      (``metadata.csv``/``metadata.json``/``_metadata.csv``... or ``sidecar=``) keyed by file
      name adds ``published``/``source``/``url``/``title``/``category`` to text and HTML files,
      overriding folder-derived and extracted values.

    Text is decoded strictly as UTF-8 (BOM stripped), else detected (charset-normalizer),
    else cp1252/Latin-1; the encoding used per file is in the report. Complete HTML character
    references ending in ";" (``&#233;``, ``&amp;``) in text and tabular fields are decoded.
    Dates are parsed strictly (see :mod:`analysis._dates`): RFC 822, ISO 8601, and plain
    dates with a month name; naive times are UTC; anything else is NaT and reported.

    Returned columns (in this order; text columns are pandas ``string`` dtype with <NA>):

    ========================= ========================================================
    ``doc_id``                16 hex chars, sha256 of title + body (unique; stable)
    ``title``                 headline ("" when the source has none)
    ``text``                  body without the title line, boilerplate removed
    ``source``, ``category``  str or <NA> (``source=``/``category=`` set constants)
    ``published``             datetime64[ns, UTC]; NaT when missing or unparseable
    ``url``                   str or <NA>
    ``path``                  relative path; "file.csv:row 12" for tabular rows
    ``n_chars``, ``n_words``  length of ``text`` in characters / whitespace-separated words
    ``boilerplate_lines``     lines removed from this document's body
    ``is_duplicate``          bool; ``duplicate_of`` = doc_id of the kept original;
    ``duplicate_kind``        "exact" (same casefolded, whitespace-collapsed title+body) or
                              "near" (verified shingle Jaccard >= ``near_threshold``)
    ========================= ========================================================

    Rows are in sorted relative-path order (tabular files in row order). The kept original
    of a duplicate group is the earliest published, then the first in load order.

    Args:
        path: a folder, a single file, or a DataFrame (normalised like a table; the
            input is not modified; rows are reported as "<DataFrame>:row N").
        folders: how folder names below the root map to fields: "category" (default; nested
            folders joined with "/"), "source", "source/category" (first level = source, the
            rest = category), "ignore", or a callable ``parts -> {"source":..., "category":...}``.
        source: a constant source for every document (overrides everything else).
        category: a constant category for every document (overrides everything else).
        columns: explicit field -> column names for tabular files, e.g. ``{"text": "body"}``;
            ``None`` as a value ignores that field.
        sidecar: a sidecar file path; None auto-detects; False disables sidecars.
        encoding: force one encoding (files that fail it are skipped as "decode failure").
        unescape_entities: decode HTML character references in text and table fields.
        boilerplate: remove footer blocks (from a "Source link"/"Disclaimer:"/"Leave a
            Comment"... line near the end on), footer lines, and lines and paragraphs of any
            length repeated across a source's documents (see :mod:`analysis._boilerplate`).
        repeated_min_docs: a repeated line must occur in at least this many documents...
        repeated_min_share: ...and in this share of the source's documents.
        boilerplate_max_chars: footer *lines* ("Share this article") are at most this long.
        footer_max_share: a footer block is never more than this share of a body.
        near_duplicates: also detect near-duplicates (exact ones are always flagged).
        near_threshold: Jaccard similarity of word shingles for a near-duplicate.
        shingle_size: words per shingle.
        drop_duplicates: drop flagged duplicates from the result (the report keeps them).
        exclude: glob patterns (relative path or file name) of inputs to skip.
        recursive: enter subfolders.
        strict: raise at the first broken input (unreadable, undecodable, malformed, a
            table without a text column, a bad sidecar...) instead of skipping it and
            loading the rest.
        quiet: do not print the one-line summary.
        progress: show a tqdm progress bar while reading.

    Returns:
        A new DataFrame; ``load_report(df)`` (also ``df.attrs["load_report"]``) accounts for
        every input file and row.

    Raises:
        CorpusError: missing path, unsupported single file, nothing loadable (the message
            lists the skipped inputs and why), an explicit sidecar that does not exist or
            cannot be read; with ``strict=True``, any broken input. Otherwise one bad file
            never aborts the load: it is a skipped entry of the report, with the reason.

    Example:
        >>> corpus = load_corpus("data/sample", quiet=True)  # doctest: +SKIP
        >>> load_report(corpus).summary()  # doctest: +SKIP
    """
    started = time.perf_counter()
    frame = path if isinstance(path, pd.DataFrame) else None
    root = Path("<DataFrame>") if frame is not None else Path(path).expanduser()
    if frame is None and not root.exists():
        raise CorpusError(f"load_corpus(): path={str(path)!r} does not exist")
    if not 0 < near_threshold <= 1:
        raise CorpusError(f"load_corpus(): near_threshold={near_threshold!r}; expected 0 < x <= 1")
    if isinstance(folders, str) and folders not in (
        "category",
        "source",
        "source/category",
        "ignore",
    ):
        raise CorpusError(
            f"load_corpus(): folders={folders!r} is not valid; expected one of "
            "['category', 'source', 'source/category', 'ignore'] or a callable"
        )
    for name, value in (
        ("repeated_min_docs", repeated_min_docs),
        ("shingle_size", shingle_size),
        ("boilerplate_max_chars", boilerplate_max_chars),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise CorpusError(f"load_corpus(): {name}={value!r}; expected an integer >= 1")
    if not 0 <= footer_max_share <= 1:
        raise CorpusError(
            f"load_corpus(): footer_max_share={footer_max_share!r}; expected 0 <= x <= 1"
        )
    if not 0 <= repeated_min_share <= 1:
        raise CorpusError(
            f"load_corpus(): repeated_min_share={repeated_min_share!r}; expected 0 <= x <= 1"
        )
    exclude = [exclude] if isinstance(exclude, str) else list(exclude)
    docs, report, doc_report_idx = collect(
        path,
        root,
        frame,
        folders=folders,
        source=source,
        category=category,
        columns=columns,
        sidecar=sidecar,
        encoding=encoding,
        unescape=unescape_entities,
        exclude=exclude,
        recursive=recursive,
        progress=progress,
        strict=strict,
    )
    if not docs:
        skipped = Counter(r.get("reason") for r in report)
        shown = "; ".join(
            f"{r['path']}: {r.get('reason')}" + (f" ({r['detail']})" if r.get("detail") else "")
            for r in report[:5]
        )
        raise CorpusError(
            f"load_corpus(): path={str(root)!r} has no loadable documents "
            f"({len(report)} inputs; skipped: {dict(skipped) or 'none'}"
            + (f"; {shown}" if shown else "")
            + f"); expected text in files with one of the extensions {sorted(SUPPORTED_EXTS)}"
        )

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
    ids = _doc_ids(titles, texts)

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
    if drop_duplicates:
        df = df[~df["is_duplicate"]].reset_index(drop=True)

    files = report_frame(report, REPORT_COLUMNS)
    ids_sorted = "\n".join(sorted(df["doc_id"].tolist()))
    rep = LoadReport(
        files=files,
        root=str(root),
        fingerprint=hashlib.sha256(ids_sorted.encode()).hexdigest()[:16],
        seconds=round(time.perf_counter() - started, 3),
        options=copy.deepcopy(
            {
                "folders": folders if isinstance(folders, str) else repr(folders),
                "source": source,
                "category": category,
                "columns": dict(columns or {}),
                "sidecar": sidecar if isinstance(sidecar, bool | None) else str(sidecar),
                "encoding": encoding,
                "unescape_entities": unescape_entities,
                "boilerplate": boilerplate,
                "repeated_min_docs": repeated_min_docs,
                "repeated_min_share": repeated_min_share,
                "boilerplate_max_chars": boilerplate_max_chars,
                "footer_max_share": footer_max_share,
                "near_duplicates": near_duplicates,
                "near_threshold": near_threshold,
                "shingle_size": shingle_size,
                "drop_duplicates": drop_duplicates,
                "exclude": exclude,
                "recursive": recursive,
                "strict": strict,
            }
        ),
    )
    df.attrs["load_report"] = rep
    line = f"load_corpus({str(root)!r}): {rep.summary()} [{rep.seconds:.1f} s]"
    _log.info(line)
    if not quiet:
        print(line)
    return df


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
