import datetime as dt
import io
from decimal import Decimal

from django.test import Client

import pytest
import time_machine
from PIL import Image

from accounts.tests.factories import CitizenFactory, login_with_mfa
from agencies.constants import CalendarDayKind
from agencies.models import CalendarOverride
from agencies.tests.factories import AgencyFactory
from common.exceptions import ApplicationError
from helpdesk import selectors, services
from helpdesk.constants import IntakeChannel, ReportAction, ReportStatus
from helpdesk.models import FieldReport, ReportEvent
from helpdesk.services import Photo
from helpdesk.tests.factories import TAY_NINH, jpeg_with_gps, submit_report

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def test_submission_gets_a_code_and_the_5_2_deadlines(commune, reporter):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):  # a Monday
        report = submit_report(commune=commune, reporter=reporter)
    assert report.code == "PA-2026-000001"
    assert report.status == ReportStatus.NEW
    assert report.reporter_name == "Lê Thị Bí Mật"
    assert report.refuse_due_at == local(2026, 3, 4, 17, 0)
    assert report.info_due_at == local(2026, 3, 9, 17, 0)
    assert report.process_due_at == local(2026, 3, 23, 17, 0)
    assert [e.action for e in report.events.all()] == [ReportAction.SUBMITTED]
    second = submit_report(commune=commune, reporter=reporter)
    assert second.code.endswith("-000002")


def test_deadlines_skip_weekends_and_holidays_and_follow_settings(commune, reporter, settings):
    CalendarOverride.objects.create(
        date=dt.date(2026, 4, 30), kind=CalendarDayKind.HOLIDAY, name="30/4"
    )
    CalendarOverride.objects.create(
        date=dt.date(2026, 5, 1), kind=CalendarDayKind.HOLIDAY, name="1/5"
    )
    with time_machine.travel(local(2026, 4, 29, 16, 0), tick=False):  # Wednesday before 30/4
        report = submit_report(commune=commune, reporter=reporter)
    # day 0 Wed 29/4; 30/4, 1/5 holidays, 2–3/5 weekend → day 1 Mon 4/5, day 2 Tue 5/5
    assert report.refuse_due_at == local(2026, 5, 5, 17, 0)
    settings.HELPDESK_DEADLINE_REFUSE_DAYS = 3
    with time_machine.travel(local(2026, 4, 29, 17, 30), tick=False):  # after office hours
        late = submit_report(commune=commune, reporter=reporter)
    # day 0 moves to Mon 4/5; three working days later: Thu 7/5
    assert late.refuse_due_at == local(2026, 5, 7, 17, 0)


def test_publish_deadline_and_overdue_flag_follow_the_calendar(
    commune, reporter, officer, agency, agency_staff
):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        report = submit_report(commune=commune, reporter=reporter)
        services.report_assign(report=report, by=officer, agency=agency)
    with time_machine.travel(local(2026, 3, 27, 10, 0), tick=False):  # after the 15 working days
        report = services.report_answer(report=report, by=agency_staff, answer="Đã thay bóng đèn.")
    assert report.was_overdue is True
    assert report.publish_due_at == local(2026, 3, 31, 17, 0)
    timers = selectors.report_timers(report, now=local(2026, 4, 1, 8, 0))
    assert [(t.due_at, t.overdue) for t in timers] == [(local(2026, 3, 31, 17, 0), True)]


def test_commune_and_coordinates_are_checked(commune, reporter):
    department = AgencyFactory()
    with pytest.raises(ApplicationError):
        submit_report(commune=department, reporter=reporter)
    with pytest.raises(ApplicationError):
        submit_report(
            commune=commune, reporter=reporter, latitude=Decimal("21.0"), longitude=Decimal("105.8")
        )
    with pytest.raises(ApplicationError):
        submit_report(commune=commune, reporter=reporter, latitude=TAY_NINH[0])
    ok = submit_report(
        commune=commune, reporter=reporter, latitude=TAY_NINH[0], longitude=TAY_NINH[1]
    )
    assert ok.latitude == TAY_NINH[0]


def test_photos_are_stored_without_location_metadata(commune, reporter, no_virus_scan):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    report = submit_report(
        commune=commune, reporter=reporter, photos=[Photo("hien-truong.jpg", original)]
    )
    photo = report.photos.get()
    stored = photo.document.file.open("rb").read()
    exif = Image.open(io.BytesIO(stored)).getexif()
    assert not exif.get(0x8825)
    assert photo.document.owner_user.email == "tongdai1022@system.invalid"
    assert photo.document.created_by == reporter


