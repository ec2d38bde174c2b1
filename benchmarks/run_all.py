"""Run every benchmark side by side with the reference tools and print one table.

Usage (from the repository root, after `make setup`)::

    .venv/bin/python benchmarks/run_all.py [--bbc ../shared/corpora/bbc] [--quick]

Each benchmark module exposes ``run(bbc_dir, ...) -> list[dict]`` with rows
``{"task", "ours_s", "reference_s", "ratio", "note"}``; ratios are ours / reference
unless the row says otherwise. Results go to ``benchmarks/results/summary.json`` and
``benchmarks/results/summary.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def _report_suite(bbc_dir: Path) -> list[dict]:
    """Wall time of the whole report suite on the BBC corpus: cold cache, then warm."""
    from analysis.reports.runner import run_reports

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "reports"
        timings = {}
        for label in ("cold", "warm"):
            t0 = time.perf_counter()
            results = run_reports(
                "all",
                corpus=str(bbc_dir),
                parameters={"cache_dir": str(cache)},
                output_root=str(out),
                force=True,
            )
            timings[label] = time.perf_counter() - t0
            failed = [r.name for r in results if r.status != "ok"]
            if failed:
                raise SystemExit(f"report suite failed on BBC ({label}): {failed}")
        rows.append(
            {
                "task": "report suite on BBC (3 reports): warm vs cold",
                "ours_s": round(timings["warm"], 2),
                "reference_s": round(timings["cold"], 2),
                "ratio": round(timings["warm"] / timings["cold"], 3),
                "note": "cold = empty annotation cache; warm = same corpus again",
            }
        )
        shutil.rmtree(out, ignore_errors=True)
    return rows


def _table(rows: list[dict]) -> str:
    lines = [
        "| task | ours (s) | reference (s) | ratio | note |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['task']} | {r.get('ours_s', '')} | {r.get('reference_s', '')} "
            f"| {r.get('ratio', '')} | {r.get('note', '')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc", type=Path, default=ROOT.parent / "shared" / "corpora" / "bbc")
    parser.add_argument("--quick", action="store_true", help="skip the 10x-corpus memory run")
    parser.add_argument("--skip", nargs="*", default=[], choices=["terms", "annotate", "reports"])
    args = parser.parse_args(argv)
    if not args.bbc.is_dir():
        parser.error(f"--bbc {args.bbc} is not a folder; pass the BBC corpus folder")

    rows: list[dict] = []
    if "terms" not in args.skip:
        import bench_terms

        rows += bench_terms.run(args.bbc)
    if "annotate" not in args.skip:
        import bench_annotate

        rows += bench_annotate.run(args.bbc, scale10=not args.quick)
    if "reports" not in args.skip:
        rows += _report_suite(args.bbc)

    table = _table(rows)
    print(table)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
    }
    (out / "summary.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    (out / "summary.md").write_text(
        f"Benchmarks, {meta['when']}, Python {meta['python']}, {meta['cpus']} CPUs\n\n{table}\n"
    )
    print(f"\nwritten: {out / 'summary.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
