"""The citizen's most-read pages beside a trivial view, in one run (issue 22).

    .venv/bin/python -m bench.bench_pages [--seconds N] [--quick] [--no-lighthouse]
    BENCH_QUICK=1 make bench-quick          # the developer's loop: under two minutes

One gunicorn (2 sync workers, DEBUG off, production settings plus the baselines of
`bench/urls.py`) on PostgreSQL holding the whole national catalogue (2,642 procedures) and a
private redis-server; wrk (`-t2 -c8`) on each route for `--seconds`, after a warm-up that fills
the caches. Each route's requests per second is divided by the trivial view's of the same run
(`/bench/trivial`: the middleware stack and nothing else), so a loaded machine moves both and
the ratio stays put. Then:

- the search API and the search page again on a second server with the search-result cache
  off (PROCEDURES_SEARCH_CACHE_SECONDS=0: every request searches and renders);
- the hit rate at 1, 3 and 10 of the real queries of `procedures/tests/search_queries.py` on
  the whole catalogue, through the search API;
- Lighthouse (mobile, npm's `lighthouse` driving Debian's Chromium) on `/`, the search page, a
  procedure page, `/ho-so/tra-cuu/` and `/stats/`, with static files collected and served by
  WhiteNoise compressed, as in production (skipped by `--quick` and `--no-lighthouse`).

The catalogue database (`bench_pages_catalogue`) is built once (migrate + import, about a
minute) and reused while it holds the catalogue and migrates; drop it with
`dropdb bench_pages_catalogue`. Targets (issue 22): procedure and search page ≥ 0.30 of the
trivial view with p99 < 50 ms at 8 connections, search API ≥ 0.40; Lighthouse Performance ≥ 95
with Accessibility, Best Practices and SEO at 100.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.bench_notifications import redis_server
from bench.harness import ROOT, Figure, gunicorn, report

DATA = ROOT / "procedures" / "data" / "tthc_toan_quoc.jsonl.gz"
CATALOGUE_SIZE = 2642
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "bench_pages_catalogue"
SECRET = "bench-only-" + "x" * 40
PROCEDURE_CODES = [
    "1.004222", "1.004194", "1.001193", "1.000894", "1.000656", "3.000346", "3.000347",
    "2.000815", "2.000635", "1.004837", "1.001022", "1.004873", "1.001612", "1.014061",
    "1.003197", "3.000333", "1.004859", "1.001456", "2.001610", "1.005280",
]  # fmt: skip
LIGHTHOUSE_PAGES = {
    "home": "/",
    "search": "/thu-tuc/?q=dang+ky+thuong+tru",
    "procedure": "/thu-tuc/1.004222/",
    "lookup": "/ho-so/tra-cuu/",
    "statistics": "/stats/",
}


# The search paths: accents or not, capitals, codes, typos, filters (120 paths in all).
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


@dataclass(frozen=True)
class Route:
    name: str
    paths: list[str]
    ratio_target: float | None = None  # of the trivial view's req/s
    p99_target_ms: float | None = None


def routes() -> list[Route]:
    def q(text: str) -> str:
        return urllib.parse.quote(text)

    api = [f"/api/v1/procedures?q={q(t)}{f}" for t in QUERIES for f in FILTERS]
    search = [f"/thu-tuc/?q={q(t)}{f}" for t in QUERIES for f in FILTERS]
    return [
        Route("trivial view", ["/bench/trivial"]),
        Route("one indexed query", ["/bench/one-query"]),
        Route("home /", ["/"]),
        Route("search API", api, ratio_target=0.40),
        Route("lookup /ho-so/tra-cuu/", ["/ho-so/tra-cuu/"]),
        Route("search page", search, ratio_target=0.30, p99_target_ms=50),
        Route(
            "procedure page",
            [f"/thu-tuc/{code}/" for code in PROCEDURE_CODES],
            ratio_target=0.30,
            p99_target_ms=50,
        ),
        Route("statistics /stats/", ["/stats/"]),
    ]


def psql(sql: str, database: str = "postgres") -> str:
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    done = subprocess.run(["psql", url, "-Atqc", sql], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def catalogue_database(env: dict[str, str]) -> str:
    """The database holding the migrated catalogue: reused when complete, else (re)built."""
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):  # noqa: S608 (a constant)
        psql(f"CREATE DATABASE {DATABASE}")
    run_env = {**env, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=run_env,
        check=True,
    )
    count = psql("SELECT COUNT(*) FROM procedures_procedure", DATABASE)
    if count != str(CATALOGUE_SIZE):
        print(f"importing the national catalogue into {DATABASE} (about a minute)", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "import_procedures", str(DATA)],
            cwd=ROOT,
            env=run_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


def server_env(database_url: str, redis_url: str, static_root: str = "") -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    if static_root:
        env["BENCH_STATIC_ROOT"] = static_root  # collected, served compressed (settings_bench)
    return env


def measure(base: str, route: Route, seconds: int, warm: bool = True) -> dict:
    if warm:  # each worker's list rows, vocabulary and the shared cache, as in production
        wrk(route.name, base, route.paths, 8, 2 if len(route.paths) == 1 else 6)
    m = wrk(route.name, base, route.paths, 8, seconds)
    return {"rps": m.rps, "p50": m.p50, "p95": m.p95, "p99": m.p99, "errors": m.errors}


def measure_all(base: str, wanted: list[Route], seconds: int) -> dict[str, dict]:
    """Each route right after a run of the trivial view, so that each ratio compares two runs
    made under the same load (other people's work on the machine comes and goes)."""
    trivial = wanted[0]
    wrk(trivial.name, base, trivial.paths, 8, 2)
    results = {}
    for route in wanted[1:]:
        if route.name.startswith("one indexed") or len(route.paths) > 1:
            wrk(route.name, base, route.paths, 8, 2 if len(route.paths) == 1 else 6)  # warm-up
        baseline = measure(base, trivial, seconds, warm=False)
        results[route.name] = {**measure(base, route, seconds), "trivial": baseline["rps"]}
        results.setdefault(trivial.name, {**baseline, "runs": []})["runs"].append(baseline)
    runs = results[trivial.name].pop("runs")
    results[trivial.name] = {
        key: sum(run[key] for run in runs) / len(runs) for key in ("rps", "p50", "p95", "p99")
    } | {"errors": sum(run["errors"] for run in runs)}
    return results


def page_figures(results: dict[str, dict], suffix: str = "") -> None:
    for route in routes():
        if route.name not in results:
            continue
        r = results[route.name]
        trivial = r.get("trivial")
        ratio = r["rps"] / trivial if trivial else 0.0
        latency = f"p50 {r['p50']:.1f}, p99 {r['p99']:.1f} ms" + (
            f", {r['errors']} errors" if r["errors"] else ""
        )
        target = []
        ok: bool | None = None
        if route.ratio_target is not None:
            target.append(f"≥ {route.ratio_target:.2f}×")
            ok = ratio >= route.ratio_target
        if route.p99_target_ms is not None:
            target.append(f"p99 < {route.p99_target_ms:.0f}")
            ok = bool(ok) and r["p99"] < route.p99_target_ms
        if r["errors"]:
            ok = False
        what = "mean of the runs beside each route" if trivial is None else latency
        report(
            Figure(
                figure=f"{route.name}{suffix}: req/s ({what})",
                target=", ".join(target) or "—",
                measured=r["rps"],
                unit="req/s",
                baseline=trivial,
                ok=ok,
            )
        )


def search_quality(base: str) -> None:
    from procedures.tests.search_queries import QUERIES as REAL_QUERIES

    hits = {1: 0, 3: 0, 10: 0}
    misses = []
    for query in REAL_QUERIES:
        url = f"{base}/api/v1/procedures?q={urllib.parse.quote(query.q)}"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our server)
            items = json.load(response)["items"]
        codes = [item["code"] for item in items[:10]]
        at = next((i for i, code in enumerate(codes) if code in query.expected), None)
        for n in hits:
            hits[n] += at is not None and at < n
        if at is None or at >= 3:
            misses.append(f"{query.label} → {codes[:3]}")
    total = len(REAL_QUERIES)
    for n, hit in hits.items():
        report(
            Figure(
                figure=f"search quality: hit rate at {n} ({hit}/{total} real queries)",
                target="—" if n != 3 else "(≥ 95 %)",
                measured=100 * hit / total,
                unit="%",
            )
        )
    for miss in misses:
        print(f"  not among the first three: {miss}")