def test_too_many_photos_refused(commune, reporter, no_virus_scan):
    with pytest.raises(ApplicationError):
        submit_report(
            commune=commune, reporter=reporter, photos=[Photo("a.jpg", jpeg_with_gps())] * 6
        )
    assert not FieldReport.objects.exists()


def test_operator_entry_needs_the_helpdesk_role(commune, officer, agency_staff):
    kwargs = {"channel": IntakeChannel.OPERATOR, "reporter": None, "reporter_phone": "0912 345 678"}
    with pytest.raises(ApplicationError):
        submit_report(commune=commune, entered_by=agency_staff, **kwargs)
    report = submit_report(commune=commune, entered_by=officer, **kwargs)
    assert report.reporter_phone == "+84912345678"
    assert report.events.get().actor == officer


def test_operator_form_view(
    commune, officer_client, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            "/phan-anh/xu-ly/tiep-nhan/",
            {
                "channel": "operator",
                "reporter_name": "Người gọi",
                "reporter_phone": "0987654321",
                "category": "roads",
                "title": "Ổ gà lớn",
                "description": "Ổ gà giữa đường, xe máy dễ té.",
                "commune": commune.commune_code,
                "address": "Đường 30/4",
            },
        )
    report = FieldReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/phan-anh/xu-ly/{report.code}/"
    assert sms_outbox[-1].to == "+84987654321"
    assert report.code in sms_outbox[-1].body


# --- scoping ------------------------------------------------------------------------------------


def test_citizen_sees_only_own_reports(client, commune, reporter):
    mine = submit_report(commune=commune, reporter=reporter)
    theirs = submit_report(commune=commune, reporter=CitizenFactory())
    assert list(selectors.reports_visible_to(user=reporter)) == [mine]
    client.force_login(reporter)
    assert client.get(f"/phan-anh/tra-cuu/{mine.code}/").status_code == 200
    assert client.get(f"/phan-anh/tra-cuu/{theirs.code}/").status_code == 404
    assert client.get(f"/phan-anh/xu-ly/{theirs.code}/").status_code == 403
    page = client.get("/phan-anh/cua-toi/").content.decode()
    assert mine.code in page
    assert theirs.code not in page


def test_agency_officer_sees_only_reports_assigned_to_their_agency(
    client, commune, officer, agency, other_agency, agency_staff
):
    ours = submit_report(commune=commune)
    elsewhere = submit_report(commune=commune)
    unassigned = submit_report(commune=commune)
    services.report_assign(report=ours, by=officer, agency=agency)
    services.report_assign(report=elsewhere, by=officer, agency=other_agency)
    assert set(selectors.reports_visible_to(user=agency_staff)) == {ours}
    assert set(selectors.triage_queue(user=agency_staff)) == {ours}
    assert set(selectors.triage_queue(user=officer)) == {ours, elsewhere, unassigned}
    login_with_mfa(client, agency_staff)
    page = client.get("/phan-anh/xu-ly/").content.decode()
    assert ours.code in page
    assert elsewhere.code not in page
    assert unassigned.code not in page
    assert client.get(f"/phan-anh/xu-ly/{elsewhere.code}/").status_code == 404
    # the agency answers only what is assigned to it, and cannot triage
    with pytest.raises(ApplicationError):
        services.report_answer(report=elsewhere, by=agency_staff, answer="x")
    response = client.post(
        f"/phan-anh/xu-ly/{ours.code}/phan-loai/", {"category": "roads", "priority": "high"}
    )
    assert response.status_code == 400
    ours.refresh_from_db()
    assert ours.category == "lighting"


def test_anonymous_tracking_needs_code_and_phone(client, commune, officer):
    report = submit_report(
        commune=commune,
        channel=IntakeChannel.OPERATOR,
        reporter=None,
        reporter_phone="0912345678",
        entered_by=officer,
    )
    assert client.get(f"/phan-anh/tra-cuu/{report.code}/").status_code == 404
    wrong = client.post("/phan-anh/tra-cuu/", {"code": report.code, "phone": "0912000000"})
    assert wrong.status_code == 200
    assert "Không tìm thấy" in wrong.content.decode()
    assert client.get(f"/phan-anh/tra-cuu/{report.code}/").status_code == 404
    right = client.post(
        "/phan-anh/tra-cuu/", {"code": report.code.lower(), "phone": "+84 912 345 678"}
    )
    assert right["Location"] == f"/phan-anh/tra-cuu/{report.code}/"
    assert client.get(right["Location"]).status_code == 200


