"""The home page and /healthz under gunicorn (2 workers) on 127.0.0.1, 8 connections.

    .venv/bin/python -m bench.bench_home

Bounded: at most BENCH_REQUESTS requests (default 1000) or 20 s per target.
"""

import os

from bench.harness import Result, gunicorn, load

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))


def run() -> list[Result]:
    with gunicorn(workers=2) as base:
        load("warm-up", base + "/", connections=2, requests=20)
        return [
            load("GET /healthz", base + "/healthz", connections=8, requests=REQUESTS),
            load("GET / (home page)", base + "/", connections=8, requests=REQUESTS),
            load(
                "GET /?q=tra+cuu (quick search)",
                base + "/?q=tra+cuu",
                connections=8,
                requests=REQUESTS,
            ),
        ]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(run())
