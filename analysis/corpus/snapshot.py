"""A Parquet snapshot of a loaded corpus, reused across reports and updated incrementally.

:func:`load_corpus_cached` returns exactly what :func:`analysis.corpus.load.load_corpus` returns
(the same frame, the same load report), but keeps the result under the cache folder keyed by
the corpus path, the loader options and the loader's own source code. The snapshot records
every input file with its size and modification time (ns):

- nothing changed: the snapshot is read back (no file is opened, no duplicate search);
- files added, changed or removed: only those files are read (``load_corpus`` on a temporary
  folder of links to them), their boilerplate is removed by the per-document steps of
  :mod:`analysis.corpus._boilerplate` with their source's repeated lines and paragraphs (from
  stored per-source counts, :mod:`analysis.corpus._snapshot_boilerplate`), and duplicates are
  searched by comparing the new documents against the stored MinHash signatures of the
  existing ones (the same LSH bands and verified Jaccard as a fresh load); removed files
  drop out;
- when a change could alter an existing document (a new repeated boilerplate line or
  paragraph in a source, or its repetition threshold moving past a count, a new
  document earlier in the duplicate visiting order that matches a later one, a removed
  original that duplicates point at, identical copies whose ``doc_id`` depends on order,
  a metadata sidecar, a single-file corpus) the corpus is loaded afresh.

Snapshots live in ``<cache>/snapshots/<key>/`` (``<cache>`` is the annotation cache root's
parent, ``data/.cache`` in a project; ``$NEWSDESK_CACHE_DIR/..`` when set), are written as
a new generation folder and switched to by an atomic rename of ``CURRENT``, under a file lock,
so concurrent runs neither corrupt nor duplicate work. A loader or option change starts a
new key.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus._snapshot_merge import (
    IncrementalUnsafe,
    merge_changes,
    raw_texts_for,
    snapshot_extras,
)
from analysis.corpus.load import LoadReport, load_corpus
from analysis.errors import CorpusError

__all__ = ["load_corpus_cached", "loader_version", "snapshot_root"]

# 2: repeated-unit counts (lines and paragraphs of any length, after the footer cut) in
# units.parquet, replacing the short-line counts of lines.parquet
_FORMAT = 2
_PRIVATE = ("_raw_text", "_content", "_norm", "_bp_digest")


def loader_version() -> str:
    """A hash of the loader's source files and the package version (16 hex digits).

    The loader is the :mod:`analysis.corpus` subpackage: any edit of one of its modules
    (or a module added to it) starts new snapshots.

    Example:
        >>> len(loader_version())
        16
    """
    from analysis._version import __version__

    h = hashlib.sha256(f"{__version__}|{_FORMAT}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.stem.encode())
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def snapshot_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding corpus snapshots.

    ``cache_dir`` is the annotation cache folder of the reports (``None``: the default,
    see :func:`analysis._cache_dir.default_cache_dir`); snapshots go in ``snapshots/`` beside it.

    Example:
        >>> snapshot_root("/tmp/cache/annotations")
        PosixPath('/tmp/cache/snapshots')
    """
    from analysis._cache_dir import default_cache_dir

    base = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    return base.parent / "snapshots"


# --------------------------------------------------------------------------- inputs


def _scan(root: Path, options: dict[str, Any]) -> pd.DataFrame:
    """Every file (and skipped folder) the loader would see, with its size and mtime.

    Mirrors which folders :func:`analysis.corpus._walk.walk_inputs` enters, but only lists and
    stats (what each file *is* follows from its name and the options, part of the key).
    """
    from analysis.corpus._sidecar import SIDECAR_NAMES
    from analysis.corpus._walk import _is_hidden

    rows: list[tuple[str, int, int]] = []

    def stat(path: str) -> tuple[int, int]:
        try:
            st = os.stat(path)
        except OSError:
            return -1, -1
        return st.st_size, st.st_mtime_ns

    if root.is_dir():
        exclude = list(options.get("exclude") or ())
        recursive = options.get("recursive", True)
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root)
            prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
            keep = []
            for d in dirnames:
                rel = prefix + d
                if (
                    _is_hidden(d)
                    or any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(d, p) for p in exclude)
                    or os.path.islink(os.path.join(dirpath, d))
                    or not recursive
                ):
                    rows.append((rel + "/", -1, -1))
                else:
                    keep.append(d)
            dirnames[:] = keep
            rows.extend((prefix + f, *stat(os.path.join(dirpath, f))) for f in filenames)
    else:
        rows.append((root.name, *stat(str(root))))
        for p in sorted(root.parent.iterdir()):
            if p != root and p.name.lower() in SIDECAR_NAMES:
                rows.append((p.name, *stat(str(p))))
    sidecar = options.get("sidecar")
    if isinstance(sidecar, str):
        rows.append(("<sidecar>", *stat(os.path.expanduser(sidecar))))
    rows.sort()
    return pd.DataFrame(rows, columns=["rel", "size", "mtime_ns"])


