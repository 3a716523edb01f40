"""Catalogue search under load: gunicorn (2 workers) on PostgreSQL, measured with wrk.

    .venv/bin/python -m bench.bench_procedures_search [--data PATH] [--seconds N]

Self-contained: creates its own PostgreSQL database (dropped afterwards), migrates it, imports the
catalogue (`--data`, default the shipped national catalogue, all 2,642 procedures), serves the
portal with gunicorn on a free 127.0.0.1 port, and measures with wrk at 8 and 32 connections:

- the search API (`/api/v1/procedures?q=...`, varied queries: accents or not, upper case, codes,
  typos, filters),
- the catalogue page (`/thu-tuc/?q=...`, same queries),
- a trivial view of the same server (`/api/v1/ping`) as the baseline.

Targets (issue 4): search API req/s >= 50% of the baseline's, and p95 < 50 ms at 8 connections.
The search API is measured twice: as served (search pages cached for
PROCEDURES_SEARCH_CACHE_SECONDS, so repeated queries are cache hits) and on a second server with the
cache off (every request runs the indexed SQL search).
Bounded: each run lasts `--seconds` (default 10), after a warm-up of 2–12 s per target. Needs Debian's `wrk`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.harness import ROOT, Figure, gunicorn
from bench.harness import report as report_figure

DEFAULT_DATA = ROOT / "procedures" / "data" / "tthc_toan_quoc.jsonl.gz"
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")

QUERIES = [
    "dang ky thuong tru",
    "ĐĂNG KÝ THƯỜNG TRÚ",
    "khai sinh",
    "khai sihn",
    "đăng ký kết hôn",
    "dang ky ket hon",
    "hoà giải",
    "hòa giải",
    "giay phep xay dung",
    "1.004222",
    "1.001193",
    "cap lai giay phep",
    "ho tich",
    "chung thuc ban sao",
    "thuong trus",
    "tam tru",
    "giay chung nhan quyen su dung dat",
    "dat dai",
    "doanh nghiep",
    "thanh lap hop tac xa",
    "cap giay phep lai xe",
    "bao hiem",
    "xac nhan tinh trang hon nhan",
    "nuoi con nuoi",
    "trich luc",
    "khai tu",
    "phong chay chua chay",
    "moi truong",
    "ho kinh doanh",
    "thue",
]
FILTERS = ["", "&level=commune", "&level=province", "&online=partial"]

LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Host"] = "127.0.0.1"})
end
done = function(summary, latency, requests)
  local out = io.open("%(out)s", "w")
  out:write(string.format('{"requests": %%d, "seconds": %%f, "errors": %%d, "non2xx": %%d, ' ..
    '"p50": %%f, "p95": %%f, "p99": %%f}',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
  out:close()
end
"""


@dataclass
class Measure:
    name: str
    connections: int
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


def wrk(name: str, base: str, paths: list[str], connections: int, seconds: int) -> Measure:
    with tempfile.TemporaryDirectory() as tmp:
        paths_file, out_file, script = Path(tmp, "paths"), Path(tmp, "out.json"), Path(tmp, "s.lua")
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        script.write_text(LUA % {"paths": paths_file, "out": out_file}, encoding="utf-8")
        command = [
            "wrk",
            "-t",
            str(min(connections, 2)),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            base,
        ]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=seconds + 30)
        data = json.loads(out_file.read_text())
    return Measure(
        name,
        connections,
        data["requests"] / data["seconds"],
        data["p50"],
        data["p95"],
        data["p99"],
        data["errors"] + data["non2xx"],
    )


def quoted(query: str) -> str:
    return urllib.parse.quote(query)


