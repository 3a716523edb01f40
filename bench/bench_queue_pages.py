"""The first page of every queue, for every officer of `bench_backoffice`, at 1,000,000 dossiers.

    .venv/bin/python -m bench.bench_queue_pages [--dossiers N] [--repeat R] [--plans FILE]

In process, on the data set of `bench.backoffice_data` (reused as it is, migrated to the
checkout's schema): for each officer and each of their queues, the first page of 25 as the
workspace asks for it (`queue_for(…)[:25]`, "due first"), without the capped count (the badges
are `bench_backoffice`'s). Two figures per page: PostgreSQL's execution time from
`EXPLAIN (ANALYZE, BUFFERS)` (the best of three, the server's work alone) and the selector's
wall time, median of R calls (plan, round trip and model instances included). The plans go to
FILE (default /tmp/bench-queue-pages-plans.txt). On a loaded machine compare two runs taken
back to back, not with figures of another day.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

PAGE = 25


def _execution_ms(sql: str, params: tuple) -> tuple[float, str]:
    from django.db import connection

    best, plan = float("inf"), ""
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            text = "\n".join(row[0] for row in cursor.fetchall())
            found = re.search(r"Execution Time: ([\d.]+) ms", text)
            ms = float(found.group(1)) if found else float("nan")
            if ms < best:
                best, plan = ms, text
    return best, plan


def measure(repeat: int, plans_file: Path) -> list[tuple[str, str, float, float]]:
    from django.core.exceptions import EmptyResultSet

    from bench.bench_backoffice import officers
    from dossiers import selectors as sel

    rows, plans = [], []
    users: dict = officers()  # label → User (typed `object` there)
    for label, user in users.items():
        who = sel.office_user(user)
        for queue in sel.queues_for(who):
            page = sel.queue_for(who, queue.slug)[:PAGE]
            try:
                sql, params = page.query.sql_with_params()
            except EmptyResultSet:  # nothing to ask (no consultation open): no query at all
                print(f"{label:<28} {queue.slug:<14} no query")
                continue
            server_ms, plan = _execution_ms(sql, params)
            walls = []
            for _ in range(repeat):
                started = time.perf_counter()
                list(page.all())
                walls.append((time.perf_counter() - started) * 1000)
                if sum(walls) > 20_000:  # a page of seconds: a few samples are enough
                    break
            wall = statistics.median(walls)
            rows.append((label, queue.slug, server_ms, wall))
            plans.append(f"### {queue.slug} as {label}: {server_ms:.2f} ms\n{sql}\n{plan}\n")
            print(f"{label:<28} {queue.slug:<14} server {server_ms:9.2f} ms  wall {wall:9.2f} ms")
    plans_file.write_text("\n".join(plans), encoding="utf-8")
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dossiers", type=int, default=int(os.environ.get("BENCH_DOSSIERS_SET", "1000000"))
    )
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--plans",
        type=Path,
        default=Path(tempfile.gettempdir()) / "bench-queue-pages-plans.txt",
    )
    args = parser.parse_args(argv)

    from bench.backoffice_data import django_env, ensure

    os.environ.update(django_env(ensure(args.dossiers)))
    import django

    django.setup()
    print(f"load average {os.getloadavg()[0]:.1f} at {time.strftime('%H:%M:%S', time.gmtime())}")
    measure(args.repeat, args.plans)
    print(f"load average {os.getloadavg()[0]:.1f} at {time.strftime('%H:%M:%S', time.gmtime())}")
    print(f"plans written to {args.plans}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
