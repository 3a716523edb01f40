"""The officer's queue API (django-ninja), scoped exactly like `/office/`.

`GET /api/v1/office/queues` lists the caller's queues with counts; `GET /api/v1/office/queues/
{slug}` one queue's dossiers, filtered and paged. A signed-in session is required (staff must
have used MFA: the middleware enforces it for every path); 401 when signed out, 403 for a user
with no back-office role, 404 for a queue the caller has no role for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from dossiers import selectors as sel

PAGE_SIZE = 50


class _Session(SessionAuth):
    """The session, letting signed-out callers through so they get a JSON 401."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user


router = Router(tags=["office"], auth=_Session())


class ErrorOut(Schema):
    detail: str


class QueueOut(Schema):
    slug: str
    label: str
    count: int = Field(description="Counted up to COUNT_CAP + 1 (1001): see `capped`.")
    capped: bool = Field(description="More dossiers than COUNT_CAP (1000) are in the queue.")


class QueueItem(Schema):
    uuid: str
    code: str | None
    procedure_code: str
    procedure_name: str
    applicant_name: str
    status: str
    status_label: str
    channel: str
    submitted_at: dt.datetime | None
    reception_due_at: dt.datetime | None
    due_at: dt.datetime | None
    url: str


class QueuePage(Schema):
    queue: str
    count: int = Field(description="Counted up to COUNT_CAP + 1 (1001): see `capped`.")
    capped: bool = Field(description="More dossiers than COUNT_CAP (1000) match.")
    page: int
    pages: int
    items: list[QueueItem]


class QueueFilters(Schema):
    q: str = ""
    status: str = ""
    channel: str = ""
    sort: str = "han"
    page: int = 1


def _who(request: HttpRequest) -> tuple[sel.OfficeUser | None, Status | None]:
    if not request.user.is_authenticated:
        return None, Status(401, {"detail": _("Cần đăng nhập.")})
    who = sel.office_user(request.user)
    if not who.is_office_staff:
        return None, Status(403, {"detail": _("Bạn không có quyền truy cập.")})
    return who, None


@router.get(
    "/queues",
    response={200: list[QueueOut], 401: ErrorOut, 403: ErrorOut},
    summary="My queues with counts",
    url_name="office_queues",
)
def queues(request: HttpRequest):
    who, refused = _who(request)
    if refused is not None:
        return refused
    assert who is not None
    counts = sel.queue_counts(who)
    return [
        {
            "slug": q.slug,
            "label": str(q.label),
            "count": counts.get(q.slug, 0),
            "capped": counts.get(q.slug, 0) > sel.COUNT_CAP,
        }
        for q in sel.queues_for(who)
    ]


@router.get(
    "/queues/{slug}",
    response={200: QueuePage, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One queue's dossiers, filtered, sorted and paged",
    url_name="office_queue",
)
def queue(request: HttpRequest, slug: str, filters: Query[QueueFilters]):
    who, refused = _who(request)
    if refused is not None:
        return refused
    assert who is not None
    try:
        dossiers = sel.queue_for(
            who,
            slug,
            q=filters.q,
            status=filters.status,
            channel=filters.channel,
            sort=filters.sort,
        ).select_related("applicant")
    except sel.UnknownQueue:
        return Status(404, {"detail": _("Không có hàng đợi này.")})
    paginator = sel.CappedPaginator(dossiers, PAGE_SIZE)
    page = paginator.get_page(max(1, filters.page))
    return {
        "queue": slug,
        "count": paginator.count,
        "capped": paginator.count > sel.COUNT_CAP,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [
            {
                "uuid": str(d.uuid),
                "code": d.code,
                "procedure_code": d.procedure_code,
                "procedure_name": d.procedure_name,
                "applicant_name": (d.applicant_data or {}).get("full_name")
                or d.applicant.full_name,
                "status": d.status,
                "status_label": str(d.get_status_display()),
                "channel": d.channel,
                "submitted_at": d.submitted_at,
                "reception_due_at": d.reception_due_at,
                "due_at": d.due_at,
                "url": reverse("office:detail", kwargs={"uuid": d.uuid}),
            }
            for d in page
        ],
    }
