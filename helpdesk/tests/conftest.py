import pytest

from accounts.tests.factories import CitizenFactory, login_with_mfa
from agencies.tests.factories import AgencyFactory, CommuneFactory
from helpdesk import sms
from helpdesk.tests.factories import agency_officer, helpdesk_officer


@pytest.fixture
def sms_outbox(settings):
    """SMS kept in memory (the Twilio-simulator path is tested on its own in test_otp)."""
    settings.HELPDESK_SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


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
