"""Celery: broker, queues, reliability options and the one beat schedule.

Without Redis and without a broker URL, tasks run eagerly in-process (a bare `manage.py`);
`make run` sets `CELERY_BROKER_URL=filesystem://` and starts a worker and beat (ADR 0201). Every periodic task of every
app is in `CELERY_BEAT_SCHEDULE` below, its interval read by the app's own settings module.
"""

from pathlib import Path
from typing import Any

from celery.schedules import crontab

from portal.settings.core import BASE_DIR, env
from portal.settings.data import REDIS_URL
from portal.settings.dossiers import (
    DOSSIER_DEADLINES_SWEEP_SECONDS,
    DOSSIER_LISTENERS_SWEEP_SECONDS,
    OFFICIAL_FORMS_SWEEP_SECONDS,
)
from portal.settings.integrations import (
    DVCQG_CATALOGUE_SYNC_HOUR,
    DVCQG_INBOUND_POLL_SECONDS,
    DVCQG_SWEEP_SECONDS,
)
from portal.settings.metrics import METRICS_REBUILD_HOUR, METRICS_REFRESH_SECONDS
from portal.settings.notifications import NOTIFICATIONS_DIGEST_HOUR, NOTIFICATIONS_SWEEP_SECONDS
from portal.settings.payments import PAYMENT_DAILY_REPORT_HOUR, PAYMENT_RECONCILE_EVERY_SECONDS

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "notifications", "documents", "sync")
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "notifications"},
    "documents.*": {"queue": "documents"},
    "integrations.*": {"queue": "sync"},
}
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded default's broker (`make run`, ADR 0201): message files, no server to run.
    _broker_dir = Path(env.str("CELERY_BROKER_FOLDER", default=str(BASE_DIR / "var" / "celery")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "messages"),
        "data_folder_out": str(_broker_dir / "messages"),
        "control_folder": str(_broker_dir / "control"),
        "polling_interval": 0.5,
    }
    # No broadcast control: a stopped worker's control queue would collect messages forever.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

CELERY_BEAT_SCHEDULE = {
    # dossiers: deadline alerts and supplement expiry; official forms still missing; the
    # after-commit listeners' events past their cursors
    "dossiers-listeners-sweep": {
        "task": "dossiers.tasks.dossier_listeners_sweep",
        "schedule": float(DOSSIER_LISTENERS_SWEEP_SECONDS),
    },
    "dossiers-deadlines-sweep": {
        "task": "dossiers.tasks.dossier_deadlines_sweep",
        "schedule": float(DOSSIER_DEADLINES_SWEEP_SECONDS),
    },
    "dossiers-official-forms-sweep": {
        "task": "dossiers.official_forms.official_forms_sweep",
        "schedule": float(OFFICIAL_FORMS_SWEEP_SECONDS),
    },
    # notifications: the outbox sweep and the daily digest
    "notifications-sweep": {
        "task": "notifications.tasks.notification_sweep",
        "schedule": float(NOTIFICATIONS_SWEEP_SECONDS),
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.notification_digest_send",
        "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0),
    },
    # payments: reconciliation with the gateway and the daily report
    "payments-reconcile": {
        "task": "payments.tasks.payments_reconcile",
        "schedule": float(PAYMENT_RECONCILE_EVERY_SECONDS),
    },
    # NĐ 118 Art. 24.3: online fees in the state budget within 8 working hours (alert once)
    "payments-budget-transfer-alerts": {
        "task": "payments.tasks.payments_budget_transfer_alerts",
        "schedule": float(PAYMENT_RECONCILE_EVERY_SECONDS),
    },
    # receipts owed because the agency could not sign yet, on the official forms' rhythm
    "payments-receipts-sweep": {
        "task": "payments.tasks.payments_receipts_sweep",
        "schedule": float(OFFICIAL_FORMS_SWEEP_SECONDS),
    },
    "payments-daily-report": {
        "task": "payments.tasks.payments_daily_report",
        "schedule": crontab(hour=PAYMENT_DAILY_REPORT_HOUR, minute=15),
    },
    # integrations: the national portal's outbound sweep, inbound poll and catalogue
    "integrations-dvcqg-sweep": {
        "task": "integrations.tasks.dvcqg_sweep",
        "schedule": float(DVCQG_SWEEP_SECONDS),
    },
    "integrations-vnpost-orders-sweep": {
        "task": "integrations.tasks.vnpost_orders_sweep",
        "schedule": float(DVCQG_SWEEP_SECONDS),
    },
    "integrations-dvcqg-inbound": {
        "task": "integrations.tasks.dvcqg_inbound_poll",
        "schedule": float(DVCQG_INBOUND_POLL_SECONDS),
    },
    "integrations-dvcqg-catalogue": {
        "task": "integrations.tasks.dvcqg_catalogue_sync",
        "schedule": crontab(hour=DVCQG_CATALOGUE_SYNC_HOUR, minute=30),
    },
    # metrics: the QĐ 766 index's stored facts
    "metrics-facts-refresh": {
        "task": "metrics.tasks.facts_refresh",
        "schedule": float(METRICS_REFRESH_SECONDS),
    },
    "metrics-facts-rebuild": {
        "task": "metrics.tasks.facts_rebuild",
        "schedule": crontab(hour=METRICS_REBUILD_HOUR, minute=15),
    },
}
