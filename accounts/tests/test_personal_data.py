import json

from django.urls import reverse

import pytest

from accounts import personal_data
from accounts.models import OrganisationRepresentative
from accounts.services import profile_update
from accounts.tests.factories import CitizenFactory, OrganisationFactory
from common.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/du-lieu-cua-toi.json"


def download(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_url_is_stable():
    assert reverse("accounts:personal_data") == URL


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_download_holds_own_data_only_and_is_audited(client):
    me, other = CitizenFactory(full_name="Lê Văn Tám"), CitizenFactory(full_name="Trần Thị Bảy")
    profile_update(user=me, data={"id_number": "072090001234", "full_name": "Lê Văn Tám"})
    profile_update(user=other, data={"id_number": "079185000111", "full_name": "Trần Thị Bảy"})
    company = OrganisationFactory(name="Công ty TNHH Mía Đường Tây Ninh")
    OrganisationRepresentative.objects.create(organisation=company, user=me, title="Giám đốc")
    OrganisationRepresentative.objects.create(
        organisation=OrganisationFactory(name="Hợp tác xã Bảy"), user=other
    )
    client.force_login(me)

    data = download(client)

    sections = data["sections"]
    assert data["subject"] == str(me.uuid)
    assert sections["account"]["email"] == me.email
    assert sections["account"]["roles"] == ["citizen"]
    assert sections["profile"]["id_number"] == "072090001234"
    assert [o["organisation"]["name"] for o in sections["organisations"]] == [company.name]
    assert "profile.update" in [e["action"] for e in sections["audit_events"]]
    text = json.dumps(data, ensure_ascii=False)
    for foreign in (other.email, "Trần Thị Bảy", "079185000111", "Hợp tác xã Bảy", str(other.uuid)):
        assert foreign not in text
    event = AuditEvent.objects.get(action="personal_data.export")
    assert event.actor == me
    assert event.object_id == str(me.uuid)
    assert event.data == {"sections": list(sections)}
    assert event.ip_address == "127.0.0.1"


def test_the_second_download_lists_the_first_export(client, citizen):
    client.force_login(citizen)
    download(client)
    events = download(client)["sections"]["audit_events"]
    assert "personal_data.export" in [e["action"] for e in events]


def test_other_apps_add_sections_through_the_registry(client, citizen):
    def helpdesk_questions(user):
        return [{"asker": user.email, "question": "Hỏi về thủ tục khai sinh"}]

    personal_data.register("test_questions", helpdesk_questions)
    try:
        client.force_login(citizen)
        section = download(client)["sections"]["test_questions"]
    finally:
        personal_data.sections._items.pop("test_questions")
    assert section == [{"asker": citizen.email, "question": "Hỏi về thủ tục khai sinh"}]


def test_a_section_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="already registered"):
        personal_data.register("profile", lambda user: None)
