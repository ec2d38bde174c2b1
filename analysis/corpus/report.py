"""The load report: what happened to every input of :func:`analysis.corpus.load.load_corpus`.

:class:`LoadReport` (in ``corpus.attrs["load_report"]``, read with :func:`load_report`)
accounts for every input file and table row: loaded, duplicate or skipped (and why).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.errors import AnalysisInputError

__all__ = ["REPORT_COLUMNS", "LoadReport", "load_report"]

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
