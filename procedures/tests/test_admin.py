import io

from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

import pytest

from accounts.constants import Role
from accounts.tests.factories import StaffFactory, login_with_mfa
from procedures import exchange
from procedures.admin import WorkflowStepFormSet
from procedures.models import FeeRule, FormField, Procedure, WorkflowStep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]


@pytest.fixture
def procedure():
    return Procedure.objects.get(code="1.004222")


@pytest.mark.parametrize(
    ("values", "bad_field"),
    [
        ({"key": "Họ tên", "field_type": "text"}, "key"),
        ({"key": "gender", "field_type": "select", "choices": ["Nam"]}, "choices"),
        ({"key": "note", "field_type": "text", "choices": ["a", "b"]}, "choices"),
        ({"key": "code", "field_type": "text", "validation_regex": "[0-9"}, "validation_regex"),
        (
            {"key": "dob", "field_type": "checkbox", "prefill_source": "profile.date_of_birth"},
            "prefill_source",
        ),
    ],
)
def test_a_broken_form_field_spec_cannot_be_saved(procedure, values, bad_field):
    field = FormField(procedure=procedure, label_vi="Nhãn", **values)
    with pytest.raises(ValidationError) as error:
        field.full_clean()
    assert bad_field in error.value.message_dict


def test_a_sound_form_field_spec_validates(procedure):
    FormField(
        procedure=procedure,
        key="gender",
        label_vi="Giới tính",
        field_type="select",
        choices=["Nam", "Nữ"],
        prefill_source="profile.gender",
    ).full_clean()


def test_fee_rule_discount_only_online(procedure):
    rule = FeeRule(
        procedure=procedure,
        name="Lệ phí",
        amount_vnd=20_000,
        channel="in_person",
        online_discount_percent=50,
    )
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.channel = ""
    rule.full_clean()
    assert (rule.amount_for("online"), rule.amount_for("in_person")) == (10_000, 20_000)


def _workflow_formset(procedure, steps):
    FormSet = inlineformset_factory(
        Procedure,
        WorkflowStep,
        formset=WorkflowStepFormSet,
        fields=("position", "name", "role", "time_share_percent"),
        extra=0,
    )
    data = {"workflow_steps-TOTAL_FORMS": str(len(steps)), "workflow_steps-INITIAL_FORMS": "0"}
    for i, (position, share) in enumerate(steps):
        data |= {
            f"workflow_steps-{i}-position": position,
            f"workflow_steps-{i}-name": f"Bước {i}",
            f"workflow_steps-{i}-role": Role.PROCESSING_OFFICER,
            f"workflow_steps-{i}-time_share_percent": share,
        }
    return FormSet(data, instance=procedure, prefix="workflow_steps")


def test_workflow_shares_must_add_up_to_100(procedure):
    assert not _workflow_formset(procedure, [(1, 50), (2, 40)]).is_valid()
    assert not _workflow_formset(procedure, [(1, 50), (1, 50)]).is_valid()
    assert _workflow_formset(procedure, [(1, 60), (2, 40)]).is_valid()


def test_inter_agency_step_needs_a_lead_agency(procedure):
    step = WorkflowStep(
        procedure=procedure,
        position=1,
        name="Liên thông",
        role=Role.PROCESSING_OFFICER,
        time_share_percent=100,
        inter_agency=True,
    )
    with pytest.raises(ValidationError):
        step.full_clean()


def test_export_csv_and_xlsx_round_trip():
    procedures = Procedure.objects.select_related("field").prefetch_related("channels")
    csv_rows = exchange.read_table("x.csv", exchange.export_csv(procedures))
    xlsx_rows = exchange.read_table("x.xlsx", exchange.export_xlsx(procedures))
    assert len(csv_rows) == len(xlsx_rows) == 11
    first = next(r for r in csv_rows if r["code"] == "1.004222")
    assert first["name"] == "Đăng ký thường trú"
    assert first["levels"] == "commune"


def test_settings_import_applies_local_columns_and_refuses_a_bad_file(procedure):
    user = StaffFactory(roles=[Role.SYSTEM_ADMIN])
    bad = exchange.procedures_local_settings_import(
        rows=[{"code": "1.004222", "online_only": "1"}, {"code": "9.999999", "online_only": "1"}],
        by=user,
    )
    assert bad.errors
    assert "9.999999" in bad.errors[0]
    procedure.refresh_from_db()
    assert procedure.online_only is False  # nothing applied from a file with an error
    wrong_dates = exchange.procedures_local_settings_import(
        rows=[{"code": "1.004222", "effective_from": "02/01/2027", "effective_to": "01/01/2027"}],
        by=user,
    )
    assert wrong_dates.errors
    good = exchange.procedures_local_settings_import(
        rows=[{"code": "1.004222", "online_only": "1", "effective_from": "01/01/2027"}], by=user
    )
    assert (good.updated, good.errors) == (1, [])
    procedure.refresh_from_db()
    assert procedure.online_only is True
    assert procedure.effective_from.isoformat() == "2027-01-01"


def test_admin_export_action_and_import_page(client):
    admin = StaffFactory(roles=[Role.SYSTEM_ADMIN], is_staff=True, is_superuser=True)
    login_with_mfa(client, admin)
    ids = list(Procedure.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/procedures/procedure/", {"action": "export_csv", "_selected_action": ids}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "1.004222" in response.content.decode("utf-8-sig")

    upload = io.BytesIO(b"code,online_only\n1.001193,1\n")
    upload.name = "cau-hinh.csv"
    response = client.post("/admin/procedures/procedure/nhap-tep/", {"file": upload})
    assert response.status_code == 302
    assert Procedure.objects.get(code="1.001193").online_only is True
    assert client.get("/admin/procedures/procedure/").status_code == 200
    assert client.get("/admin/procedures/agencynamemapping/").status_code == 200
