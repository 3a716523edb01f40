from dataclasses import dataclass

import pytest

from accounts.tests.factories import CitizenFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory, CommuneFactory
from helpdesk.tests.factories import agency_officer, helpdesk_officer
from notifications.constants import Channel
from notifications.models import Notification


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str


class SmsOutbox:
    """The outbox rows of SMS to bare phone numbers (`notify_phone`), oldest first, as a list.

    `clear()` forgets what was written so far (rows stay in the database)."""

    def __init__(self) -> None:
        self.after = 0

    def _rows(self) -> list[SentSms]:
        rows = Notification.objects.filter(
            channel=Channel.SMS, recipient__isnull=True, pk__gt=self.after
        ).order_by("pk")
        return [SentSms(to=row.address, body=row.body) for row in rows]

    def __getitem__(self, index):
        return self._rows()[index]

    def __iter__(self):
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._rows())

    def clear(self) -> None:
        last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.after = last or 0


@pytest.fixture
def sms_outbox():
    """SMS to anonymous reporters, read from the notifications outbox (the delivery to the
    Twilio simulator is tested in test_otp and test_notify)."""
    return SmsOutbox()


@pytest.fixture
def no_virus_scan(settings):
    # Report photos go through documents' own checks; its ClamAV path is tested in documents.
    settings.VIRUS_SCANNER = "none"


@pytest.fixture
def commune(db):
    return CommuneFactory(name="Phường Tân Ninh", commune_code="25459")


@pytest.fixture
def other_commune(db):
    return CommuneFactory(name="Xã Dương Minh Châu", commune_code="25480")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="UBND phường Tân Ninh")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(name="Sở Xây dựng tỉnh Tây Ninh")


@pytest.fixture
def officer(db):
    return helpdesk_officer()


@pytest.fixture
def officer_client(client, officer):
    login_with_mfa(client, officer)
    return client


@pytest.fixture
def agency_staff(agency):
    return agency_officer(agency)


@pytest.fixture
def reporter(db):
    return CitizenFactory(full_name="Lê Thị Bí Mật")