def test_staff_pages_need_sign_in_and_a_staff_role(citizen_client):
    assert Client().get("/phan-anh/xu-ly/").status_code == 302
    assert citizen_client.get("/phan-anh/xu-ly/").status_code == 403
    assert citizen_client.get("/phan-anh/xu-ly/tiep-nhan/").status_code == 403


# --- triage to publication ----------------------------------------------------------------------


def _to_answered(report, officer, agency, agency_staff):
    services.report_triage(report=report, by=officer, category="lighting", priority="high")
    services.report_assign(report=report, by=officer, agency=agency, note="Đề nghị kiểm tra")
    return services.report_answer(
        report=report, by=agency_staff, answer="Đã thay 3 bóng đèn ngày 05/03."
    )


def test_full_loop_every_change_is_recorded(
    commune, reporter, officer, agency, agency_staff, django_capture_on_commit_callbacks
):
    report = submit_report(commune=commune, reporter=reporter)
    report = _to_answered(report, officer, agency, agency_staff)
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_publish(
            report=report,
            by=officer,
            public_title="Đèn đường hỏng",
            public_description="Ba cột đèn không sáng.",
            answer="Đã thay 3 bóng đèn.",
        )
    assert report.status == ReportStatus.PUBLISHED
    actions = list(ReportEvent.objects.filter(report=report).values_list("action", "actor"))
    assert actions == [
        ("submitted", reporter.pk),
        ("triaged", officer.pk),
        ("assigned", officer.pk),
        ("answered", agency_staff.pk),
        ("published", officer.pk),
    ]
    from notifications.models import Notification

    assert Notification.objects.filter(
        recipient=reporter, event="helpdesk_answered", reference=report.code
    ).exists()


def test_request_info_and_supply_restart_the_processing_clock(commune, reporter, officer):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        report = submit_report(commune=commune, reporter=reporter)
        report = services.report_request_info(
            report=report, by=officer, note="Cho biết số nhà gần nhất"
        )
    assert report.status == ReportStatus.NEEDS_INFO
    with time_machine.travel(local(2026, 3, 4, 9, 0), tick=False):
        report = services.report_supply_info(report=report, text="Gần số 45", by=reporter)
    assert report.status == ReportStatus.NEW
    assert report.process_due_at == local(2026, 3, 25, 17, 0)
    assert "Gần số 45" in report.description
    with pytest.raises(ApplicationError):
        services.report_refuse(report=report, by=officer, reason="")
    report = services.report_refuse(report=report, by=officer, reason="Không thuộc phạm vi 1022")
    assert report.status == ReportStatus.REFUSED
    with pytest.raises(ApplicationError):
        services.report_assign(report=report, by=officer, agency=AgencyFactory())


