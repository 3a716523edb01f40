"""The citizen's dossiers in their personal-data download (right of access, issue #25): every
dossier they are the applicant of, with the answers under the labels they read, the documents,
and the dates. Registered with `accounts.personal_data` in `DossiersConfig.ready()`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.selectors import documents_visible_to
from dossiers.constants import APPLICANT_LABELS, SYSTEM_FORM_KEYS
from dossiers.models import Dossier, DossierComponent
from dossiers.selectors.review import readable
from procedures.selectors import procedure_form_labels

TITLE = _("Hồ sơ thủ tục hành chính")
LABELS = {
    "procedure_code": _("Mã thủ tục"),
    "procedure_name": _("Thủ tục"),
    "submitted_at": _("Nộp lúc"),
    "returned_at": _("Trả kết quả lúc"),
    "applicant": _("Người nộp"),
    "answers": _("Thông tin đã khai"),
    "question": _("Câu hỏi"),
    "answer": _("Trả lời"),
    "documents": _("Giấy tờ"),
    "requirement": _("Thành phần hồ sơ"),
    "file_name": _("Tệp"),
    "result_delivery": _("Nhận kết quả"),
    "delivery_address": _("Địa chỉ nhận kết quả"),
    "fee_vnd": _("Phí, lệ phí (đồng)"),
    **APPLICANT_LABELS,
}


def personal_data_dossiers(user: User) -> list[dict[str, Any]]:
    """A few queries however many dossiers: the dossiers with their components, the e-form
    labels once per procedure, the stored files' names."""
    dossiers = list(
        Dossier.objects.filter(applicant=user)
        .order_by("-created_at")
        .prefetch_related(
            Prefetch("components", queryset=DossierComponent.objects.order_by("position"))
        )
    )
    labels = {
        code: dict(procedure_form_labels(code=code))
        for code in {d.procedure_code for d in dossiers}
    }
    file_ids = {c.document_uuid for d in dossiers for c in d.components.all() if c.document_uuid}
    files = dict(
        documents_visible_to(user=user)
        .filter(uuid__in=file_ids)
        .values_list("uuid", "original_name")
    )
    return [_dossier(d, labels.get(d.procedure_code, {}), files) for d in dossiers]


def _dossier(dossier: Dossier, labels: dict[str, str], files: dict[Any, str]) -> dict[str, Any]:
    applicant = dossier.applicant_data or {}
    return {
        "code": dossier.code or str(_("(bản nháp)")),
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "status": dossier.get_status_display(),
        "channel": dossier.get_channel_display(),
        "created_at": dossier.created_at,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "returned_at": dossier.returned_at,
        "applicant": {key: applicant.get(key, "") for key in APPLICANT_LABELS if key in applicant},
        "answers": [
            {"question": labels.get(key, key), "answer": readable(value)}
            for key, value in (dossier.form_data or {}).items()
            if key not in SYSTEM_FORM_KEYS
        ],
        "documents": [
            {
                "requirement": c.requirement_name,
                "source": c.get_source_display(),
                "file_name": files.get(c.document_uuid, "") if c.document_uuid else "",
            }
            for c in dossier.components.all()
        ],
        "result_delivery": dossier.get_result_delivery_display() if dossier.result_delivery else "",
        "delivery_address": dossier.delivery_address,
        "fee_vnd": dossier.fee_vnd,
    }
