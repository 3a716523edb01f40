"""Runs every `bench/bench_*.py` and prints one summary table.

A benchmark module offers `run() -> list[bench.harness.Result]`; a module without `run()` is run as
`python -m bench.<name>` and reported by its exit status (its own output is shown as it runs).
"""

import importlib
import subprocess
import sys
from pathlib import Path

from bench.harness import Result

HERE = Path(__file__).resolve().parent


def print_table(results: list[Result]) -> None:
    header = f"{'target':<40} {'conns':>5} {'reqs':>6} {'errs':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<40} {r.connections:>5} {r.requests:>6} {r.errors:>5} {r.rps:>8.1f}"
            f" {r.p50:>8.1f} {r.p95:>8.1f} {r.p99:>8.1f}"
        )


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    results: list[Result] = []
    failed: list[str] = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "run"):
            results.extend(module.run())
        elif subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode:
            failed.append(name)
    print()
    print_table(results)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
