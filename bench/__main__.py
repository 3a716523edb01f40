"""Runs every `bench/bench_*.py` and prints ONE summary table (`make bench`).

    .venv/bin/python -m bench [NAME ...]      # only the modules whose name contains NAME

Each benchmark runs in a process of its own (its own Django settings, servers and databases,
which it starts and cleans up). A module reports its figures with `bench.harness.report(Figure)`
(one JSON line each, collected through BENCH_SUMMARY_FILE); a module that offers
`run() -> list[Result]` instead is reported as p95 latencies, with targets from its `TARGETS`
mapping when it has one; a module that reports nothing is shown by its exit status. The table:
figure, target, measured, ratio to baseline, and "pass" / "falls short" (or "—" without a target).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Figure, Result, figures_from_results, report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def print_table(results: list[Result]) -> None:
    """The load results of one module (its own detail, printed as it runs)."""
    header = f"{'target':<40} {'conns':>5} {'reqs':>6} {'errs':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<40} {r.connections:>5} {r.requests:>6} {r.errors:>5} {r.rps:>8.1f}"
            f" {r.p50:>8.1f} {r.p95:>8.1f} {r.p99:>8.1f}"
        )


def _measured(figure: Figure) -> str:
    if figure.measured != figure.measured:
        return "n/a"
    value = figure.measured
    text = (
        f"{value:,.0f}"
        if abs(value) >= 100
        else f"{value:.1f}"
        if abs(value) >= 1
        else f"{value:.2f}"
    )
    return f"{text} {figure.unit}".strip()


def print_summary(figures: list[Figure]) -> None:
    rows = [("figure", "target", "measured", "× baseline", "result")]
    for f in figures:
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        verdict = "—" if f.ok is None else ("pass" if f.ok else "falls short")
        rows.append((f"{f.source}: {f.figure}" if f.source else f.figure, f.target or "—",
                     _measured(f), ratio, verdict))  # fmt: skip
    widths = [min(max(len(r[i]) for r in rows), 78 if i == 0 else 30) for i in range(5)]
    line = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print("=" * (sum(widths) + 8))
    for n, row in enumerate(rows):
        print(line.format(*(c[: widths[i]] if i == 0 else c for i, c in enumerate(row))))
        if n == 0:
            print("-" * (sum(widths) + 8))


def run_one(name: str) -> int:
    """Inside the child process: a `run()` module is measured here; others run as scripts."""
    module = importlib.import_module(f"bench.{name}")
    if hasattr(module, "run"):
        results = module.run()
        print_table(results)
        for figure in figures_from_results(results, getattr(module, "TARGETS", {})):
            report(figure)
        return 0
    return subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return run_one(argv[1])
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    figures: list[Figure] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for name in names:
            summary = Path(tmp) / f"{name}.jsonl"
            print(f"== bench.{name}", flush=True)
            started = time.monotonic()
            env = {**os.environ, "BENCH_SUMMARY_FILE": str(summary), "BENCH_MODULE": name}
            code = subprocess.run(
                [sys.executable, "-m", "bench", "--one", name], cwd=ROOT, env=env, check=False
            ).returncode
            seconds = time.monotonic() - started
            reported = []
            if summary.exists():
                for line in summary.read_text(encoding="utf-8").splitlines():
                    reported.append(Figure(**json.loads(line)))
            if code:
                failed.append(name)
            if not reported:
                reported.append(
                    Figure(
                        figure=f"exit status (ran {seconds:.0f} s; figures in its own output)",
                        target="exit 0",
                        measured=float(code),
                        ok=code == 0,
                        source=name,
                    )
                )
            figures.extend(reported)
    print()
    print_summary(figures)
    if failed:
        print(f"exited non-zero: {', '.join(failed)}")
    short = [f for f in figures if f.ok is False]
    return 1 if failed or short else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
