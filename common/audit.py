from typing import Any

from django.db import models
from django.http import HttpRequest

from common.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    data: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(getattr(obj, "uuid", None) or getattr(obj, "pk", "")) if obj else "",
        data=data or {},
        ip_address=client_ip(request),
    )
