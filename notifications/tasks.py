"""Thin Celery tasks (queue `notifications`, see CELERY_TASK_ROUTES): load by id, call a service.

Retries are not Celery retries: a failed attempt puts the row back with a due time and the
sweeper enqueues it (docs/adr/0060-notification-outbox.md), so a lost broker loses nothing.
"""

from celery import shared_task

from notifications import delivery, services


@shared_task(acks_late=True, ignore_result=True)
def notification_deliver(notification_id: int) -> str:
    return delivery.notification_deliver(notification_id=notification_id)


@shared_task(acks_late=True, ignore_result=True)
def notification_deliver_many(notification_ids: list[int]) -> dict[int, str]:
    """A few rows per task: fewer broker and database round trips."""
    return delivery.notification_deliver_many(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def notification_sweep() -> int:
    return delivery.notification_sweep()


@shared_task(ignore_result=True)
def notification_digest_send() -> int:
    return services.notification_digest_send()


@shared_task(ignore_result=True)
def noop(value: int = 0) -> int:
    """Does nothing: the baseline of bench/bench_notifications.py."""
    return value