def psql(sql: str) -> None:
    subprocess.run(["psql", ADMIN_URL, "-qc", sql], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    args = parser.parse_args(argv)
    for tool in ("wrk", "psql"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing (apt-get install wrk postgresql-client)", file=sys.stderr)
            return 2
    database = f"bench_procedures_{uuid.uuid4().hex[:8]}"
    psql(f"CREATE DATABASE {database}")
    database_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    env = {"DATABASE_URL": database_url, "DATABASE_CONN_MAX_AGE": "600"}
    try:
        with gunicorn(workers=2, env=env) as base:
            loaded = subprocess.run(
                [sys.executable, "manage.py", "import_procedures", args.data],
                cwd=ROOT,
                env={
                    **os.environ,
                    "DJANGO_DEBUG": "false",
                    "DATABASE_URL": database_url,
                    "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
                },
                check=True,
                capture_output=True,
                text=True,
            )
            print(loaded.stdout.strip().splitlines()[-1])
            results = measure(base, args.seconds)
        # The same server without the search-result cache: every request runs the SQL search.
        with gunicorn(workers=2, env={**env, "PROCEDURES_SEARCH_CACHE_SECONDS": "0"}) as base:
            api = [f"/api/v1/procedures?q={quoted(q)}{f}" for q in QUERIES for f in FILTERS]
            wrk("warm-up", base, api, 4, 2)
            results.append(wrk("search API, cache off", base, api, 8, args.seconds))
        return print_report(results)
    finally:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def measure(base: str, seconds: int) -> list[Measure]:
    api = [f"/api/v1/procedures?q={quoted(q)}{f}" for q in QUERIES for f in FILTERS]
    page = [f"/thu-tuc/?q={quoted(q)}{f}" for q in QUERIES for f in FILTERS]
    targets = {"baseline /api/v1/ping": ["/api/v1/ping"], "search API": api, "catalogue page": page}
    for name, paths in targets.items():  # warm-up: workers import, each worker's cache fills
        wrk(name, base, paths, 8, 2 if name.startswith("baseline") else 12)
    return [
        wrk(name, base, paths, connections, seconds)
        for connections in (8, 32)
        for name, paths in targets.items()
    ]


def print_report(results: list[Measure]) -> int:
    """Prints the table and hands the targeted figures to `make bench`'s summary."""
    baseline = {m.connections: m for m in results if m.name.startswith("baseline")}
    print(f"{'figure':<44} {'target':>12} {'measured':>10} {'ratio':>7}  result")
    for m in results:
        base = baseline[m.connections]
        ratio = m.rps / base.rps if base.rps else 0.0
        label = f"{m.name} @{m.connections}"
        targeted = m.name.startswith("search API")
        print(
            f"{label + ' req/s':<44} {'—' if m is base else '>= 50% base':>12} {m.rps:>10.1f} "
            f"{ratio:>7.2f}  {verdict(ratio >= 0.5, not targeted)}"
        )
        p95_target = targeted and m.connections == 8
        print(
            f"{label + ' p50/p95/p99 ms':<44} {'p95 < 50' if p95_target else '—':>12} "
            f"{m.p50:>4.0f}/{m.p95:.0f}/{m.p99:.0f} {'':>7}  "
            f"{verdict(m.p95 < 50, not p95_target)}"
        )
        if m.errors:
            print(f"  {m.errors} errors or non-2xx responses")
        if targeted:
            summarise(m, base, p95_target)
    return 1 if any(m.errors for m in results) else 0


def summarise(m: Measure, base: Measure, p95_target: bool) -> None:
    label = f"{m.name} @{m.connections}"
    report_figure(
        Figure(
            figure=f"{label}: req/s (baseline /api/v1/ping {base.rps:,.0f})",
            target=">= 50% base",
            measured=m.rps,
            unit="req/s",
            baseline=base.rps,
            ok=m.rps >= 0.5 * base.rps and not m.errors,
        )
    )
    if p95_target:
        report_figure(
            Figure(
                figure=f"{label}: p95 (p50 {m.p50:.0f}, p99 {m.p99:.0f} ms)",
                target="< 50 ms",
                measured=m.p95,
                unit="ms",
                ok=m.p95 < 50 and not m.errors,
            )
        )


def verdict(ok: bool, informational: bool) -> str:
    if informational:
        return "info"
    return "pass" if ok else "short"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
