"""The confirmation code's SMS says whom to read it to: the officer at the counter, or the
helper who asked for a mandate (issue #26), in Vietnamese and in English."""

from __future__ import annotations

import pytest

from accounts.constants import Role
from accounts.identity import mandate_consent
from accounts.tests.factories import CitizenFactory
from notifications.constants import EVENTS, Event
from notifications.models import Notification
from notifications.phone_codes import phone_code_send
from notifications.rendering import render_message

pytestmark = pytest.mark.django_db


def test_a_helpers_request_says_read_it_to_the_helper():
    helper = CitizenFactory(full_name="Võ Văn Hỗ Trợ", roles=[Role.CITIZEN, Role.COMMUNITY_HELPER])
    mandate_consent.mandate_request_by_sms(
        agent=helper, id_number="072150001234", full_name="Lê Thị Bảy", phone="0912345678"
    )
    body = Notification.objects.get(event=Event.CONFIRMATION_CODE).body
    assert "Chỉ đọc mã cho Võ Văn Hỗ Trợ, người xin bạn ủy quyền, khi bạn đồng ý." in body
    assert "cán bộ" not in body


def test_the_counter_says_read_it_to_the_officer():
    phone_code_send(
        phone="0912345678", purpose="counter_assisted", reference="x", label="nộp hồ sơ 1.1"
    )
    body = Notification.objects.get(event=Event.CONFIRMATION_CODE).body
    assert "Chỉ đọc mã cho cán bộ tại quầy khi bạn đồng ý." in body


@pytest.mark.parametrize(
    ("asker", "expected"),
    [
        ("helper", "Read it to Võ Văn Hỗ Trợ, who asked you for the mandate, only if you agree."),
        ("officer", "Read it to the officer at the counter only if you agree."),
    ],
)
@pytest.mark.parametrize("channel", ["sms", "zalo", "email", "inbox"])
def test_the_english_text_matches_who_asked(asker, expected, channel):
    context = {
        **EVENTS[Event.CONFIRMATION_CODE].sample,
        "asker": asker,
        "asker_name": "Võ Văn Hỗ Trợ",
    }
    rendered = render_message(
        event=Event.CONFIRMATION_CODE,
        channel=channel,
        language="en",
        context=context,
        use_overrides=False,
    )
    assert expected in rendered.body
