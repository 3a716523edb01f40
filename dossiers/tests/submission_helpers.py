"""Test data for the online submission: a procedure configured like the demo's "Đăng ký thường
trú", its agencies, and small valid files."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accounts.constants import Role
from accounts.models import User
from accounts.tests.factories import CitizenFactory, UserFactory
from agencies.constants import AgencyKind
from agencies.models import Agency
from agencies.tests.factories import AgencyFactory, CommuneFactory
from documents.tests.helpers import pdf_from_objects
from dossiers.tests.factories import add_membership

PROCEDURE_CODE = "1.004222"
# A valid personal ID number: Tây Ninh (072), male born in the 1900s → century digit 0, year 90.
ID_NUMBER = "072090001234"
PHONE = "0912345678"


def pdf_bytes(text: str = "Giay to thu nghiem", pad_to: int = 0) -> bytes:
    """A small valid one-page PDF with a correct cross-reference table, optionally padded
    with a comment to `pad_to` bytes (the benchmark's 200 KB files)."""
    safe = "".join(ch for ch in text if ch.isascii() and ch not in "()\\")
    content = f"BT /F1 12 Tf 72 760 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objects, padding=max(0, pad_to - 700) if pad_to else 0)


@dataclass
class World:
    procedure: Any
    centre: Agency
    department: Agency
    commune: Agency
    citizen: User
    reception_officer: User


def make_procedure(*, department: Agency, online_level: str = "full") -> Any:
    from procedures.constants import FieldType, PrefillSource, StateDatabase
    from procedures.models import (
        AgencyNameMapping,
        DocumentRequirement,
        FeeRule,
        FormField,
        Procedure,
        ProcedureChannel,
        ProcedureField,
    )

    field, _ = ProcedureField.objects.get_or_create(code="cu-tru", defaults={"name": "Cư trú"})
    mapping, _ = AgencyNameMapping.objects.get_or_create(
        source_name="Công an tỉnh (thử nghiệm)", defaults={"agency": department}
    )
    procedure = Procedure.objects.create(
        code=PROCEDURE_CODE,
        name="Đăng ký thường trú",
        field=field,
        at_province=True,
        online_level=online_level,
        implementing_mapping=mapping,
    )
    from common.text import fold
    from procedures.services import padded, search_text_for

    procedure.name_folded = padded(fold(procedure.name))
    procedure.search_text = search_text_for(procedure)
    procedure.save(update_fields=["name_folded", "search_text"])
    ProcedureChannel.objects.create(
        procedure=procedure, channel="online", time_value=Decimal(7), time_unit="working_day"
    )
    for position, (name, required, holds) in enumerate(
        [
            ("Tờ khai thay đổi thông tin cư trú", True, False),
            ("Giấy tờ chứng minh chỗ ở hợp pháp", True, False),
            ("Thẻ căn cước", True, True),
        ]
    ):
        DocumentRequirement.objects.create(
            procedure=procedure,
            position=position,
            name=name,
            required=required,
            state_holds=holds,
            state_database=StateDatabase.POPULATION if holds else "",
        )
    specs = [
        ("full_name", "Họ, chữ đệm và tên", FieldType.TEXT, True, PrefillSource.FULL_NAME),
        ("id_number", "Số định danh cá nhân", FieldType.ID_NUMBER, True, PrefillSource.ID_NUMBER),
        ("new_address", "Địa chỉ đăng ký thường trú", FieldType.ADDRESS, True, ""),
        ("reason", "Lý do", FieldType.LONG_TEXT, False, ""),
    ]
    for position, (key, label, kind, required, prefill) in enumerate(specs):
        FormField.objects.create(
            procedure=procedure,
            position=position,
            key=key,
            label_vi=label,
            field_type=kind,
            required=required,
            prefill_source=prefill,
        )
    FeeRule.objects.create(
        procedure=procedure,
        name="Lệ phí đăng ký cư trú",
        amount_vnd=20_000,
        online_discount_percent=50,
    )
    return procedure


def make_world(**citizen_kwargs: Any) -> World:
    centre = AgencyFactory(
        name="Trung tâm Phục vụ hành chính công tỉnh Tây Ninh", kind=AgencyKind.SERVICE_CENTRE
    )
    department = AgencyFactory(name="Công an tỉnh Tây Ninh")
    commune = CommuneFactory(name="Phường Tân Ninh")
    citizen = make_citizen(**citizen_kwargs)
    officer = UserFactory(roles=[Role.RECEPTION_OFFICER])
    add_membership(officer, centre, Role.RECEPTION_OFFICER)
    return World(
        procedure=make_procedure(department=department),
        centre=centre,
        department=department,
        commune=commune,
        citizen=citizen,
        reception_officer=officer,
    )


def make_citizen(**kwargs: Any) -> User:
    user = CitizenFactory(**kwargs)
    profile = user.profile
    profile.full_name = user.full_name
    profile.id_number = kwargs.get("id_number") or None
    profile.permanent_address = "12 Cách Mạng Tháng Tám, phường Tân Ninh"
    profile.phone = PHONE
    profile.save()
    return user


def fill_draft(
    dossier: Any, user: User, *, document_data: bytes | None = None, attach: bool = True
) -> Any:
    """Walk a draft through every step with valid data, via the services (`attach=False`: no
    document is attached)."""
    from dossiers import services as svc

    if dossier.organisation_id:  # an organisation declares itself (its tax code), not a person
        svc.draft_applicant_save(
            dossier=dossier,
            by=user,
            data={
                **dossier.applicant_data,
                "phone": PHONE,
                "address": dossier.applicant_data.get("address") or "12 Cách Mạng Tháng Tám",
            },
        )
    else:
        _save_person_applicant(dossier, user)
    _fill_the_rest(dossier, user, document_data=document_data, attach=attach)
    dossier.refresh_from_db()
    return dossier


def _save_person_applicant(dossier: Any, user: User) -> None:
    from dossiers import services as svc

    svc.draft_applicant_save(
        dossier=dossier,
        by=user,
        data={
            "full_name": "Nguyễn Văn An",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "email": "an@example.vn",
            "address": "12 Cách Mạng Tháng Tám",
            "date_of_birth": "",
        },
    )


def _fill_the_rest(dossier: Any, user: User, *, document_data: bytes | None, attach: bool) -> None:
    from dossiers import services as svc

    svc.draft_fields_save(
        dossier=dossier,
        by=user,
        data={
            "full_name": "Nguyễn Văn An",
            "id_number": ID_NUMBER,
            "new_address": "34 Trần Hưng Đạo",
        },
    )
    for component in dossier.components.exclude(source="state_holds") if attach else ():
        svc.draft_component_upload(
            dossier=dossier,
            component=component,
            by=user,
            data=document_data or pdf_bytes(component.requirement_name),
            name="giay-to.pdf",
        )
    svc.draft_delivery_save(dossier=dossier, by=user, delivery="electronic")
    svc.draft_fees_seen(dossier=dossier, by=user)
