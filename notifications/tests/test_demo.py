import io

import pytest

from accounts.constants import Role
from accounts.tests.factories import CitizenFactory, StaffFactory
from notifications import demo
from notifications.constants import Channel, NotificationStatus
from notifications.models import Notification


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_fills_the_inbox(django_capture_on_commit_callbacks):
    citizen = CitizenFactory()
    StaffFactory(roles=[Role.RECEPTION_OFFICER])
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(io.StringIO())
    first = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(io.StringIO())
    assert Notification.objects.count() == first > 0
    inbox = Notification.objects.filter(recipient=citizen, channel=Channel.INBOX)
    assert inbox.count() == 3
    assert set(inbox.values_list("status", flat=True)) == {NotificationStatus.DELIVERED}
