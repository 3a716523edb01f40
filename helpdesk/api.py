"""Intake API for the 1022 hotline operators' console and the Zalo channel.

`POST /api/v1/helpdesk/reports` files a report; `GET /api/v1/helpdesk/reports/{code}?phone=`
tells a caller (or the Zalo bot) its status. Each client holds a bearer token from
`HELPDESK_API_TOKENS` (name=token); the name is recorded as the report's source.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest

from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from agencies.selectors import agency_for_commune_code
from common.exceptions import ApplicationError
from common.links import site_url
from helpdesk import selectors, services
from helpdesk.constants import IntakeChannel, ReportCategory
from helpdesk.services import MAX_PHOTOS, Photo


class IntakeToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        for name, expected in settings.HELPDESK_API_TOKENS.items():
            if expected and hmac.compare_digest(str(expected), token):
                return name
        return None


router = Router(tags=["helpdesk"], auth=IntakeToken())


class PhotoIn(Schema):
    name: str = Field(max_length=100)
    content_base64: str


class ReportIn(Schema):
    channel: str = Field(description="hotline | zalo")
    category: str = Field(description=", ".join(ReportCategory.values))
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)
    commune_code: str = Field(description="mã đơn vị hành chính cấp xã (5 số)")
    address: str = Field(max_length=255)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    reporter_name: str = Field(default="", max_length=150)
    reporter_phone: str = Field(max_length=16)
    external_reference: str = Field(default="", max_length=64, description="mã cuộc gọi / tin nhắn")
    photos: list[PhotoIn] = Field(default_factory=list, max_length=MAX_PHOTOS)


class ReportOut(Schema):
    code: str
    status: str
    status_label: str
    received_at: dt.datetime
    process_due_at: dt.datetime
    published_at: dt.datetime | None
    answer: str
    tracking_url: str


class ErrorOut(Schema):
    detail: str
    code: str = ""


def _out(report) -> dict:
    return {
        "code": report.code,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "received_at": report.received_at,
        "process_due_at": report.process_due_at,
        "published_at": report.published_at,
        "answer": report.answer if report.status == "published" else "",
        "tracking_url": site_url("helpdesk:track"),
    }


@router.post("/reports", response={201: ReportOut, 400: ErrorOut}, summary="File a field report")
def report_create(request: HttpRequest, payload: ReportIn):
    if payload.channel not in (IntakeChannel.HOTLINE, IntakeChannel.ZALO):
        return Status(400, {"detail": "channel must be hotline or zalo", "code": "channel"})
    commune = agency_for_commune_code(payload.commune_code)
    if commune is None:
        return Status(400, {"detail": "unknown commune_code", "code": "commune"})
    try:
        photos = [
            Photo(name=p.name, data=base64.b64decode(p.content_base64, validate=True))
            for p in payload.photos
        ]
    except (binascii.Error, ValueError):
        return Status(400, {"detail": "photo is not valid base64", "code": "photos"})
    try:
        report = services.report_submit(
            channel=IntakeChannel(payload.channel),
            category=payload.category,
            title=payload.title,
            description=payload.description,
            commune=commune,
            address=payload.address,
            latitude=payload.latitude,
            longitude=payload.longitude,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            external_reference=f"{getattr(request, 'auth', '')}:{payload.external_reference}"[:64],
            photos=photos,
        )
    except ApplicationError as exc:
        return Status(400, {"detail": exc.message, "code": exc.code})
    return Status(201, _out(report))


@router.get("/reports/{code}", response={200: ReportOut, 404: ErrorOut}, summary="Report status")
def report_status(request: HttpRequest, code: str, phone: str):
    report = selectors.report_track(code=code, phone=phone)
    if report is None:
        return Status(404, {"detail": "not found", "code": "not_found"})
    return Status(200, _out(report))