def _has_sidecar(inputs: pd.DataFrame, options: dict[str, Any]) -> bool:
    from analysis.corpus._sidecar import SIDECAR_NAMES

    if isinstance(options.get("sidecar"), str):
        return True
    if options.get("sidecar") is False:
        return False
    names = {r.rsplit("/", 1)[-1].lower() for r in inputs["rel"]}
    return bool(names & set(SIDECAR_NAMES))


# --------------------------------------------------------------------------- storage


class _Store:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def current(self) -> Path | None:
        try:
            gen = (self.folder / "CURRENT").read_text().strip()
        except OSError:
            return None
        path = self.folder / gen
        return path if gen and path.is_dir() else None

    def read(self) -> dict[str, Any] | None:
        gen = self.current()
        if gen is None:
            return None
        try:
            manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
            return {
                "manifest": manifest,
                "inputs": pd.read_parquet(gen / "inputs.parquet"),
                "corpus": pd.read_parquet(gen / "corpus.parquet", columns=manifest["columns"]),
                "report": pd.read_parquet(gen / "report.parquet"),
                "gen": gen,
            }
        except Exception:  # a damaged snapshot is rebuilt, never trusted
            return None

    def read_extras(self, gen: Path) -> dict[str, Any]:
        return {
            "private": pd.read_parquet(gen / "corpus.parquet", columns=list(_PRIVATE)),
            "units": pd.read_parquet(gen / "units.parquet"),
            "sigs": np.load(gen / "sigs.npy"),
        }

    def write(self, parts: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        tmp = self.folder / f".{name}.tmp"
        tmp.mkdir()
        try:
            for key in ("inputs", "corpus", "report", "units"):
                frame = parts[key].copy(deep=False)
                frame.attrs = {}
                # uncompressed: 3-4x faster to write and read than zstd, for ~3x the size;
                # no dictionary encoding (texts, ids and hashes are unique) but for groups
                frame.to_parquet(
                    tmp / f"{key}.parquet",
                    index=False,
                    compression=None,
                    use_dictionary=["group"] if key == "units" else False,
                )
            np.save(tmp / "sigs.npy", parts["sigs"])
            (tmp / "manifest.json").write_text(json.dumps(parts["manifest"], default=str))
            os.replace(tmp, self.folder / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        pointer = self.folder / f".CURRENT.{uuid.uuid4().hex}"
        pointer.write_text(name)
        os.replace(pointer, self.folder / "CURRENT")
        for old in self.folder.iterdir():  # earlier generations (readers hold the lock)
            if old.is_dir() and old.name != name:
                shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- public


def _options(kwargs: dict[str, Any]) -> dict[str, Any]:
    opts = dict(kwargs)
    opts.pop("quiet", None)
    opts.pop("progress", None)
    opts.pop("drop_duplicates", None)
    return opts


def _key(root: Path, options: dict[str, Any]) -> str:
    payload = json.dumps(
        {"root": str(root.resolve()), "options": options, "loader": loader_version()},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def _finish(
    corpus: pd.DataFrame,
    files: pd.DataFrame,
    manifest: dict[str, Any],
    *,
    root: Path,
    drop_duplicates: bool,
    started: float,
    quiet: bool,
    how: str,
) -> pd.DataFrame:
    df = corpus.drop(columns=[c for c in _PRIVATE if c in corpus.columns])
    if drop_duplicates:
        df = df[~df["is_duplicate"]].reset_index(drop=True)
    options = dict(manifest["report_options"])
    options["drop_duplicates"] = drop_duplicates
    ids_sorted = "\n".join(sorted(df["doc_id"].tolist()))
    rep = LoadReport(
        files=files,
        root=str(root),
        fingerprint=hashlib.sha256(ids_sorted.encode()).hexdigest()[:16],
        seconds=round(time.perf_counter() - started, 3),
        options=options,
    )
    df.attrs = {"load_report": rep, "snapshot": how}
    if not quiet:
        print(f"load_corpus({str(root)!r}): {rep.summary()} [{rep.seconds:.1f} s, {how}]")
    return df


def _full(
    root: Path, path: Any, inputs: pd.DataFrame, options: dict[str, Any], progress: bool
) -> dict[str, Any]:
    frame = load_corpus(path, **options, drop_duplicates=False, quiet=True, progress=progress)
    rep = frame.attrs["load_report"]
    raw: list[str] | None = None
    if root.is_dir() and not _has_sidecar(inputs, options):
        cleaned = frame["boilerplate_lines"] > 0
        loaded: dict[str, str] = {}
        if cleaned.any():  # the text before boilerplate removal, for the line counts
            file_of = dict(zip(rep.files["path"], rep.files["file"], strict=True))
            files = sorted({file_of[p] for p in frame.loc[cleaned, "path"]})
            with contextlib.suppress(IncrementalUnsafe):
                sub = _load_subset(root, files, options)
                loaded = dict(zip(sub["path"], sub["text"], strict=True))
        if all(p in loaded for p in frame.loc[cleaned, "path"]):
            raw = raw_texts_for(frame, loaded)
    extras = snapshot_extras(frame, raw, rep.options)
    manifest = {
        "report_options": dict(rep.options),
        "incremental": raw is not None,
        "columns": [str(c) for c in frame.columns],
    }
    return {"corpus": extras.pop("corpus"), "report": rep.files, "manifest": manifest, **extras}


def load_corpus_cached(
    path: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | bool | None = None,
    quiet: bool = False,
    progress: bool = False,
    drop_duplicates: bool = False,
    **options: Any,
) -> pd.DataFrame:
    """:func:`analysis.load_corpus` through an incremental Parquet snapshot.

    Args:
        path: the corpus folder or file.
        cache_dir: the annotation cache folder (snapshots go in ``snapshots/`` beside it);
            None for the default; False loads without a snapshot.
        quiet: do not print the one-line summary.
        progress: show the loader's progress bars (a full load only).
        drop_duplicates: as for ``load_corpus``.
        **options: any other ``load_corpus`` option (part of the snapshot's key).

    Returns:
        The frame ``load_corpus`` would return; ``df.attrs["snapshot"]`` says how it was
        obtained: "fresh load", "unchanged" or "updated: +A ~C -R files".

    Example:
        >>> corpus = load_corpus_cached("data/sample", quiet=True)  # doctest: +SKIP
        >>> corpus.attrs["snapshot"]  # doctest: +SKIP
        'unchanged'
    """
    started = time.perf_counter()
    root = Path(path).expanduser()
    opts = _options(options)
    if cache_dir is False or callable(opts.get("folders")) or isinstance(path, pd.DataFrame):
        return load_corpus(
            path, quiet=quiet, progress=progress, drop_duplicates=drop_duplicates, **opts
        )
    if not root.exists():
        raise CorpusError(f"load_corpus(): path={str(path)!r} does not exist")
    from filelock import FileLock

    folder = snapshot_root(None if cache_dir is True else cache_dir) / _key(root, opts)
    folder.parent.mkdir(parents=True, exist_ok=True)
    store = _Store(folder)
    with FileLock(str(folder) + ".lock"):
        inputs = _scan(root, opts)
        snap = store.read()
        how = "fresh load"
        parts: dict[str, Any] | None = None
        if snap is not None and snap["inputs"].equals(inputs):
            parts, how = snap, "unchanged"
        else:
            if snap is not None:
                try:
                    parts, how = _update(root, snap, store, inputs, opts)
                except IncrementalUnsafe as why:
                    how = f"fresh load ({why})"
            if parts is None:
                parts = _full(root, path, inputs, opts, progress)
            parts["inputs"] = inputs
            store.write(parts)
        return _finish(
            parts["corpus"],
            parts["report"],
            parts["manifest"],
            root=root,
            drop_duplicates=drop_duplicates,
            started=started,
            quiet=quiet,
            how=how,
        )


def _changed(old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """Files added, changed (size or mtime) and removed between two scans."""
    stats = zip(old["size"].tolist(), old["mtime_ns"].tolist(), strict=True)
    before = dict(zip(old["rel"].tolist(), stats, strict=True))
    added: list[str] = []
    changed: list[str] = []
    for rel, size, mtime in zip(
        new["rel"].tolist(), new["size"].tolist(), new["mtime_ns"].tolist(), strict=True
    ):
        was = before.pop(rel, None)
        if was is None:
            added.append(rel)
        elif was != (size, mtime):
            changed.append(rel)
    return sorted(added), sorted(changed), sorted(before)


def _update(
    root: Path, snap: dict[str, Any], store: _Store, inputs: pd.DataFrame, opts: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    if not root.is_dir():
        raise IncrementalUnsafe("a single-file corpus changed")
    if not snap["manifest"].get("incremental"):
        raise IncrementalUnsafe("the snapshot cannot be updated in place")
    added, changed, removed = _changed(snap["inputs"], inputs)
    if _has_sidecar(pd.DataFrame({"rel": [*added, *removed]}), opts):
        raise IncrementalUnsafe("the corpus has a metadata sidecar")
    if any(r.endswith("/") for r in [*added, *changed, *removed]):
        raise IncrementalUnsafe("a skipped folder appeared or disappeared")
    fresh = _load_subset(root, [*added, *changed], opts)
    extras = store.read_extras(snap["gen"])
    corpus = pd.concat([snap["corpus"], extras["private"]], axis=1)
    parts = merge_changes(
        corpus,
        snap["report"],
        extras["units"],
        extras["sigs"],
        fresh=fresh,
        gone=[*changed, *removed],
        options=snap["manifest"]["report_options"],
    )
    parts["manifest"] = snap["manifest"]
    return parts, f"updated: +{len(added)} ~{len(changed)} -{len(removed)} files"


def _load_subset(root: Path, rels: Iterable[str], opts: dict[str, Any]) -> pd.DataFrame | None:
    """``load_corpus`` on links to just these files (same relative paths), no global steps."""
    rels = list(rels)
    if not rels:
        return None
    with tempfile.TemporaryDirectory(prefix="newsdesk-snapshot-") as tmp:
        base = Path(tmp) / "corpus"
        for rel in rels:
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(root / rel, target)
        sub = {**opts, "boilerplate": False, "near_duplicates": False}
        try:
            frame = load_corpus(base, **sub, drop_duplicates=False, quiet=True, progress=False)
        except CorpusError as exc:
            raise IncrementalUnsafe(f"the new files alone do not load: {exc}") from None
    _own_symlink_notes(frame.attrs["load_report"].files, root)
    return frame


def _own_symlink_notes(files: pd.DataFrame, root: Path) -> None:
    """The ``detail`` a load of ``root`` itself gives, in a report of links to its files.

    Every file of the linked folder is a symlink leading outside it, which the walk notes;
    in the corpus itself only a file that is a symlink leading outside the corpus has it.
    """
    real_root = os.path.realpath(root)
    out: list[str | None] = []
    for file, detail, status in zip(files["file"], files["detail"], files["status"], strict=True):
        if detail is pd.NA or detail is None:
            out.append(detail)
            continue
        path = root / file
        target = os.path.realpath(path)
        note = f"symlink leads outside the corpus: {target}"
        if path.is_symlink() and os.path.commonpath([real_root, target]) != real_root:
            out.append(detail)  # a real note: the corpus file is such a symlink
            continue
        if detail == note:
            out.append("" if status == "skipped" else None)
        elif detail.startswith(note + "; "):
            out.append(detail[len(note) + 2 :])
        else:
            out.append(detail.replace("; " + note, "", 1))
    files["detail"] = pd.array(out, dtype=files["detail"].dtype)
