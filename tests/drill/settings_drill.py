"""Settings of the multi-node drill (tests/drill/): production settings, as the benchmarks run
them (bench/settings_bench_submissions.py: uploads not virus-scanned, static files from the
finders), plus what a plain-HTTP drill on 127.0.0.1 needs. Never use outside tests/drill/.

Everything else (the S3 bucket, the replica alias, Redis, each node's MEDIA_ROOT and TMPDIR)
comes from the environment each process is started with (tests/drill/cluster.py).
"""

import os

from bench.settings_bench_submissions import *  # noqa: F403

# The drill's clients speak plain HTTP to each node: cookies without Secure (names as in bench).
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Every periodic task on an interval fires after DRILL_BEAT_SECONDS, so the drill can watch one
# round of beat (crontab entries are daily and not due during the drill).
_beat_seconds = float(os.environ.get("DRILL_BEAT_SECONDS", "20"))
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": _beat_seconds}
    if isinstance(entry["schedule"], int | float)
    else entry
    for name, entry in CELERY_BEAT_SCHEDULE.items()  # noqa: F405
}
