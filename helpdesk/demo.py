"""Demo data for the citizen-voice loop: reports in each state, and a question in the FAQ.

Runs after accounts and agencies (INSTALLED_APPS order). Idempotent: reports are keyed by their
external reference, questions by title; a missing demo user or agency skips the module.
"""

from decimal import Decimal

from django.db import transaction

from accounts.constants import Role
from accounts.demo import demo_email
from accounts.models import User
from agencies.demo import JUSTICE
from agencies.models import Agency
from agencies.selectors import agency_for_commune_code
from common.demo_types import DemoLogin
from helpdesk import services
from helpdesk.constants import IntakeChannel
from helpdesk.models import FieldReport, Question

TAN_NINH = "25459"


def _report(ref: str, **kwargs) -> FieldReport:
    existing = FieldReport.objects.filter(external_reference=ref).first()
    return existing or services.report_submit(external_reference=ref, **kwargs)


@transaction.atomic
def seed(out) -> list[DemoLogin]:
    officer = User.objects.filter(email__iexact=demo_email(Role.HELPDESK_OFFICER)).first()
    agency_staff = User.objects.filter(email__iexact=demo_email(Role.PROCESSING_OFFICER)).first()
    citizen = User.objects.filter(email__iexact=demo_email(Role.CITIZEN)).first()
    commune = agency_for_commune_code(TAN_NINH)
    justice = Agency.objects.filter(code=JUSTICE).first()
    if not (officer and agency_staff and citizen and commune and justice):
        out.write("helpdesk: demo users or agencies missing, skipped")
        return []
    base = {"commune": commune, "channel": IntakeChannel.WEB, "reporter": citizen}
    _report(
        "demo-new",
        category="lighting",
        title="Đèn đường hỏng trên đường Cách Mạng Tháng Tám",
        description="Ba cột đèn liền nhau không sáng, đoạn gần chợ Tây Ninh.",
        address="Đường Cách Mạng Tháng Tám, khu phố 1",
        latitude=Decimal("11.310500"),
        longitude=Decimal("106.098800"),
        **base,
    )
    assigned = _report(
        "demo-assigned",
        category="procedures",
        title="Chờ lâu khi chứng thực bản sao",
        description="Hàng đợi chứng thực tại bộ phận một cửa kéo dài hơn 2 giờ.",
        address="Trung tâm Phục vụ hành chính công tỉnh",
        **base,
    )
    if assigned.status == "new":
        services.report_assign(
            report=assigned, by=officer, agency=justice, note="Đề nghị Sở Tư pháp trả lời"
        )
    published = _report(
        "demo-published",
        category="procedures",
        title="Hướng dẫn chứng thực chữ ký chưa rõ",
        description="Tôi không biết cần mang giấy tờ gì khi chứng thực chữ ký.",
        address="Phường Tân Ninh",
        latitude=Decimal("11.305000"),
        longitude=Decimal("106.110000"),
        **base,
    )
    if published.status == "new":
        services.report_assign(report=published, by=officer, agency=justice)
        services.report_answer(
            report=published, by=agency_staff, answer="Mang CCCD và giấy tờ cần chứng thực chữ ký."
        )
        services.report_publish(
            report=published,
            by=officer,
            public_title="Hướng dẫn chứng thực chữ ký",
            public_description="Người dân hỏi cần mang giấy tờ gì khi chứng thực chữ ký.",
            answer="Mang căn cước công dân và giấy tờ cần chứng thực chữ ký; lệ phí 10.000 đồng.",
        )
    title = "Đăng ký thường trú cần giấy tờ gì?"
    if not Question.objects.filter(title=title).exists():
        question = services.question_ask(
            asker=citizen,
            title=title,
            body="Tôi chuyển hộ khẩu từ Long An về Tây Ninh thì cần những giấy tờ gì?",
            procedure_code="1.004194",
        )
        services.question_assign(question=question, by=officer, agency=justice)
        services.question_answer(
            question=question, by=agency_staff, answer="Tờ khai CT01 và giấy tờ chỗ ở hợp pháp."
        )
        services.question_publish(
            question=question,
            by=officer,
            answer="Tờ khai CT01 và giấy tờ chứng minh chỗ ở hợp pháp.",
        )
    out.write(
        f"helpdesk: {FieldReport.objects.count()} reports, {Question.objects.count()} questions"
    )
    return []