def collect_static(env: dict[str, str], static_root: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env, "BENCH_STATIC_ROOT": static_root},
        check=True,
    )


def lighthouse(base: str) -> None:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not binary.exists() or not Path(chrome).exists():
        print("lighthouse skipped: run `npm ci` (lighthouse) and install chromium", flush=True)
        return
    wanted = os.environ.get("BENCH_LIGHTHOUSE_PAGES", "")  # e.g. "search,statistics"
    for name, path in LIGHTHOUSE_PAGES.items():
        if wanted and not any(w in name for w in wanted.split(",")):
            continue
        data = None
        for _attempt in range(2):  # a loaded machine sometimes loses the trace (NO_NAVSTART)
            data = _lighthouse_run(str(binary), chrome, base + path)
            if data is not None:
                break
        if data is None:
            report(Figure(f"lighthouse {name}: run failed twice", "exit 0", 1.0, ok=False))
            continue
        _lighthouse_figures(name, data)


def _lighthouse_run(binary: str, chrome: str, url: str) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                binary, url, "--quiet", "--output=json", f"--output-path={out}",
                "--only-categories=performance,accessibility,best-practices,seo",
                "--chrome-flags=--headless --no-sandbox --disable-gpu",
            ],
            env={**os.environ, "CHROME_PATH": chrome},
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )  # fmt: skip
        if done.returncode or not out.exists():
            print(done.stderr[-600:], flush=True)
            return None
        data = json.loads(out.read_text(encoding="utf-8"))
    return data if not data.get("runtimeError") else None


