"""Demo dossiers in several states, so the demo officers' queues have work in them.

Runs after accounts, agencies and procedures (INSTALLED_APPS order): the demo citizen applies for
"Đăng ký thường trú" (1.004222), received at the provincial service centre (the demo reception
officer and supervisor) and decided by the Department of Justice (the demo processing officer,
head and records clerk). Every step goes through the real services (`dossier_transition`,
`dossier_assign`…), so the history, the deadlines and the forms are those of a real dossier.
Idempotent: each demo dossier carries `form_data["demo_key"]` and is made once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.html import escape

from accounts.constants import Role
from accounts.demo import demo_email
from accounts.models import User
from agencies.demo import JUSTICE, SERVICE_CENTRE
from agencies.selectors import agency_by_code
from common.demo_types import DemoLogin
from documents.constants import DocumentSource, UseKind
from documents.rendering import html_to_pdf
from documents.services import UseSpec, document_store
from dossiers.constants import Actor, ComponentSource, DossierStatus, ResultKind
from dossiers.models import Dossier
from dossiers.services import (
    document_reference,
    dossier_assign,
    dossier_case_choose,
    dossier_public_url,
    dossier_result_attach,
    dossier_start,
    dossier_submit,
    dossier_transition,
    draft_delivery_save,
    draft_fees_seen,
    staff_dossier_url,
)
from notifications.demo_messages import seed_citizen_messages, seed_staff_messages
from procedures.demo import RESIDENCE_CODE, RESIDENCE_OWN_HOME, RESIDENCE_OWN_HOME_PROOF
from procedures.selectors import procedure_cases, procedure_get

logger = logging.getLogger(__name__)

S = DossierStatus
A = Actor

# key → (the status the dossier ends in, who the applicant is on the form)
DEMO_DOSSIERS: tuple[tuple[str, str, str], ...] = (
    ("moi-1", S.SUBMITTED, "Nguyễn Thị Công Dân"),
    ("moi-2", S.SUBMITTED, "Trần Văn Bình"),
    ("bo-sung", S.INTAKE_SUPPLEMENT, "Lê Thị Cúc"),
    ("da-tiep-nhan", S.RECEIVED, "Phạm Văn Dũng"),
    ("cho-phan-cong", S.IN_PROCESS, "Võ Thị Én"),
    ("dang-tham-dinh", S.APPRAISING, "Huỳnh Văn Phúc"),
    ("cho-phe-duyet", S.AWAITING_APPROVAL, "Đặng Thị Giang"),
    ("cho-ky", S.SIGNING, "Bùi Văn Hải"),
    ("da-co-ket-qua", S.DONE, "Đỗ Thị Hoa"),
)
# The path each state is reached by: (target, role) in order.
PATH: tuple[tuple[str, str], ...] = (
    (S.RECEIVED, A.RECEPTION_OFFICER),
    (S.IN_PROCESS, A.RECEPTION_OFFICER),
    (S.APPRAISING, A.AGENCY_HEAD),  # through dossier_assign
    (S.AWAITING_APPROVAL, A.PROCESSING_OFFICER),
    (S.SIGNING, A.AGENCY_HEAD),
    (S.ISSUING, A.AGENCY_HEAD),
    (S.DONE, A.RECORDS_CLERK),
)


def _user(role: Role) -> User | None:
    return User.objects.filter(email__iexact=demo_email(role)).first()


def _pdf(title: str) -> bytes:
    return html_to_pdf(
        f"<html lang='vi'><body><h1>{escape(title)}</h1>"
        "<p>Bản trình diễn — không có giá trị pháp lý.</p></body></html>"
    )


def _make(key: str, target: str, name: str, people: dict[str, Any], procedure: Any) -> None:
    citizen = people["citizen"]
    dossier = dossier_start(procedure=procedure, user=citizen)
    cases = procedure_cases(procedure=procedure)
    if len(cases) > 1:  # the ordinary applicant: their own home, two documents (issue #25)
        own = next((c for c in cases if c.title.startswith(RESIDENCE_OWN_HOME)), cases[0])
        dossier_case_choose(dossier=dossier, case_key=own.key, by=citizen)
    # The demo staff work at the centre (one-stop side) and at the Department of Justice.
    dossier.receiving_agency = people["centre"]
    dossier.competent_agency = people["justice"]
    dossier.applicant_data = {**dossier.applicant_data, "full_name": name}
    dossier.form_data = {
        **dossier.form_data,
        "full_name": name,
        "new_address": "34 Trần Hưng Đạo, phường Tân Ninh",
        "demo_key": key,
    }
    dossier.save(
        update_fields=[
            "receiving_agency",
            "competent_agency",
            "applicant_data",
            "form_data",
            "updated_at",
        ]
    )
    for component in dossier.components.exclude(source=ComponentSource.STATE_HOLDS):
        if not (
            component.is_required or component.requirement_name.startswith(RESIDENCE_OWN_HOME_PROOF)
        ):
            continue
        document = document_store(
            data=_pdf(component.requirement_name),
            title=component.requirement_name[:255],
            source=DocumentSource.UPLOADED,
            owner_user=citizen,
            original_name="giay-to.pdf",
            created_by=citizen,
            use=UseSpec(kind=UseKind.DOSSIER, reference=document_reference(dossier), locked=True),
        )
        component.document_uuid = document.uuid
        component.source = ComponentSource.UPLOADED
        component.save(update_fields=["document_uuid", "source", "updated_at"])
    draft_delivery_save(dossier=dossier, by=citizen, delivery="electronic")
    draft_fees_seen(dossier=dossier, by=citizen)
    dossier_submit(dossier=dossier, by=citizen)
    if target == S.INTAKE_SUPPLEMENT:
        dossier_transition(
            dossier=dossier,
            to=S.INTAKE_SUPPLEMENT,
            by=people[A.RECEPTION_OFFICER],
            role=A.RECEPTION_OFFICER,
            note="Hồ sơ cần bổ sung, hoàn thiện các thành phần sau:\n"
            "1. Giấy tờ chứng minh chỗ ở hợp pháp (bản sao có chứng thực)",
        )
        return
    for step, role in PATH:
        if dossier.status == target:
            return
        by = people[role]
        if step == S.APPRAISING:
            dossier_assign(dossier=dossier, assignee=people[A.PROCESSING_OFFICER], by=by)
        elif step == S.AWAITING_APPROVAL:
            dossier_transition(
                dossier=dossier, to=step, by=by, role=role, result_kind=ResultKind.POSITIVE
            )
            # The draft result goes with the proposal: the head approves it in view (issue #20).
            result = document_store(
                data=_pdf("Kết quả đăng ký thường trú"),
                title="Kết quả đăng ký thường trú",
                source=DocumentSource.ISSUED,
                owner_user=citizen,
                original_name="ket-qua.pdf",
                created_by=by,
                issued_by_system=True,
            )
            dossier_result_attach(dossier=dossier, document_uuid=result.uuid, by=by, role=role)
        else:
            dossier_transition(dossier=dossier, to=step, by=by, role=role)
        dossier.refresh_from_db()


def seed(out) -> list[DemoLogin]:
    procedure = procedure_get(code=RESIDENCE_CODE)
    people: dict[str, Any] = {
        "citizen": _user(Role.CITIZEN),
        A.RECEPTION_OFFICER: _user(Role.RECEPTION_OFFICER),
        A.PROCESSING_OFFICER: _user(Role.PROCESSING_OFFICER),
        A.AGENCY_HEAD: _user(Role.AGENCY_HEAD),
        A.RECORDS_CLERK: _user(Role.RECORDS_CLERK),
        "centre": agency_by_code(SERVICE_CENTRE),
        "justice": agency_by_code(JUSTICE),
    }
    if procedure is None or not procedure.offers_online or None in people.values():
        out.write("dossiers: demo users or the demo procedure are missing; no demo dossiers")
        return []
    existing = set(
        Dossier.objects.filter(
            applicant=people["citizen"], form_data__has_key="demo_key"
        ).values_list("form_data__demo_key", flat=True)
    )
    made = 0
    for key, target, name in DEMO_DOSSIERS:
        if key in existing:
            continue
        _make(key, target, name, people, procedure)
        made += 1
    out.write(f"dossiers: {made} demo dossiers created, {len(existing)} present")
    out.write(f"notifications: {_seed_messages(people['citizen'])} demo messages written")
    return []


def _seed_messages(citizen: User) -> int:
    """Inbox and e-mail messages about real demo dossiers, so each link opens a dossier that
    exists (issue #20: a seeded message pointed at a made-up code)."""
    mine = Dossier.objects.filter(applicant=citizen, form_data__has_key="demo_key")
    done = mine.filter(form_data__demo_key="da-co-ket-qua").first()
    new = mine.filter(form_data__demo_key="moi-1").first()
    written = 0
    if done is not None and done.code:
        written += seed_citizen_messages(
            citizen=citizen, code=done.code, url=dossier_public_url(done)
        )
    if new is not None and new.code:
        written += seed_staff_messages(code=new.code, url=staff_dossier_url(new))
    return written
