"""National identity sign-in against a real OpenID Connect provider (npm oidc-provider)."""

import pytest

from accounts.constants import AssuranceLevel, Role
from accounts.models import CitizenProfile, NationalIdentity, User
from accounts.tests import oidc as oidc_helpers
from accounts.tests.oidc import CITIZEN_CLAIMS, full_sign_in

pytestmark = pytest.mark.django_db
# Fixtures shared with other national-identity tests.
oidc_provider = oidc_helpers.oidc_provider
vneid = oidc_helpers.vneid


def test_first_sign_in_creates_a_verified_citizen(client, vneid):
    response = full_sign_in(client, "tuyet")

    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(email=CITIZEN_CLAIMS["email"])
    assert client.session["_auth_user_id"] == str(user.pk)
    identity = NationalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (vneid.issuer, "tuyet")
    profile = CitizenProfile.objects.get(user=user)
    assert profile.full_name == "Trần Thị Ánh Tuyết"
    assert profile.id_number == "080190001234"
    assert str(profile.date_of_birth) == "1990-05-17"
    assert profile.permanent_address.startswith("Số 12, ấp Long Hòa")
    assert profile.verified_at is not None
    assert profile.assurance_level == AssuranceLevel.LEVEL_1
    assert set(user.groups.values_list("name", flat=True)) == {Role.CITIZEN}


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_second_sign_in_reuses_the_account_and_records_each_assurance(client, vneid):
    full_sign_in(client, "tuyet")
    client.logout()
    response = full_sign_in(client, "tuyet")

    assert response.status_code == 302
    assert User.objects.filter(email=CITIZEN_CLAIMS["email"]).count() == 1
    identity = NationalIdentity.objects.get(subject="tuyet")
    assert identity.assurance_records.count() == 2
    assert _signed_in_user_id(client) == str(identity.user_id)


def test_sign_in_audits_method_and_address(client, vneid):
    from common.models import AuditEvent

    full_sign_in(client, "tuyet")
    linked = AuditEvent.objects.get(action="identity.linked")
    assert linked.ip_address == "127.0.0.1"
    assert linked.data["assurance_level"] == 1
    assert "id_number" in linked.data["profile_fields"]
    assert AuditEvent.objects.filter(action="account.login", actor=linked.actor).exists()


# --- an existing account is never taken over -------------------------------------------------


def test_same_email_does_not_sign_in_to_the_local_account(client, vneid):
    from accounts.tests.factories import CitizenFactory

    owner = CitizenFactory(email="chu.tai.khoan@example.vn")

    response = full_sign_in(client, "clash")

    assert response.status_code == 409
    assert "Liên kết" in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert not NationalIdentity.objects.exists()
    assert User.objects.count() == 1
    assert User.objects.get() == owner


def test_same_id_number_does_not_sign_in_to_the_local_account(client, vneid):
    from accounts.tests.factories import CitizenFactory

    owner = CitizenFactory(email="khac@example.vn")
    CitizenProfile.objects.filter(user=owner).update(id_number="080185004321")

    response = full_sign_in(client, "clash")

    assert response.status_code == 409
    assert _signed_in_user_id(client) is None
    assert not NationalIdentity.objects.exists()


def test_owner_links_the_identity_explicitly_after_signing_in(client, vneid):
    from accounts.tests.factories import CitizenFactory
    from accounts.tests.oidc import login_with_password

    owner = CitizenFactory(email="chu.tai.khoan@example.vn")
    login_with_password(client, owner)

    response = full_sign_in(client, "clash", process="connect")

    assert response.status_code == 302, response.content[:1000]
    identity = NationalIdentity.objects.get()
    assert identity.user == owner
    owner.profile.refresh_from_db()
    assert owner.profile.verified_at is not None
    assert owner.profile.id_number == "080185004321"
    # From now on the national sign-in opens that account.
    client.logout()
    full_sign_in(client, "clash")
    assert _signed_in_user_id(client) == str(owner.pk)


def test_linking_refused_when_the_profile_holds_another_id_number(client, vneid):
    from accounts.tests.factories import CitizenFactory
    from accounts.tests.oidc import login_with_password

    owner = CitizenFactory(email="chu.tai.khoan@example.vn")
    CitizenProfile.objects.filter(user=owner).update(id_number="080190009999")
    login_with_password(client, owner)

    response = full_sign_in(client, "clash", process="connect")

    assert response.status_code == 409
    assert not NationalIdentity.objects.exists()


def test_an_identity_linked_to_someone_cannot_be_linked_to_another(client, vneid):
    from accounts.tests.factories import CitizenFactory
    from accounts.tests.oidc import link_identity, login_with_password

    first, second = CitizenFactory(), CitizenFactory()
    link_identity(first, issuer=vneid.issuer, subject="clash")
    login_with_password(client, second)

    full_sign_in(client, "clash", process="connect")

    assert list(NationalIdentity.objects.values_list("user_id", flat=True)) == [first.pk]
    from allauth.socialaccount.models import SocialAccount

    assert not SocialAccount.objects.filter(user=second).exists()


