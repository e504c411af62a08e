"""Runs the benchmarks in bench/cases.py and writes docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", help="benchmark name (repeatable)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from tqdm import tqdm

    from bench.cases import BENCHMARKS

    selected = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    rows = []
    for bench in selected:
        baseline, candidate = bench.prepare()
        if bench.check and baseline() != candidate():
            raise SystemExit(f"{bench.name}: baseline and candidate disagree")
        base_times: list[float] = []
        cand_times: list[float] = []
        for _ in tqdm(range(args.rounds), desc=bench.name, unit="round"):
            # Alternate so that drift in the machine's load hits both sides alike.
            for fn, times in ((baseline, base_times), (candidate, cand_times)):
                started = time.perf_counter()
                fn()
                times.append(time.perf_counter() - started)
        bench.cleanup()
        base, cand = statistics.median(base_times), statistics.median(cand_times)
        rows.append((bench, base, cand))
        print(
            f"{bench.name}: baseline {base * 1000:.1f} ms, candidate {cand * 1000:.1f} ms, "
            f"speed-up ×{base / cand:.1f}"
        )

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); see `bench/README.md`. Each row runs",
        "its baseline and candidate in the same process, alternating, and gives the",
        "ratio of their medians.",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {connection.vendor}; {args.rounds} rounds.",
        "",
        "| benchmark | baseline | candidate | work per round | baseline median | "
        "candidate median | speed-up |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for bench, base, cand in rows:
        lines.append(
            f"| {bench.name} | {bench.baseline} | {bench.candidate} | {bench.work} | "
            f"{base * 1000:.1f} ms | {cand * 1000:.1f} ms | ×{base / cand:.1f} |"
        )
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
