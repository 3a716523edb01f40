"""Dossiers submitted on the National Portal, taken into the reception queue.

`inbound_poll()` asks the adapter for new dossiers of our unit (`LayHoSoMoi`), and for each one:
finds the applicant by ID number (or opens a citizen account for them, no password: they sign
in with VNeID), downloads the attached files (no transaction open), then hands everything to
the dossiers app's `dossier_import_national_portal`, which starts the draft, stores the files in
the applicant's data store and submits it as the system with the portal's code kept: status
SUBMITTED, channel national_portal, actor SYSTEM — the reception officers see it in their queue like any online
dossier. Then it acknowledges the dossier to the portal (`XacNhanHoSo`), accepted or refused
with the reason. Idempotent by the external code: a dossier already taken is acknowledged again,
never created twice.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

import requests

from accounts.models import CitizenProfile, User
from accounts.services import citizen_register
from agencies.models import Agency
from agencies.selectors import agency_by_code
from common.exceptions import ApplicationError
from dossiers.services.imports import ImportedFile, dossier_import_national_portal
from integrations.base import IntegrationError
from integrations.constants import InboundStatus, Provider
from integrations.dvcqg.provider import dvcqg
from integrations.models import InboundDossier
from procedures.selectors import procedure_get

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class InboundResult:
    accepted: int = 0
    refused: int = 0
    already: int = 0
    errors: list[str] = field(default_factory=list)


class InboundRefused(ApplicationError):
    pass


def _citizen_for(item: dict[str, Any]) -> User:
    """The applicant by ID number; a new citizen account (no password) when unknown."""

    id_number = str(item.get("MaDoiTuong") or "").strip()
    if not id_number.isdigit() or len(id_number) != 12:
        raise InboundRefused("MaDoiTuong: số định danh cá nhân không hợp lệ", code="bad_id")
    profile = CitizenProfile.objects.select_related("user").filter(id_number=id_number).first()
    if profile is not None:
        return profile.user
    email = str(item.get("Email") or "").strip().lower()
    if not email or User.objects.filter(email__iexact=email).exists():
        email = f"{id_number}.{secrets.token_hex(3)}@dvcqg.invalid"
    user = User.objects.create_user(
        email=email,
        password=None,
        full_name=str(item.get("ChuHoSo") or "")[:150],
        phone=str(item.get("SoDienThoai") or "")[:20],
    )
    profile = citizen_register(user=user)
    profile.id_number = id_number
    profile.full_name = user.full_name
    profile.save(update_fields=["id_number", "full_name", "updated_at"])
    return user


def _fetch(url: str) -> bytes:
    """A file attached on the portal; only from the adapter's own host (no SSRF)."""
    allowed = urlsplit(settings.DVCQG_ADAPTER_URL)
    target = urlsplit(url)
    if (target.scheme, target.netloc) != (allowed.scheme, allowed.netloc):
        raise InboundRefused(f"tệp đính kèm ở máy chủ lạ: {target.netloc}", code="foreign_file")
    try:
        response = requests.get(url, timeout=settings.DVCQG_TIMEOUT_SECONDS, stream=True)
        response.raise_for_status()
        data = response.raw.read(MAX_FILE_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise IntegrationError(f"DVCQG file download failed: {exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise InboundRefused("tệp đính kèm quá lớn", code="too_large")
    return data


def _download(files: list[dict[str, Any]]) -> list[ImportedFile]:
    """Every file the applicant attached, fetched before any transaction opens (ADR 0180)."""
    downloaded = []
    for item in files:
        url = str(item.get("DuongDanTaiTepTin") or "")
        if item.get("IsDeleted") or not url:
            continue
        downloaded.append(
            ImportedFile(
                requirement_code=str(item.get("MaThanhPhanHoSo") or ""),
                title=str(item.get("TenTepDinhKem") or ""),
                name=url.rsplit("/", 1)[-1][:100] or "tep-dinh-kem",
                data=_fetch(url),
            )
        )
    return downloaded


def _unit(unit_code: str) -> Agency | None:
    """The unit the applicant chose on the portal (`MaDonViTiepNhan`, an agency's electronic
    identifier); it fills what the catalogue leaves open — for a commune procedure, which one."""

    if not unit_code:
        return None
    unit = agency_by_code(unit_code)
    if unit is None:
        raise InboundRefused("MaDonViTiepNhan: không có đơn vị này", code="unknown_unit")
    return unit


def inbound_take(*, item: dict[str, Any]) -> InboundDossier:
    """Take one portal dossier in (see module docstring). Raises InboundRefused. The files are
    downloaded first, with no transaction open; the writes go through the dossiers app's
    `dossier_import_national_portal` in one transaction."""
    code = str(item.get("MaHoSo") or "").strip()
    if not code or len(code) > 64:
        raise InboundRefused("MaHoSo: thiếu hoặc quá dài", code="bad_code")
    known = InboundDossier.objects.filter(external_code=code).first()
    if known is not None:
        return known
    procedure = procedure_get(code=str(item.get("MaTTHC") or ""))
    if procedure is None:
        raise InboundRefused("MaTTHC: thủ tục không có trong danh mục của tỉnh", code="unknown")
    unit = _unit(str(item.get("MaDonViTiepNhan") or "").strip())
    files = _download([f for f in item.get("TaiLieuNop") or [] if isinstance(f, dict)])
    raw = item.get("DuLieuToKhai")
    with transaction.atomic():
        known = InboundDossier.objects.select_for_update().filter(external_code=code).first()
        if known is not None:  # another poll took it while the files came
            return known
        dossier = dossier_import_national_portal(
            procedure=procedure,
            applicant=_citizen_for(item),
            code=code,
            applicant_data={
                "full_name": str(item.get("ChuHoSo") or ""),
                "id_number": str(item.get("MaDoiTuong") or ""),
                "phone": str(item.get("SoDienThoai") or ""),
                "email": str(item.get("Email") or ""),
                "national_portal_submitted_at": str(item.get("NgayNopHoSo") or ""),
            },
            form_data=raw if isinstance(raw, dict) else {},
            vneid_authenticated=str(item.get("TaiKhoanDuocXacThucVoiVNeID") or "") == "1",
            unit=unit,
            files=files,
        )
        return InboundDossier.objects.create(
            provider=Provider.DVCQG,
            external_code=code,
            dossier=dossier,
            status=InboundStatus.ACCEPTED,
            payload=item,
        )


def _refuse(code: str, item: dict[str, Any], message: str) -> None:
    with contextlib.suppress(IntegrityError), transaction.atomic():
        InboundDossier.objects.update_or_create(
            external_code=code or f"?{uuid.uuid4().hex[:12]}",
            defaults={
                "provider": Provider.DVCQG,
                "status": InboundStatus.REFUSED,
                "error": message,
                "payload": item,
            },
        )


def inbound_poll() -> InboundResult:
    """Fetch and take every new portal dossier; acknowledge each one."""
    result = InboundResult()
    if not dvcqg.is_enabled():
        return result
    try:
        items = dvcqg.new_dossiers()
    except IntegrationError as exc:
        result.errors.append(str(exc))
        return result
    for item in items:
        code = str(item.get("MaHoSo") or "").strip()
        try:
            before = InboundDossier.objects.filter(external_code=code).exists()
            record = inbound_take(item=item)
        except IntegrationError as exc:  # a file could not be fetched: try again next poll
            result.errors.append(f"{code}: {exc}")
            continue
        except ApplicationError as exc:  # refused (bad data) or a guard of the workflow
            _refuse(code, item, str(exc))
            _acknowledge(code, accepted=False, message=str(exc), result=result)
            result.refused += 1
            continue
        if before:
            result.already += 1
        else:
            result.accepted += 1
        _acknowledge(
            code,
            accepted=record.status == InboundStatus.ACCEPTED,
            message=record.error,
            result=result,
        )
    return result


def _acknowledge(code: str, *, accepted: bool, message: str, result: InboundResult) -> None:
    if not code:
        return
    try:
        dvcqg.acknowledge(code=code, accepted=accepted, message=message)
    except IntegrationError as exc:  # the next poll lists it again; taking it is idempotent
        result.errors.append(f"{code}: {exc}")
