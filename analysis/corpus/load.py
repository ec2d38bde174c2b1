"""Load a news corpus (text files, tables, JSON, HTML) into one tidy DataFrame, losing nothing.

Public API: :func:`load_corpus`, :func:`load_report`, :class:`LoadReport`. The inputs are
walked and read by :mod:`analysis.corpus._collect`; the frame is built (boilerplate,
dates, duplicates, ids) by :mod:`analysis.corpus._build`; the report lives in
:mod:`analysis.corpus.report`.

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
Dates are parsed strictly (see :mod:`analysis.corpus._dates`): RFC 822, ISO 8601, and
plain dates with a month name; naive times are UTC; anything else is NaT and reported.

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
of a duplicate group is the earliest published, then the first in load order. Columns of
a table that map to no field follow, as text (``extra_`` prefixed on a name clash).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.corpus._build import CORPUS_COLUMNS, build_frame, fingerprint, nothing_loadable
from analysis.corpus._collect import FolderMode, collect, report_frame
from analysis.corpus._options import LoadOptions
from analysis.corpus.report import REPORT_COLUMNS, LoadReport, load_report
from analysis.errors import CorpusError

__all__ = ["CORPUS_COLUMNS", "REPORT_COLUMNS", "LoadReport", "load_corpus", "load_report"]

_log = logging.getLogger(__name__)


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

    The formats read, how fields are found, decoding, dates and the returned columns are
    described in the module's docstring (``help(analysis.corpus.load)``).

    Args:
        path: a folder, a single file, or a DataFrame (normalised like a table; the
            input is not modified; rows are reported as "<DataFrame>:row N").
        folders: how folder names below the root map to fields: "category" (default; nested
            folders joined with "/"), "source", "source/category" (first level = source, the
            rest = category), "ignore", or a callable ``parts -> {"source":..., "category":...}``.
        source, category: a constant source / category for every document (overrides all).
        columns: explicit field -> column names for tabular files, e.g. ``{"text": "body"}``;
            ``None`` as a value ignores that field.
        sidecar: a sidecar file path; None auto-detects; False disables sidecars.
        encoding: force one encoding (files that fail it are skipped as "decode failure").
        unescape_entities: decode HTML character references in text and table fields.
        boilerplate: remove footer blocks, footer lines, and lines and paragraphs repeated
            across a source's documents (see :mod:`analysis.corpus._boilerplate`).
        repeated_min_docs, repeated_min_share: a repeated line must occur in at least this
            many documents and in this share of the source's documents.
        boilerplate_max_chars: footer *lines* ("Share this article") are at most this long.
        footer_max_share: a footer block is never more than this share of a body.
        near_duplicates: also detect near-duplicates (exact ones are always flagged).
        near_threshold, shingle_size: Jaccard similarity of word shingles (of this many
            words) for a near-duplicate.
        drop_duplicates: drop flagged duplicates from the result (the report keeps them).
        exclude: glob patterns (relative path or file name) of inputs to skip.
        recursive: enter subfolders.
        strict: raise at the first broken input (unreadable, undecodable, malformed...).
        quiet: do not print the one-line summary.
        progress: show a tqdm progress bar while reading.

    Returns:
        A new DataFrame; ``load_report(df)`` (also ``df.attrs["load_report"]``) accounts for
        every input file and row.

    Raises:
        CorpusError: missing path, unsupported single file, nothing loadable, a bad explicit
            sidecar; with ``strict=True``, any broken input. Otherwise one bad file never
            aborts the load: it is a skipped entry of the report, with the reason.

    Example:
        >>> corpus = load_corpus("data/sample", quiet=True)  # doctest: +SKIP
        >>> load_report(corpus).summary()  # doctest: +SKIP
    """
    options = LoadOptions.of(locals())  # every keyword argument, by name
    started = time.perf_counter()
    frame = path if isinstance(path, pd.DataFrame) else None
    root = Path("<DataFrame>") if frame is not None else Path(path).expanduser()
    if frame is None and not root.exists():
        raise CorpusError(f"load_corpus(): path={str(path)!r} does not exist")
    options.check()
    docs, report, doc_report_idx = collect(path, root, frame, **options.for_collect())
    if not docs:
        raise nothing_loadable(root, report)
    df = build_frame(docs, report, doc_report_idx, **options.for_build())
    if options.drop_duplicates:
        df = df[~df["is_duplicate"]].reset_index(drop=True)
    rep = LoadReport(
        files=report_frame(report, REPORT_COLUMNS),
        root=str(root),
        fingerprint=fingerprint(df),
        seconds=round(time.perf_counter() - started, 3),
        options=options.for_report(),
    )
    df.attrs["load_report"] = rep
    line = f"load_corpus({str(root)!r}): {rep.summary()} [{rep.seconds:.1f} s]"
    _log.info(line)
    if not options.quiet:
        print(line)
    return df
