"""Metrics: refreshes of the QĐ 766 index's stored facts (their beat entries are in `celery`)."""

from portal.settings.core import env

# Seconds between two refreshes of the QĐ 766 index's stored facts (dossiers touched since).
METRICS_REFRESH_SECONDS = env.int("METRICS_REFRESH_SECONDS", default=900)
# Local hour of the nightly pass over the index's facts (open dossiers, daily sums).
METRICS_REBUILD_HOUR = env.int("METRICS_REBUILD_HOUR", default=2)