def test_unhappy_rating_reopens_and_leaves_the_public_list(
    client, commune, reporter, officer, agency, agency_staff
):
    report = _to_answered(
        submit_report(commune=commune, reporter=reporter), officer, agency, agency_staff
    )
    services.report_publish(
        report=report, by=officer, public_title="T", public_description="D", answer="A"
    )
    assert [r.code for r in selectors.public_reports()] == [report.code]
    client.force_login(reporter)
    response = client.post(
        f"/phan-anh/tra-cuu/{report.code}/danh-gia/",
        {"rating": "1", "comment": "Đèn vẫn tắt", "reopen": "on"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ASSIGNED
    assert report.reopen_count == 1
    assert report.rating == 1
    assert selectors.public_reports() == []
    assert list(report.events.values_list("action", flat=True))[-2:] == ["rated", "reopened"]
    # the agency answers again, helpdesk republishes, the reporter may rate once more
    services.report_answer(report=report, by=agency_staff, answer="Đã sửa đường dây.")
    services.report_publish(
        report=report, by=officer, public_title="T", public_description="D", answer="A2"
    )
    report = services.report_rate(report=report, rating=5, by=reporter)
    assert report.status == ReportStatus.PUBLISHED
    with pytest.raises(ApplicationError):
        services.report_rate(report=report, rating=4, by=reporter)


def test_happy_rating_without_reopen_keeps_it_published(
    commune, reporter, officer, agency, agency_staff
):
    report = _to_answered(
        submit_report(commune=commune, reporter=reporter), officer, agency, agency_staff
    )
    services.report_publish(
        report=report, by=officer, public_title="T", public_description="D", answer="A"
    )
    report = services.report_rate(report=report, rating=2, reopen=False, by=reporter)
    assert report.status == ReportStatus.PUBLISHED
    assert report.reopen_count == 0


def test_helpdesk_can_return_an_answer_to_the_agency(commune, officer, agency, agency_staff):
    report = _to_answered(submit_report(commune=commune), officer, agency, agency_staff)
    report = services.report_return_answer(
        report=report, by=officer, note="Thiếu thời gian khắc phục"
    )
    assert report.status == ReportStatus.ASSIGNED
    with pytest.raises(ApplicationError):
        services.report_publish(
            report=report, by=officer, public_title="T", public_description="D", answer="A"
        )


def test_workspace_pages_render_for_each_role(
    officer_client, client, commune, officer, agency, agency_staff, no_virus_scan
):
    report = submit_report(
        commune=commune,
        photos=[Photo("a.jpg", jpeg_with_gps())],
        latitude=TAY_NINH[0],
        longitude=TAY_NINH[1],
    )
    submit_report(
        commune=commune, latitude=TAY_NINH[0], longitude=TAY_NINH[1]
    )  # a likely duplicate
    page = officer_client.get(f"/phan-anh/xu-ly/{report.code}/").content.decode()
    for heading in (
        "Phân loại",
        "Có thể trùng với",
        "Gộp phản ánh trùng",
        "Yêu cầu bổ sung thông tin",
        "Chuyển cơ quan xử lý",
    ):
        assert heading in page
    assert report.reporter_name in page  # the helpdesk sees who to call back
    response = officer_client.post(
        f"/phan-anh/xu-ly/{report.code}/chuyen-xu-ly/",
        {"agency": str(agency.uuid), "note": "Kiểm tra"},
    )
    assert response.status_code == 302
    client = Client()
    login_with_mfa(client, agency_staff)
    agency_page = client.get(f"/phan-anh/xu-ly/{report.code}/").content.decode()
    assert "Trả lời của cơ quan" in agency_page
    assert "Phân loại" not in agency_page
    assert report.reporter_name not in agency_page  # agencies get the problem, not the person
    response = client.post(f"/phan-anh/xu-ly/{report.code}/tra-loi/", {"answer": "Đã thay bóng."})
    assert response.status_code == 302
    page = officer_client.get(f"/phan-anh/xu-ly/{report.code}/").content.decode()
    assert "Duyệt và công khai" in page
    response = officer_client.post(
        f"/phan-anh/xu-ly/{report.code}/cong-khai/",
        {
            "public_title": "Đèn hỏng",
            "public_description": "Ba cột đèn.",
            "answer": "Đã thay bóng.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    queue = officer_client.get("/phan-anh/xu-ly/", {"qua_han": "1", "q": "den duong"})
    assert queue.status_code == 200


def test_tracking_lookups_are_rate_limited(commune, settings):
    settings.HELPDESK_KIOSK_ATTEMPTS = 3
    client = Client()
    form = {"code": "PA-2026-000001", "phone": "0912345678"}
    for _ in range(3):
        assert client.post("/phan-anh/tra-cuu/", form).status_code == 200
    assert client.post("/phan-anh/tra-cuu/", form).status_code == 429


def test_signed_in_form_with_photos(citizen_client, citizen, commune, no_virus_scan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photos = [
        SimpleUploadedFile(f"anh{i}.jpg", jpeg_with_gps(), content_type="image/jpeg")
        for i in range(2)
    ]
    form = {
        "category": "environment",
        "title": "Rác thải đổ trộm",
        "description": "Bãi rác tự phát cạnh kênh.",
        "commune": commune.commune_code,
        "address": "Kênh Tây, ấp 3",
        "photos": photos,
    }
    response = citizen_client.post("/phan-anh/gui/", form)
    report = FieldReport.objects.get()
    assert response["Location"] == f"/phan-anh/tra-cuu/{report.code}/"
    assert report.reporter == citizen
    assert report.photos.count() == 2
    page = citizen_client.get(response["Location"]).content.decode()
    assert "Rác thải đổ trộm" in page
    # a file that is not an image is refused with the reason, and the text stays
    form["title"] = "Lần hai"
    form["photos"] = [
        SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    ]
    again = citizen_client.post("/phan-anh/gui/", form)
    assert again.status_code == 200
    assert "Lần hai" in again.content.decode()
    assert "Loại tệp không được chấp nhận" in again.content.decode()
    assert FieldReport.objects.count() == 1


def test_a_refused_photo_leaves_no_files_behind(
    commune, reporter, no_virus_scan, settings, tmp_path
):
    import pathlib

    before = {p for p in pathlib.Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    with pytest.raises(ApplicationError):
        submit_report(
            commune=commune,
            reporter=reporter,
            photos=[Photo("a.jpg", jpeg_with_gps()), Photo("b.jpg", b"nope")],
        )
    after = {p for p in pathlib.Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    assert after == before
    assert not FieldReport.objects.exists()
