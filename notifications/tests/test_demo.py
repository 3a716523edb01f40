"""`notifications.demo_messages`: the demo inbox, about a dossier that exists (called by
`dossiers.demo` with a real demo dossier's code and links)."""

import pytest

from accounts.constants import Role
from accounts.tests.factories import CitizenFactory, StaffFactory
from notifications.constants import Channel, NotificationStatus
from notifications.demo_messages import seed_citizen_messages, seed_staff_messages
from notifications.models import Notification


@pytest.mark.django_db
def test_demo_messages_are_idempotent_and_carry_the_given_dossier(
    django_capture_on_commit_callbacks,
):
    citizen = CitizenFactory()
    officer = StaffFactory(roles=[Role.RECEPTION_OFFICER])
    code, url = "000.00.80.H52-261207-0001", "https://portal.test/ho-so/000.00.80.H52-261207-0001/"
    staff_url = "https://portal.test/office/ho-so/3f1c/"
    with django_capture_on_commit_callbacks(execute=True):
        assert seed_citizen_messages(citizen=citizen, code=code, url=url) > 0
        assert seed_staff_messages(code=code, url=staff_url) > 0
    first = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert seed_citizen_messages(citizen=citizen, code=code, url=url) == 0
        assert seed_staff_messages(code=code, url=staff_url) == 0
    assert Notification.objects.count() == first
    inbox = Notification.objects.filter(recipient=citizen, channel=Channel.INBOX)
    assert inbox.count() == 3
    assert set(inbox.values_list("status", flat=True)) == {NotificationStatus.DELIVERED}
    assert {n.context["dossier_url"] for n in inbox} == {url}
    staff = Notification.objects.filter(recipient=officer)
    assert staff.exists()
    assert all(n.reference == code and n.context["dossier_url"] == staff_url for n in staff)
