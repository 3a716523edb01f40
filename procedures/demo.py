"""Demo data: the shipped provincial/commune catalogue, plus local configuration for two procedures.

Idempotent: unchanged records are skipped by their hash, configuration rows are get-or-created.
"""

from pathlib import Path

from django.db import transaction

from accounts.constants import Role
from common.demo_types import DemoLogin
from procedures import importer
from procedures.constants import (
    FieldType,
    OnlineLevel,
    PrefillSource,
    RequirementKind,
    StateDatabase,
)
from procedures.models import (
    DocumentRequirement,
    FeeRule,
    FormField,
    Procedure,
    ProcedureCase,
    WorkflowStep,
)
from procedures.services import catalogue_changed, procedures_import

DATA_FILE = Path(__file__).parent / "data" / "tthc_tinh_xa.jsonl.gz"

# Đăng ký thường trú (1.004222): the form the demo dossier uses.
RESIDENCE_CODE = "1.004222"
RESIDENCE_FIELDS = [
    ("full_name", "Họ, chữ đệm và tên", "Full name", FieldType.TEXT, True, PrefillSource.FULL_NAME),
    (
        "id_number",
        "Số định danh cá nhân",
        "Personal ID number",
        FieldType.ID_NUMBER,
        True,
        PrefillSource.ID_NUMBER,
    ),
    ("phone", "Số điện thoại", "Phone", FieldType.PHONE, True, PrefillSource.PHONE),
    ("email", "Thư điện tử", "E-mail", FieldType.EMAIL, False, PrefillSource.EMAIL),
    (
        "new_address",
        "Địa chỉ đăng ký thường trú",
        "New permanent address",
        FieldType.ADDRESS,
        True,
        PrefillSource.NONE,
    ),
    ("reason", "Lý do", "Reason", FieldType.LONG_TEXT, False, PrefillSource.NONE),
]
RESIDENCE_OWN_HOME = "Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình"
RESIDENCE_OWN_HOME_PROOF = "Thông tin chứng minh về chỗ ở hợp pháp"
# The province's plain wording of the six cases of 1.004222 (catalogue heading → label).
RESIDENCE_CASE_LABELS = {
    RESIDENCE_OWN_HOME: "Tôi đăng ký vào nhà (chỗ ở) của chính mình",
    "Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ": (
        "Tôi thuê, mượn hoặc ở nhờ nhà của người khác"
    ),
    "Đăng ký thường trú tại chỗ ở hợp pháp không thuộc quyền sở hữu của mình": (
        "Tôi về ở cùng người thân (vợ, chồng, cha, mẹ, con…) tại nhà của họ"
    ),
    "Người được chăm sóc, nuôi dưỡng, trợ giúp": (
        "Tôi được cơ sở trợ giúp xã hội chăm sóc, nuôi dưỡng"
    ),
    "Đăng ký thường trú tại cơ sở tín ngưỡng, cơ sở tôn giáo": (
        "Tôi sống tại cơ sở tín ngưỡng, cơ sở tôn giáo"
    ),
    "Đăng ký thường trú tại nơi đơn vị đóng quân": (
        "Tôi là cán bộ, chiến sĩ ở tại nơi đơn vị đóng quân"
    ),
}
RESIDENCE_STEPS = [
    ("Tiếp nhận, kiểm tra hồ sơ", Role.RECEPTION_OFFICER, 10),
    ("Thẩm định, đề xuất", Role.PROCESSING_OFFICER, 60),
    ("Phê duyệt", Role.AGENCY_HEAD, 20),
    ("Trả kết quả", Role.RECORDS_CLERK, 10),
]


def seed(out) -> list[DemoLogin]:
    records = list(importer.read_records(DATA_FILE))
    counts = procedures_import(records=records)
    out.write(
        f"procedures: {counts.created} created, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {counts.flagged} flagged, {counts.skipped} skipped"
    )
    _configure_residence()
    return []


@transaction.atomic
def _configure_residence() -> None:
    procedure = Procedure.objects.filter(code=RESIDENCE_CODE).first()
    if procedure is None:
        return
    for position, (key, label_vi, label_en, kind, required, prefill) in enumerate(
        RESIDENCE_FIELDS, start=1
    ):
        FormField.objects.get_or_create(
            procedure=procedure,
            key=key,
            defaults={
                "position": position,
                "label_vi": label_vi,
                "label_en": label_en,
                "field_type": kind,
                "required": required,
                "prefill_source": prefill,
            },
        )
    for position, (name, role, share) in enumerate(RESIDENCE_STEPS, start=1):
        WorkflowStep.objects.get_or_create(
            procedure=procedure,
            position=position,
            defaults={"name": name, "role": role, "time_share_percent": share},
        )
    FeeRule.objects.get_or_create(
        procedure=procedure,
        name="Lệ phí đăng ký cư trú",
        defaults={"amount_vnd": 20_000, "online_discount_percent": 50, "channel": ""},
    )
    if procedure.online_level == OnlineLevel.PARTIAL and procedure.online_level_set_at is None:
        # Demo only: the classification flow is how a real province changes it.
        procedure.online_level = OnlineLevel.FULL
        procedure.save(update_fields=["online_level", "updated_at"])
        catalogue_changed()
    _correct_residence_cases(procedure)
    # The citizen's identity card is in the national population database: never ask for it.
    DocumentRequirement.objects.filter(
        procedure=procedure,
        name__icontains="căn cước",
        state_holds=False,
        kind=RequirementKind.DOCUMENT,
        corrected=False,
    ).update(state_holds=True, state_database=StateDatabase.POPULATION)


def _correct_residence_cases(procedure: Procedure) -> None:
    """The corrections an administrator makes in the admin (ADR 0260), made here for the demo:
    plain case names; the vehicle certificate is asked only of those who live on a vehicle; and
    the proof of a legal home, which the agency looks up first, may be attached by an owner who
    has it at hand (the land-register look-up often fails)."""
    for case in ProcedureCase.objects.filter(procedure=procedure, corrected=False):
        label = next((v for k, v in RESIDENCE_CASE_LABELS.items() if case.title.startswith(k)), "")
        if label:
            case.label, case.corrected = label, True
            case.save(update_fields=["label", "corrected"])
    lines = DocumentRequirement.objects.filter(procedure=procedure, corrected=False)
    lines.filter(name__startswith="Giấy chứng nhận đăng ký phương tiện").update(
        required=False,
        condition="Khi đăng ký thường trú vào phương tiện dùng để ở",
        corrected=True,
    )
    lines.filter(
        name__startswith=RESIDENCE_OWN_HOME_PROOF,
        kind=RequirementKind.STATE_HELD,
    ).update(
        kind=RequirementKind.DOCUMENT,
        required=False,
        condition="Khi cơ quan không khai thác được thông tin về chỗ ở hợp pháp",
        corrected=True,
    )
