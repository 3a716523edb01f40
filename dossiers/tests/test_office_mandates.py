"""The counter revokes a mandate for a citizen who comes in person (ADR 0360): found by the ID
number on their card, confirmed on a second page, revoked through `mandate_revoke` (audited, both
people told). The helper's loss of access is walked in tests/security/test_revoked_mandate.py."""

from __future__ import annotations

from django.urls import reverse

import pytest

from accounts.constants import Role
from accounts.identity.constants import MandateStatus
from accounts.models import CitizenProfile, Mandate
from accounts.tests.factories import CitizenFactory, active_mandate, login_with_mfa
from common.models import AuditEvent
from dossiers.constants import Actor as A
from dossiers.tests.factories import make_cast
from notifications.models import Notification

pytestmark = pytest.mark.django_db

ID_NUMBER = "072190001234"


@pytest.fixture
def world():
    cast = make_cast()
    principal = CitizenFactory(full_name="Trần Thị Cao Niên")
    CitizenProfile.objects.filter(user=principal).update(id_number=ID_NUMBER)
    helper = CitizenFactory(full_name="Lê Văn Hỗ Trợ", roles=[Role.CITIZEN, Role.COMMUNITY_HELPER])
    mandate = active_mandate(principal=principal, agent=helper, procedure_codes=["1.001"])
    return cast, principal, helper, mandate


def _list(client, id_number=ID_NUMBER):
    """The search posts the number; the list it redirects to carries no number in its URL."""
    response = client.post(reverse("office:mandates"), {"id_number": id_number}, follow=True)
    assert all(id_number not in url for url, _status in response.redirect_chain)
    return response


def _revoke_url(mandate):
    return reverse("office:mandate_revoke", kwargs={"uuid": mandate.uuid})


def test_the_reception_officer_finds_confirms_and_revokes(client, world):
    cast, principal, helper, mandate = world
    officer = cast.staff[A.RECEPTION_OFFICER]
    login_with_mfa(client, officer)
    page = _list(client).content.decode()
    assert "Lê Văn Hỗ Trợ" in page
    assert "1.001" in page
    assert _revoke_url(mandate) in page

    confirm = client.get(_revoke_url(mandate))
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.content.decode()
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ACTIVE  # the GET is only the confirmation step

    response = client.post(_revoke_url(mandate), follow=True)
    assert response.redirect_chain[-1][0] == reverse("office:mandates")  # none left to list
    assert "Đã thu hồi ủy quyền của Trần Thị Cao Niên cho Lê Văn Hỗ Trợ." in (
        response.content.decode()
    )
    mandate.refresh_from_db()
    assert (mandate.status, mandate.revoked_by) == (MandateStatus.REVOKED, officer)
    event = AuditEvent.objects.get(action="mandate.revoked", object_id=str(mandate.uuid))
    assert event.actor == officer
    assert event.data["principal"] == str(principal.uuid)
    assert event.data["agent"] == str(helper.uuid)
    # Both people are told, each that the counter did it.
    for person in (principal, helper):
        notice = Notification.objects.get(
            recipient=person, event="mandate_revoked", channel="inbox"
        )
        assert "Bộ phận Một cửa" in notice.body
    # No longer listed; a second POST (a double click) changes nothing and says so.
    assert "Lê Văn Hỗ Trợ" not in _list(client).content.decode()
    again = client.post(_revoke_url(mandate), follow=True)
    assert "Ủy quyền này không còn hiệu lực." in again.content.decode()
    assert AuditEvent.objects.filter(action="mandate.revoked").count() == 1


def test_the_id_number_is_an_exact_match(client, world):
    cast, *_rest, mandate = world
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    for other in ("072190001235", ID_NUMBER[:11]):
        response = _list(client, other)
        assert response.status_code == 200
        assert _revoke_url(mandate) not in response.content.decode()
    unknown = _list(client, "072190001235").content.decode()
    assert "Không có ủy quyền nào còn hiệu lực do người có số định danh này cho." in unknown


def test_only_mandates_that_can_still_act_are_listed(client, world):
    cast, principal, _helper, mandate = world
    import datetime as dt

    expired = active_mandate(
        principal=principal,
        agent=CitizenFactory(),
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    pending = active_mandate(principal=principal, agent=CitizenFactory())
    Mandate.objects.filter(pk=pending.pk).update(status=MandateStatus.PENDING_AGENT)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    page = _list(client).content.decode()
    assert _revoke_url(mandate) in page
    assert _revoke_url(expired) not in page
    assert _revoke_url(pending) not in page


@pytest.mark.parametrize("who", ["processing", "citizen", "helper"])
def test_others_are_refused_and_nothing_changes(client, world, who):
    cast, principal, helper, mandate = world
    user = {
        "processing": cast.staff[A.PROCESSING_OFFICER],
        "citizen": principal,
        "helper": helper,
    }[who]
    if who == "processing":
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    assert _list(client).status_code == 403
    assert client.get(_revoke_url(mandate)).status_code == 403
    assert client.post(_revoke_url(mandate)).status_code == 403
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ACTIVE


def test_anonymous_goes_to_sign_in_and_an_unknown_mandate_is_404(client, world):
    cast, *_rest, mandate = world
    response = client.post(_revoke_url(mandate))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    unknown = reverse("office:mandate_revoke", kwargs={"uuid": CitizenFactory().uuid})
    assert client.get(unknown).status_code == 404


def test_the_workspace_links_a_reception_officer_to_the_page(client, world):
    cast = world[0]
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    assert reverse("office:mandates") in client.get(reverse("office:workspace")).content.decode()


def test_after_a_revocation_the_citizens_other_mandates_are_listed(client, world):
    cast, principal, _helper, mandate = world
    relative = CitizenFactory(full_name="Trần Văn Người Thân")
    active_mandate(principal=principal, agent=relative)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.post(_revoke_url(mandate), follow=True)
    assert response.redirect_chain[-1][0] == reverse("office:mandates")  # the number not in it
    page = response.content.decode()
    assert "Trần Văn Người Thân" in page
    assert _revoke_url(mandate) not in page
