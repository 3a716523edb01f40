"""Personal-data rights (Law 91/2025/QH15, Decree 356/2025): correction and deletion requests.

A request is answered within 2 working days of receipt (Decree 356), counted on the province's
working calendar (`agencies.calendar`). Deletion anonymises what the law does not require us to
keep; dossiers and their history are kept under the archives law and the portal says so.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts import personal_data
from accounts import selectors as account_selectors
from accounts.constants import Role
from accounts.identity.constants import (
    OPEN_PRIVACY_STATUSES,
    PRIVACY_REQUEST_WORKING_DAYS,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from accounts.identity.services import user_sessions_end
from accounts.models import CitizenProfile, NationalIdentity, PrivacyRequest, User
from agencies.calendar import add_working_days
from common.audit import audit_record
from common.exceptions import ApplicationError
from documents.rendering import html_to_pdf

DELETION_RESOLUTION = _(
    "Tài khoản và hồ sơ cá nhân của bạn đã được ẩn danh, không thể đăng nhập lại. Hồ sơ thủ tục "
    "hành chính, kết quả giải quyết và nhật ký xử lý vẫn được lưu giữ theo Luật Lưu trữ số "
    "33/2024/QH15 và các quy định về thủ tục hành chính, vì cơ quan nhà nước có nghĩa vụ lưu trữ."
)

# Who works the personal-data queue.
PRIVACY_OFFICER_ROLES = frozenset({Role.ONESTOP_SUPERVISOR, Role.SYSTEM_ADMIN})


def privacy_due_at(received_at):

    return add_working_days(received_at, PRIVACY_REQUEST_WORKING_DAYS)


def is_privacy_officer(*, user: User) -> bool:
    return bool(
        user.is_superuser or account_selectors.user_roles(user=user) & PRIVACY_OFFICER_ROLES
    )


@transaction.atomic
def privacy_request_create(
    *, user: User, kind: PrivacyRequestKind, details: str, request: HttpRequest | None = None
) -> PrivacyRequest:
    received_at = timezone.now()
    privacy_request = PrivacyRequest(
        user=user,
        kind=kind,
        details=details.strip(),
        received_at=received_at,
        due_at=privacy_due_at(received_at),
    )
    privacy_request.full_clean()
    privacy_request.save()
    audit_record(
        action="privacy.request_created",
        actor=user,
        obj=privacy_request,
        data={"kind": kind},
        request=request,
    )
    return privacy_request


@transaction.atomic
def user_anonymise(*, user: User) -> None:
    """Removes what identifies the person; keeps records the law requires (dossiers, audit)."""

    CitizenProfile.objects.filter(user=user).update(
        full_name="",
        date_of_birth=None,
        gender="",
        id_number=None,
        permanent_address="",
        permanent_province_code="",
        permanent_commune_code="",
        current_address="",
        current_province_code="",
        current_commune_code="",
        phone="",
        email="",
        verified_at=None,
        assurance_level=0,
    )
    NationalIdentity.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"da-xoa-{uuid_lib.uuid4().hex}@invalid.local"
    user.full_name = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    transaction.on_commit(lambda: user_sessions_end(user=user))


@transaction.atomic
def privacy_request_resolve(
    *,
    privacy_request: PrivacyRequest,
    officer: User,
    accept: bool,
    resolution: str,
    request: HttpRequest | None = None,
) -> PrivacyRequest:
    if not is_privacy_officer(user=officer):
        raise PermissionDenied
    privacy_request = PrivacyRequest.objects.select_for_update().get(pk=privacy_request.pk)
    if privacy_request.status not in OPEN_PRIVACY_STATUSES:
        raise ApplicationError(_("Yêu cầu này đã được xử lý."))
    if not resolution.strip():
        raise ApplicationError(_("Hãy ghi kết quả xử lý để gửi cho người yêu cầu."))
    subject = privacy_request.user
    if accept and privacy_request.kind == PrivacyRequestKind.DELETION and subject is not None:
        user_anonymise(user=subject)
    privacy_request.status = (
        PrivacyRequestStatus.COMPLETED if accept else PrivacyRequestStatus.REJECTED
    )
    privacy_request.resolution = resolution.strip()
    privacy_request.handled_by = officer
    privacy_request.handled_at = timezone.now()
    privacy_request.save(
        update_fields=["status", "resolution", "handled_by", "handled_at", "updated_at"]
    )
    audit_record(
        action="privacy.request_resolved",
        actor=officer,
        obj=privacy_request,
        data={
            "status": privacy_request.status,
            "on_time": privacy_request.handled_at <= privacy_request.due_at,
        },
        request=request,
    )
    return privacy_request


# --- reads -------------------------------------------------------------------------------------


def privacy_requests_for_user(*, user: User) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(user=user).order_by("-received_at")


def privacy_queue(*, officer: User) -> QuerySet[PrivacyRequest]:
    """Open requests, earliest deadline first; only privacy officers see the queue."""
    if not is_privacy_officer(user=officer):
        return PrivacyRequest.objects.none()
    return PrivacyRequest.objects.filter(status__in=OPEN_PRIVACY_STATUSES).select_related("user")


def privacy_request_get_for_officer(*, officer: User, uuid) -> PrivacyRequest:
    return privacy_queue(officer=officer).get(uuid=uuid)


def _is_container(value) -> bool:
    return isinstance(value, dict | list | tuple)


def _is_flat(value) -> bool:
    """A list of scalars, or a record of scalars: printed inline."""
    items = value.values() if isinstance(value, dict) else value
    return not any(_is_container(item) for item in items)


def _readable_html(value) -> str:
    """Sections as compact paragraphs and lists; dates as dd/mm/yyyy in local time. Escapes
    values.

    WeasyPrint's time grows with the number of boxes and lines, not of characters: a block per
    field made 53 pages and 8 s and more for 20 dossiers (issue #25). So a record is one
    paragraph of "Nhãn: giá trị" pairs in plain text (a <b> per label would double the boxes), a
    small record inside it goes inline in brackets, lists of scalars are comma-separated, and
    empty fields are left out (the JSON download keeps every field): 12 pages
    (bench/bench_personal_data_pdf.py)."""
    if isinstance(value, dict):
        return _record_html(value)
    if isinstance(value, list | tuple):
        if not value:
            return "—"
        if _is_flat(value):
            return escape(_scalar_text(value))
        items = "".join(f"<li>{_readable_html(item)}</li>" for item in value)
        return f"<ol>{items}</ol>"
    return escape(_scalar_text(value))


def _pairs(record: dict) -> str:
    return " · ".join(
        f"{personal_data.label_for(key)}: {_scalar_text(item)}"
        for key, item in record.items()
        if _scalar_text(item) != "—"
    )


def _record_html(record: dict) -> str:
    flat: dict = {}
    blocks = []
    for key, item in record.items():
        if isinstance(item, dict) and item and _is_flat(item):
            inner = _pairs(item).replace(" · ", "; ")
            flat[key] = f"({inner})" if inner else ""
        elif _is_container(item) and item and not _is_flat(item):
            label = escape(personal_data.label_for(key))
            blocks.append(f'<div class="sub"><b>{label}</b>{_readable_html(item)}</div>')
        else:
            flat[key] = item
    pairs = escape(_pairs(flat))
    paragraph = f"<p>{pairs}</p>" if pairs else ""
    return paragraph + "".join(blocks) or "—"


def _scalar_text(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_scalar_text(item) for item in value) if value else "—"
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if value is None or value == "":
        return "—"
    return str(value)


def personal_data_html(*, person_name: str, collected: dict) -> str:
    """The PDF's HTML for sections as `personal_data.collect` returns them."""
    sections = {
        personal_data.title_for(name): mark_safe(  # noqa: S308 - every value in it was escaped
            _readable_html(data)
        )
        for name, data in collected.items()
    }
    return render_to_string(
        "identity/pdf/personal_data.html",
        {"person_name": person_name, "sections": sections, "generated_at": timezone.now()},
    )


def personal_data_pdf(*, user: User) -> bytes:
    """The access-right download as a readable PDF (the JSON export's sections, laid out)."""
    html = personal_data_html(
        person_name=user.get_full_name(), collected=personal_data.collect(user)
    )
    return html_to_pdf(html)