# --- tampering with the flow -----------------------------------------------------------------


def _provider_redirect(client, login="tuyet"):
    from accounts.tests.oidc import callback_path, provider_sign_in, start_login

    return callback_path(provider_sign_in(start_login(client), login))


def _assert_nobody_signed_in(client, response):
    assert response.status_code in (400, 401, 403), response.status_code
    assert _signed_in_user_id(client) is None
    assert not User.objects.exists()
    assert not NationalIdentity.objects.exists()


def test_callback_without_state_fails(client, vneid):
    path, query = _provider_redirect(client)
    query.pop("state")
    _assert_nobody_signed_in(client, client.get(path, query))


def test_callback_with_another_browsers_state_fails(client, vneid):
    from django.test import Client

    path, query = _provider_redirect(client)
    attacker = Client()
    _assert_nobody_signed_in(attacker, attacker.get(path, query))
    assert _signed_in_user_id(client) is None


def test_replayed_code_fails(client, vneid):
    from accounts.models import AssuranceRecord
    from accounts.tests.oidc import start_login

    path, query = _provider_redirect(client)
    assert client.get(path, query).status_code == 302
    client.logout()

    # Same code and state again: the state was used up.
    response = client.get(path, query)
    assert response.status_code in (400, 401, 403)
    assert _signed_in_user_id(client) is None
    # A fresh state with the old code: the provider refuses the code.
    start_login(client)
    fresh_state = next(iter(client.session["socialaccount_states"]))
    response = client.get(path, {**query, "state": fresh_state})
    assert response.status_code in (400, 401, 403)
    assert _signed_in_user_id(client) is None
    assert AssuranceRecord.objects.count() == 1  # only the first, genuine sign-in


def test_missing_pkce_verifier_fails_at_the_provider(client, vneid):
    path, query = _provider_redirect(client)
    session = client.session
    states = session["socialaccount_states"]
    states[query["state"]][0].pop("pkce_code_verifier")
    session["socialaccount_states"] = states
    session.save()
    _assert_nobody_signed_in(client, client.get(path, query))


def test_tampered_nonce_fails(client, vneid):
    path, query = _provider_redirect(client)
    session = client.session
    states = session["socialaccount_states"]
    states[query["state"]][0]["nonce"] = "not-the-nonce-we-sent"
    session["socialaccount_states"] = states
    session.save()
    _assert_nobody_signed_in(client, client.get(path, query))


def test_id_token_signed_by_another_key_fails(client, vneid, monkeypatch):
    """The real provider's token, checked against a key set it was not signed with."""
    from accounts.identity.tokens import jwks_fetch
    from accounts.tests.test_identity_tokens import make_key

    _, other_jwks = make_key()

    def same_kid_other_key(uri):
        real = jwks_fetch(uri)
        return {"keys": [{**k, "n": other_jwks["keys"][0]["n"]} for k in real["keys"]]}

    monkeypatch.setattr("accounts.identity.provider.jwks_fetch", same_kid_other_key)
    path, query = _provider_redirect(client)
    _assert_nobody_signed_in(client, client.get(path, query))


def test_allauths_own_callback_cannot_complete_a_national_sign_in(client, vneid):
    """allauth's callback skips our nonce and signature checks: the adapter refuses it."""
    _path, query = _provider_redirect(client)
    response = client.get("/accounts/oidc/vneid/login/callback/", query)
    _assert_nobody_signed_in(client, response)


# --- logout ends the provider session ---------------------------------------------------------


def test_logout_sends_the_browser_to_the_provider_with_id_token_hint(client, vneid):
    from urllib.parse import parse_qs, urlparse

    full_sign_in(client, "tuyet")
    id_token = client.session["national_identity_id_token"]

    response = client.post("/dinh-danh/dang-xuat/")

    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{vneid.issuer}/session/end"
    params = parse_qs(target.query)
    assert params["id_token_hint"] == [id_token]
    assert params["post_logout_redirect_uri"] == ["http://testserver/"]
    assert _signed_in_user_id(client) is None


# --- staff: the national sign-in never skips MFA -----------------------------------------------


def test_staff_with_totp_must_enter_the_code_after_national_sign_in(client, vneid):
    from accounts.tests.factories import StaffFactory, give_totp
    from accounts.tests.oidc import link_identity

    staff = StaffFactory(email="vneid.canbo@example.vn")
    give_totp(staff)
    link_identity(staff, issuer=vneid.issuer, subject="staff")

    response = full_sign_in(client, "staff")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    assert _signed_in_user_id(client) is None


def test_staff_without_totp_is_sent_to_set_it_up_before_any_page(client, vneid):
    from accounts.tests.factories import StaffFactory
    from accounts.tests.oidc import link_identity

    staff = StaffFactory(email="vneid.canbo@example.vn")
    link_identity(staff, issuer=vneid.issuer, subject="staff")
    full_sign_in(client, "staff")

    response = client.get("/dinh-danh/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
