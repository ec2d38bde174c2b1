"""What an annotation run leaves behind when it is stopped, and what two concurrent runs do.

Usage (from the repository root)::

    .venv/bin/python benchmarks/faults_annotate.py [BBC_DIR] [--n N]

BBC_DIR defaults to ../shared/corpora/bbc; ``--n`` articles are used (default 800).
Not a timing benchmark: it counts.

1. **leftover processes** — for SIGTERM and for SIGKILL: a child process runs
   ``annotate(corpus, n_process=2)`` on a cold cache; once its first cache part is on disk
   the child gets the signal. Printed: the child's exit status, its descendant processes
   (spaCy workers, multiprocessing resource tracker) before the signal, how many are still
   alive 15 s later, and how many texts the next run finds in the cache. Survivors are
   killed afterwards. Run with the default start method (``fork`` in a plain script) and
   with ``spawn`` (what a Jupyter kernel, which has other threads, uses).
2. **two concurrent runs** — two child processes annotate the same articles into one cold
   cache, started together. Printed: ``n_annotated`` of each (texts each one annotated).

Results are printed and written to benchmarks/results/faults_annotate.json.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BBC = ROOT.parent / "shared" / "corpora" / "bbc"

_CHILD = textwrap.dedent(
    """
    import importlib, json, multiprocessing, sys
    sys.path.insert(0, {tests!r})
    from _corpora import bbc_frame
    from analysis import annotate

    if {start!r}:  # as in a Jupyter kernel, where other threads rule out "fork"
        mod = importlib.import_module("analysis.nlp._pool")
        mod._mp_context = lambda: multiprocessing.get_context({start!r})

    if __name__ == "__main__":
        corpus = bbc_frame({bbc!r}, {n})[["doc_id", "title", "text"]]
        ann = annotate(corpus, cache_dir=sys.argv[1], progress=False, n_process=2)
        print(json.dumps(ann.stats), flush=True)
    """
)


def _script(tmp: Path, bbc: Path, n: int, start: str = "") -> Path:
    script = tmp / "child.py"
    text = _CHILD.format(tests=str(ROOT / "tests"), bbc=str(bbc), n=n, start=start)
    script.write_text(text)
    return script


def _popen(script: Path, cache: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(script), str(cache)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_part(cache: Path, proc: subprocess.Popen, limit_s: float = 300) -> None:
    end = time.monotonic() + limit_s
    while not list(cache.glob("*/part-*.parquet")):
        if proc.poll() is not None or time.monotonic() > end:
            raise RuntimeError(f"no cache part appeared: {proc.stderr.read()}")
        time.sleep(0.05)


def leftovers(bbc: Path, n: int, sig: int, start: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        script, cache = _script(tmp, bbc, n, start), tmp / "cache"
        proc = _popen(script, cache)
        _wait_for_part(cache, proc)
        kids = psutil.Process(proc.pid).children(recursive=True)
        names = [" ".join(k.cmdline()[-2:]) for k in kids]
        proc.send_signal(sig)
        try:
            status = proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            status = "still running after 120 s"
            proc.kill()
            proc.wait()
        _, alive = psutil.wait_procs(kids, timeout=15)
        n_alive = len(alive)
        for k in alive:
            k.kill()
        again = _popen(script, cache)
        out, err = again.communicate(timeout=600)
        stats = json.loads(out.strip().splitlines()[-1]) if again.returncode == 0 else err
        return {
            "signal": signal.Signals(sig).name,
            "start_method": start or "default",
            "exit_status": status,
            "descendants_before": len(kids),
            "descendant_commands": names,
            "alive_15s_after": n_alive,
            "rerun_n_cached": stats["n_cached"] if isinstance(stats, dict) else stats,
            "rerun_n_annotated": stats["n_annotated"] if isinstance(stats, dict) else None,
        }


def concurrent(bbc: Path, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        script, cache = _script(tmp, bbc, n), tmp / "cache"
        procs = [_popen(script, cache) for _ in range(2)]
        outs = [p.communicate(timeout=900) for p in procs]
        counts = []
        for p, (out, err) in zip(procs, outs, strict=True):
            if p.returncode != 0:
                raise RuntimeError(err)
            counts.append(json.loads(out.strip().splitlines()[-1])["n_annotated"])
        return {"texts": n, "n_annotated_each": counts, "total_annotated": sum(counts)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bbc", nargs="?", type=Path, default=DEFAULT_BBC)
    ap.add_argument("--n", type=int, default=800)
    args = ap.parse_args()
    results = []
    for start in ("", "spawn"):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            results.append(leftovers(args.bbc, args.n, sig, start))
            print(json.dumps(results[-1]), flush=True)
    results.append(concurrent(args.bbc, args.n))
    print(json.dumps(results[-1]), flush=True)
    out = ROOT / "benchmarks" / "results" / "faults_annotate.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