def _lighthouse_figures(name: str, data: dict) -> None:
    scores = {key: round(100 * (c["score"] or 0)) for key, c in data["categories"].items()}
    audits = data["audits"]
    short = {
        "first-contentful-paint": "FCP",
        "largest-contentful-paint": "LCP",
        "total-blocking-time": "TBT",
        "cumulative-layout-shift": "CLS",
    }
    metrics = ", ".join(
        f"{label} {audits[key]['displayValue'].replace(chr(160), ' ')}"
        for key, label in short.items()
        if audits.get(key, {}).get("displayValue")
    )
    print(f"lighthouse {name}: {scores} {metrics}", flush=True)
    for key, audit in audits.items():  # what the page still loses points on
        if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("details"):
            print(f"  {key}: {audit.get('displayValue', '')} {audit['title']}", flush=True)
    performance = scores.get("performance", 0)
    report(
        Figure(f"lighthouse {name}: performance ({metrics})", "≥ 95", performance,
               ok=performance >= 95)
    )  # fmt: skip
    others = {k: v for k, v in scores.items() if k != "performance"}
    report(
        Figure(
            f"lighthouse {name}: " + ", ".join(f"{k} {v}" for k, v in others.items()),
            "100 each",
            min(others.values()) if others else 0,
            ok=bool(others) and all(v == 100 for v in others.values()),
        )
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "8")))
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--lighthouse-only", action="store_true", help="no load, no search set")
    args = parser.parse_args(argv)
    seconds = 3 if args.quick else args.seconds
    for tool in ("wrk", "psql"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: `make machine-bench` installs it", file=sys.stderr)
            return 2
    base_env = {**os.environ, **server_env("", "")}
    base_env.pop("DATABASE_URL")
    base_env.pop("REDIS_URL")
    database_url = catalogue_database({**base_env, "REDIS_URL": ""})
    with redis_server() as redis_url, tempfile.TemporaryDirectory() as static_root:
        lighthouse_on = not (args.quick or args.no_lighthouse)
        env = server_env(database_url, redis_url, static_root if lighthouse_on else "")
        if lighthouse_on:
            collect_static(env, static_root)
        with gunicorn(workers=2, env=env, migrate=False) as base:
            if not args.lighthouse_only:
                page_figures(measure_all(base, routes(), seconds))
                search_quality(base)
            if lighthouse_on:
                lighthouse(base)
        if not (args.quick or args.lighthouse_only):
            cache_off = {**env, "PROCEDURES_SEARCH_CACHE_SECONDS": "0"}
            with gunicorn(workers=2, env=cache_off, migrate=False) as base:
                wanted = [r for r in routes() if r.name.startswith(("trivial", "search"))]
                off = measure_all(base, wanted, seconds)
                off.pop(wanted[0].name)
                page_figures(off, suffix=", cache off")
    return 0


def standalone(argv: list[str]) -> int:
    """Run alone (not by `python -m bench`): print the same summary table at the end."""
    if os.environ.get("BENCH_SUMMARY_FILE"):
        return main(argv)
    from bench.__main__ import print_summary

    with tempfile.NamedTemporaryFile(suffix=".jsonl") as summary:
        os.environ["BENCH_SUMMARY_FILE"] = summary.name
        code = main(argv)
        lines = Path(summary.name).read_text(encoding="utf-8").splitlines()
    print_summary([Figure(**json.loads(line)) for line in lines])
    return code


if __name__ == "__main__":
    sys.exit(standalone(sys.argv[1:]))
