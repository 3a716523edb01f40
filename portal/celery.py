"""The Celery application: one app, autodiscovered tasks, four queues."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "notifications", "documents", "sync")]
app.autodiscover_tasks()
