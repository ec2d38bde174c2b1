"""Reading every input of a corpus: walk, sidecars, readers, folder/constant metadata.

Produces the raw documents and one report record per input (file, or table row), in
sorted relative-path order, for :func:`analysis.corpus.load.load_corpus` to finish.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import pandas as pd

from analysis.corpus._readers import (
    CSV_EXTS,
    HTML_EXTS,
    JSON_EXTS,
    JSONL_EXTS,
    PARQUET_EXTS,
    SUPPORTED_EXTS,
    TEXT_EXTS,
    read_html_file,
    read_text_file,
)
from analysis.corpus._records import FIELDS, RawDoc, Skip
from analysis.corpus._sidecar import Sidecar, read_sidecar
from analysis.corpus._tables import read_csv_file, read_frame, read_json_file, read_parquet_file
from analysis.corpus._walk import Entry, classify, walk_inputs
from analysis.errors import CorpusError

__all__ = ["ERROR_REASONS", "FolderMode", "collect", "report_frame"]

FolderMode = Literal["category", "source", "source/category", "ignore"]

# Skip reasons that mean "this input is broken" (strict=True raises on them); the others
# ("empty", "no text", "no rows", "hidden file", "sidecar", ...) are expected in a corpus.
ERROR_REASONS = frozenset(
    {
        "unreadable",
        "binary",
        "decode failure",
        "malformed CSV",
        "malformed CSV row",
        "malformed JSON",
        "malformed JSON line",
        "no text column",
        "missing column",
        "bad sidecar",
    }
)


def _folder_fields(rel: str, mode: FolderMode | Callable[..., Any]) -> dict[str, str | None]:
    parts = PurePosixPath(rel).parts[:-1]
    if callable(mode):
        got = mode(parts) or {}
        return {k: got.get(k) for k in ("source", "category")}
    if not parts or mode == "ignore":
        return {"source": None, "category": None}
    if mode == "category":
        return {"source": None, "category": "/".join(parts)}
    if mode == "source":
        return {"source": parts[0], "category": None}
    return {"source": parts[0], "category": "/".join(parts[1:]) or None}


def _read_entry(entry: Entry, *, columns: Any, encoding: str | None, unescape: bool) -> Iterable:
    ext = entry.abspath.suffix.lower()
    if ext in TEXT_EXTS:
        return read_text_file(entry.abspath, entry.rel, encoding=encoding, unescape=unescape)
    if ext in HTML_EXTS:
        return read_html_file(entry.abspath, entry.rel, encoding=encoding)
    if ext in CSV_EXTS:
        return read_csv_file(
            entry.abspath, entry.rel, columns=columns, encoding=encoding, unescape=unescape
        )
    if ext in JSON_EXTS | JSONL_EXTS:
        return read_json_file(
            entry.abspath,
            entry.rel,
            columns=columns,
            encoding=encoding,
            unescape=unescape,
            lines=ext in JSONL_EXTS,
        )
    if ext in PARQUET_EXTS:
        return read_parquet_file(entry.abspath, entry.rel, columns=columns, unescape=unescape)
    raise AssertionError(ext)  # pragma: no cover - classify() filters extensions


def _fmt(rel: str) -> str:
    ext = PurePosixPath(rel).suffix.lower().lstrip(".")
    return ext or ""


def _read_safely(items: Iterable, entry: Entry) -> Iterator[RawDoc | Skip]:
    """Every item a reader gives; an error ends the file as a Skip naming it and the row.

    One bad file never aborts the load: a reader's CorpusError (no text column, a missing
    explicit column) or any other exception becomes a skipped entry with the reason; a
    file that yields nothing at all (a header without rows, ``[]``) is "no rows".
    """
    fmt = _fmt(entry.rel)
    last_row: int | None = None
    n = 0
    try:
        for item in items:
            n += 1
            last_row = item.row if item.row is not None else last_row
            yield item
    except CorpusError as exc:
        reason = getattr(exc, "reason", "unreadable")
        row = None if last_row is None else last_row + 1
        yield Skip(entry.rel, row, fmt, reason, str(exc).removeprefix("load_corpus(): "))
        return
    except Exception as exc:  # any failure is this file's, reported with it
        row = None if last_row is None else last_row + 1
        where = f" after row {last_row}" if last_row is not None else ""
        yield Skip(entry.rel, row, fmt, "unreadable", f"{type(exc).__name__}{where}: {exc}")
        return
    if n == 0:
        yield Skip(entry.rel, None, fmt, "no rows", "the file holds no records")


def _read_sidecars(
    entries: list[Entry], sidecars: list[Sidecar], *, sidecar: Any, sidecar_auto: bool
) -> None:
    """Parse auto-detected sidecars; a broken one is skipped ("bad sidecar"), and a file
    named like a sidecar without a file-name column is read as data instead."""
    for e in entries:
        if e.kind != "sidecar" or any(sc.file == e.rel for sc in sidecars):
            continue
        if not sidecar_auto:
            e.detail = f"metadata sidecar not used (sidecar={sidecar!r})"
            continue
        folder = PurePosixPath(e.rel).parent.as_posix()
        try:
            sidecars.append(read_sidecar(e.abspath.read_bytes(), file=e.rel, folder=folder))
        except (CorpusError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", "bad sidecar")
            message = str(exc).removeprefix("load_corpus(): ")
            if reason == "no key column":
                e.kind, e.reason = "document", ""
                e.detail = "; ".join(filter(None, [e.detail, "named like a sidecar; read as data"]))
            else:
                e.kind, e.reason, e.detail = "skip", "bad sidecar", message


def collect(
    path: Any,
    root: Path,
    frame: pd.DataFrame | None,
    *,
    folders: FolderMode | Callable[[tuple[str, ...]], Mapping[str, str | None]],
    source: str | None,
    category: str | None,
    columns: Mapping[str, str | None] | None,
    sidecar: Any,
    encoding: str | None,
    unescape: bool,
    exclude: Iterable[str],
    recursive: bool,
    progress: bool,
    strict: bool = False,
) -> tuple[list[RawDoc], list[dict[str, Any]], list[int]]:
    """Read all inputs. Returns ``(docs, report records, report index of each doc)``.

    With ``strict``, the first broken input (a skip reason in :data:`ERROR_REASONS`)
    raises CorpusError naming it.
    """
    from tqdm.auto import tqdm

    unknown = set(columns or {}) - set(FIELDS)
    if unknown:
        raise CorpusError(
            f"load_corpus(): columns= has unknown field(s) {sorted(unknown)}; "
            f"valid fields are {list(FIELDS)}"
        )
    sidecar_auto = sidecar is None or sidecar is True
    entries = _entries(
        path, root, frame, exclude=list(exclude), recursive=recursive, sidecar_auto=sidecar_auto
    )
    sidecars = _sidecars(entries, frame, sidecar=sidecar, sidecar_auto=sidecar_auto)
    if frame is None and root.is_file():
        entries = [e for e in entries if e.kind == "document"]  # neighbours are not inputs

    def read(e: Entry) -> Iterable:
        if frame is not None:
            return read_frame(frame, e.rel, columns=columns, unescape=unescape)
        return _read_entry(e, columns=columns, encoding=encoding, unescape=unescape)

    found = _Collected(entries, sidecars, folders=folders, source=source, category=category)
    to_read = [e for e in entries if e.kind == "document"]
    with tqdm(total=len(to_read), desc="loading corpus", unit="file", disable=not progress) as bar:
        for e in entries:
            if e.kind != "document":
                found.skip(e, strict=strict)
                continue
            found.add(e, _read_safely(read(e), e), strict=strict)
            bar.update(1)
    found.add_sidecar_details()
    return found.docs, found.report, found.doc_report_idx


def _entries(
    path: Any,
    root: Path,
    frame: pd.DataFrame | None,
    *,
    exclude: list[str],
    recursive: bool,
    sidecar_auto: bool,
) -> list[Entry]:
    """The inputs: the walked folder, the single file (and sidecars beside it), or the frame."""
    if frame is not None:
        return [Entry(root, "<DataFrame>", "document")]
    if root.is_dir():
        return walk_inputs(root, exclude=exclude, sidecar_auto=True, recursive=recursive)
    if root.suffix.lower() not in SUPPORTED_EXTS:
        raise CorpusError(
            f"load_corpus(): path={str(path)!r} has an unsupported extension "
            f"{root.suffix or '(none)'!r}; expected a folder or one of "
            f"{sorted(SUPPORTED_EXTS)}"
        )
    entries = [Entry(root, root.name, "document")]
    if sidecar_auto:
        entries += [
            classify(p, p.name, exclude=(), sidecar_auto=True)
            for p in sorted(root.parent.iterdir())
            if p.is_file() and classify(p, p.name, exclude=(), sidecar_auto=True).kind == "sidecar"
        ]
    return entries


def _sidecars(
    entries: list[Entry], frame: pd.DataFrame | None, *, sidecar: Any, sidecar_auto: bool
) -> list[Sidecar]:
    """The sidecars to look file names up in: the explicit one, else those found."""
    sidecars: list[Sidecar] = []
    if frame is not None and sidecar not in (None, False):
        raise CorpusError("load_corpus(): sidecar= applies to files, not to a DataFrame input")
    if sidecar not in (None, False, True):
        sc_path = Path(sidecar).expanduser()
        if not sc_path.is_file():
            raise CorpusError(f"load_corpus(): sidecar={str(sidecar)!r} is not a file")
        explicit = read_sidecar(sc_path.read_bytes(), file=str(sidecar), folder="")
        sidecars.append(explicit)
        for e in entries:
            if e.abspath.resolve() == sc_path.resolve():
                e.kind, e.reason, explicit.file = "sidecar", "sidecar", e.rel
    _read_sidecars(entries, sidecars, sidecar=sidecar, sidecar_auto=sidecar_auto)
    # An explicit sidecar is the only one; auto-detected ones: the deepest folder's wins.
    sidecars.sort(key=lambda sc: -len(PurePosixPath(sc.folder).parts))
    return sidecars


class _Collected:
    """The documents read so far and one report record per input, in input order."""

    def __init__(
        self,
        entries: list[Entry],
        sidecars: list[Sidecar],
        *,
        folders: FolderMode | Callable[[tuple[str, ...]], Mapping[str, str | None]],
        source: str | None,
        category: str | None,
    ) -> None:
        self.sidecars = sidecars
        self.folders, self.source, self.category = folders, source, category
        self.by_name: dict[str, list[str]] = {}
        for e in entries:
            if e.kind == "document":
                self.by_name.setdefault(PurePosixPath(e.rel).name, []).append(e.rel)
        self.docs: list[RawDoc] = []
        self.report: list[dict[str, Any]] = []  # docs link by index
        self.doc_report_idx: list[int] = []

    def skip(self, e: Entry, *, strict: bool) -> None:
        """An input that is not read (hidden, excluded, a sidecar, ...)."""
        if strict and e.reason in ERROR_REASONS:
            raise CorpusError(
                f"load_corpus(): {e.rel}: {e.reason} ({e.detail}); "
                "strict=True stops at the first broken input"
            )
        self.report.append(
            {
                "path": e.rel,
                "file": e.rel,
                "row": None,
                "format": _fmt(e.rel),
                "status": "skipped",
                "reason": e.reason,
                "detail": e.detail,
            }
        )
        if e.kind == "sidecar":
            self.report[-1]["_sidecar"] = e.rel

    def add(self, e: Entry, items: Iterable[RawDoc | Skip], *, strict: bool) -> None:
        """The documents (and skipped rows) read from one input."""
        folder_vals = _folder_fields(e.rel, self.folders)
        for item in items:
            row_path = item.file if item.row is None else f"{item.file}:row {item.row}"
            rec = {
                "path": row_path,
                "file": item.file,
                "row": item.row,
                "format": item.fmt,
                "encoding": item.encoding,
            }
            if isinstance(item, Skip):
                detail = "; ".join(filter(None, [e.detail, item.detail]))
                rec.update(status="skipped", reason=item.reason, detail=detail)
                self.report.append(rec)
                if strict and item.reason in ERROR_REASONS:
                    raise CorpusError(
                        f"load_corpus(): {row_path}: {item.reason} ({detail}); "
                        "strict=True stops at the first broken input"
                    )
                continue
            rec["detail"] = "; ".join(filter(None, [e.detail, item.note])) or None
            self._set_metadata(item, folder_vals)
            self.doc_report_idx.append(len(self.report))
            self.report.append(rec)
            self.docs.append(item)

    def _set_metadata(self, item: RawDoc, folder_vals: dict[str, str | None]) -> None:
        """Sidecar fields, then folder-derived source/category, then the constants."""
        if item.row is None:
            for sc in self.sidecars:
                meta = sc.lookup(item.file, self.by_name)
                if meta:
                    for k, v in meta.items():
                        setattr(item, k, v)
                    break
        item.source = item.source or folder_vals["source"]
        item.category = item.category or folder_vals["category"]
        if self.source is not None:
            item.source = self.source
        if self.category is not None:
            item.category = self.category

    def add_sidecar_details(self) -> None:
        """The sidecars' report details, known once every document was looked up."""
        for rec in self.report:
            sc_file = rec.pop("_sidecar", None)
            if sc_file:
                rec["detail"] = next(
                    (s.detail() for s in self.sidecars if s.file == sc_file), rec["detail"]
                )


def _storable(text: str) -> str:
    """Lone surrogates (from undecodable names or bytes) cannot be stored: show them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode()
    return text


def report_frame(report: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """The load report's per-input table, one typed column per name in ``columns``."""
    frame = pd.DataFrame.from_records(report, columns=columns)
    for col in columns:
        if col == "row":
            frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
        elif col == "similarity":
            frame[col] = pd.array(frame[col].tolist(), dtype="Float64")
        elif col in ("boilerplate_lines", "boilerplate_chars"):
            frame[col] = frame[col].fillna(0).astype("int64")
        else:
            frame[col] = pd.array(
                [None if v is None or v != v else _storable(str(v)) for v in frame[col].tolist()],
                dtype=pd.StringDtype(),
            )
    return frame
