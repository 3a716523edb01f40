"""Personal-data rights: downloads, correction/deletion requests with a 2-working-day deadline."""

import datetime as dt
import json
import zoneinfo

from django.core.exceptions import PermissionDenied

import pytest
import time_machine

from accounts.constants import Role
from accounts.identity import privacy
from accounts.identity.constants import PrivacyRequestKind, PrivacyRequestStatus
from accounts.models import CitizenProfile, NationalIdentity, PrivacyRequest, User
from accounts.tests.factories import CitizenFactory, StaffFactory, login_with_mfa
from common.models import AuditEvent

pytestmark = pytest.mark.django_db
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def supervisor():
    return StaffFactory(roles=[Role.ONESTOP_SUPERVISOR])


@time_machine.travel(dt.datetime(2026, 3, 6, 10, 0, tzinfo=HCM), tick=False)  # a Friday
def test_request_due_two_working_days_after_receipt_skipping_the_weekend(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/dinh-danh/du-lieu-ca-nhan/",
        {"kind": PrivacyRequestKind.CORRECTION, "details": "Sửa ngày sinh thành 17/05/1990"},
    )
    assert response.status_code == 302

    item = PrivacyRequest.objects.get(user=citizen)
    due_local = item.due_at.astimezone(HCM)
    assert due_local.date() == dt.date(2026, 3, 10)  # Friday → Monday (1) → Tuesday (2)
    assert item.status == PrivacyRequestStatus.RECEIVED
    assert AuditEvent.objects.filter(action="privacy.request_created", actor=citizen).exists()


def test_staff_queue_lists_open_requests_by_deadline_and_resolves_them(client, citizen, supervisor):
    first = privacy.privacy_request_create(
        user=citizen, kind=PrivacyRequestKind.CORRECTION, details="Sửa địa chỉ"
    )
    login_with_mfa(client, supervisor)

    page = client.get("/dinh-danh/yeu-cau-du-lieu/")
    assert page.status_code == 200
    assert str(first.uuid) in page.content.decode()

    response = client.post(
        f"/dinh-danh/yeu-cau-du-lieu/{first.uuid}/",
        {"decision": "accept", "resolution": "Đã sửa địa chỉ theo yêu cầu."},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == PrivacyRequestStatus.COMPLETED
    assert first.handled_by == supervisor
    event = AuditEvent.objects.get(action="privacy.request_resolved")
    assert event.data["on_time"] is True
    assert str(first.uuid) not in client.get("/dinh-danh/yeu-cau-du-lieu/").content.decode()


def test_citizens_and_other_staff_cannot_work_the_queue(client, citizen):
    item = privacy.privacy_request_create(
        user=citizen, kind=PrivacyRequestKind.DELETION, details="Xóa"
    )
    client.force_login(citizen)
    assert client.get("/dinh-danh/yeu-cau-du-lieu/").status_code == 403
    officer = StaffFactory(roles=[Role.PROCESSING_OFFICER])
    with pytest.raises(PermissionDenied):
        privacy.privacy_request_resolve(
            privacy_request=item, officer=officer, accept=True, resolution="x"
        )


def test_accepted_deletion_anonymises_and_ends_sign_in(client, supervisor):
    person = CitizenFactory(full_name="Phạm Văn Xóa", email="xoa@example.vn")
    CitizenProfile.objects.filter(user=person).update(id_number="080190001234")
    NationalIdentity.objects.create(user=person, issuer="https://vneid.example", subject="s1")
    client.force_login(person)
    item = privacy.privacy_request_create(
        user=person, kind=PrivacyRequestKind.DELETION, details="Xóa tài khoản của tôi"
    )

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        privacy.privacy_request_resolve(
            privacy_request=item,
            officer=supervisor,
            accept=True,
            resolution="Đã ẩn danh tài khoản; hồ sơ thủ tục giữ theo Luật Lưu trữ.",
        )

    person.refresh_from_db()
    assert not person.is_active
    assert person.full_name == ""
    assert "xoa@example.vn" not in person.email
    assert not person.has_usable_password()
    profile = CitizenProfile.objects.get(user=person)
    assert profile.id_number is None
    assert profile.full_name == ""
    assert not NationalIdentity.objects.filter(user=person).exists()
    # The request and its audit trail are kept.
    assert PrivacyRequest.objects.get(pk=item.pk).status == PrivacyRequestStatus.COMPLETED
    assert client.get("/dinh-danh/").status_code == 302  # signed out


def test_resolution_text_is_required(citizen, supervisor):
    item = privacy.privacy_request_create(
        user=citizen, kind=PrivacyRequestKind.CORRECTION, details="x"
    )
    from common.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        privacy.privacy_request_resolve(
            privacy_request=item, officer=supervisor, accept=False, resolution=" "
        )


def test_json_download_includes_identity_mandates_and_requests(client, citizen):
    from accounts.identity import mandates

    mandates.mandate_grant(principal=citizen, agent=CitizenFactory())
    privacy.privacy_request_create(user=citizen, kind=PrivacyRequestKind.CORRECTION, details="Sửa")
    client.force_login(citizen)

    data = json.loads(client.get("/tai-khoan/du-lieu-cua-toi.json").content)["sections"]

    assert data["mandates"][0]["role"] == "principal"
    assert data["privacy_requests"][0]["details"] == "Sửa"
    assert data["national_identities"] == []


def test_pdf_download_is_a_readable_pdf_and_audited(client, citizen):
    client.force_login(citizen)
    response = client.get("/dinh-danh/du-lieu-ca-nhan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="privacy.export", actor=citizen).exists()


def test_privacy_notice_is_public(client):
    response = client.get("/dinh-danh/quyen-rieng-tu/")
    assert response.status_code == 200
    assert "91/2025/QH15" in response.content.decode()


# --- staff accounts: disabling or a new password ends every session -------------------------


def _two_sessions(user):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_disabling_an_account_ends_all_its_sessions(django_capture_on_commit_callbacks):
    staff = StaffFactory()
    first, second = _two_sessions(staff)
    with django_capture_on_commit_callbacks(execute=True):
        staff.is_active = False
        staff.save()
    assert not _signed_in(first)
    assert not _signed_in(second)
    assert AuditEvent.objects.filter(action="auth.sessions_ended").exists()


def test_a_new_password_ends_all_sessions(django_capture_on_commit_callbacks):
    user = CitizenFactory()
    other_user_client = _two_sessions(CitizenFactory())[0]
    first, second = _two_sessions(user)
    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("Mot-mat-khau-moi-2026")
        user.save()
    assert not _signed_in(first)
    assert not _signed_in(second)
    assert _signed_in(other_user_client)


def test_an_unrelated_change_keeps_sessions(django_capture_on_commit_callbacks):
    user = CitizenFactory()
    first, _ = _two_sessions(user)
    with django_capture_on_commit_callbacks(execute=True):
        user.full_name = "Tên mới"
        user.save()
    assert _signed_in(first)
    assert User.objects.get(pk=user.pk).full_name == "Tên mới"


def test_deletion_form_explains_what_is_kept(client, citizen, supervisor):
    item = privacy.privacy_request_create(
        user=citizen, kind=PrivacyRequestKind.DELETION, details="Xóa"
    )
    login_with_mfa(client, supervisor)
    page = client.get(f"/dinh-danh/yeu-cau-du-lieu/{item.uuid}/").content.decode()
    assert "Luật Lưu trữ số 33/2024/QH15" in page
