from io import StringIO

from django.contrib.auth.models import Group
from django.urls import reverse

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt

from accounts import demo
from accounts.constants import STAFF_ROLES, Role
from accounts.models import CitizenProfile, User
from accounts.selectors import user_has_role
from accounts.services import role_assign, roles_ensure
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import current_totp_code, post_login, session_user_id
from accounts.validators import validate_id_number

pytestmark = pytest.mark.django_db


def test_roles_ensure_is_idempotent():
    first = roles_ensure()
    second = roles_ensure()
    assert set(first) == {role.value for role in Role}
    assert first == second
    assert Group.objects.count() == len(Role)


def test_role_assign_creates_the_groups_lazily():
    Group.objects.all().delete()
    user = UserFactory()
    role_assign(user=user, role=Role.RECORDS_CLERK)
    assert user_has_role(user=user, role=Role.RECORDS_CLERK)
    assert Group.objects.count() == len(Role)


def test_seed_is_idempotent_and_covers_every_role():
    out = StringIO()
    first = demo.seed(out)
    second = demo.seed(out)

    assert first == second
    assert [login.email for login in first][: len(Role)] == [demo.demo_email(role) for role in Role]
    assert User.objects.filter(email__endswith="@demo.tayninh.gov.vn").count() == len(Role)
    assert Authenticator.objects.filter(type="totp").count() == len(STAFF_ROLES)
    for role in Role:
        user = User.objects.get(email=demo.demo_email(role))
        assert user_has_role(user=user, role=role)
        assert user.check_password("Demo@2026")
    assert "congdan@demo.tayninh.gov.vn" in [login.email for login in first]
    admin = User.objects.get(email=demo.demo_email(Role.SYSTEM_ADMIN))
    assert admin.is_superuser
    assert admin.is_staff
    profile = CitizenProfile.objects.get(user__email="congdan@demo.tayninh.gov.vn")
    validate_id_number(profile.id_number, profile.date_of_birth)
    staff_logins = [login for login in first if login.totp_secret]
    assert len(staff_logins) == len(STAFF_ROLES)
    assert "TOTP secret: " in str(staff_logins[0])
    for login in staff_logins:  # the printed secret is the one stored, run after run
        stored = Authenticator.objects.get(user__email=login.email, type="totp")
        assert decrypt(stored.data["secret"]) == login.totp_secret
    assert "accounts: 11 demo users" in out.getvalue()


def test_demo_organisation_has_its_representatives_and_the_elderly_citizen_a_phone():
    from accounts.identity.mandates import organisations_represented
    from accounts.models import Organisation

    demo.seed()
    organisation = Organisation.objects.get(tax_code=demo.DEMO_ORGANISATION["tax_code"])
    citizen = User.objects.get(email="congdan@demo.tayninh.gov.vn")
    accountant = User.objects.get(email=f"ketoan@{demo.PEOPLE_DOMAIN}")
    for person in (citizen, accountant):
        assert list(organisations_represented(user=person)) == [organisation]
    elderly = CitizenProfile.objects.get(user__email=f"caotuoi@{demo.PEOPLE_DOMAIN}")
    validate_id_number(elderly.id_number)
    assert elderly.phone


def test_the_elderly_citizen_has_authorised_the_community_helper_by_sms_code():
    from accounts.identity.constants import ConsentMethod
    from accounts.identity.mandates import mandate_active_for
    from accounts.models import Mandate

    demo.seed()
    demo.seed()  # run after run: still one mandate
    elderly = User.objects.get(email=f"caotuoi@{demo.PEOPLE_DOMAIN}")
    helper = User.objects.get(email="tocongnghe@demo.tayninh.gov.vn")
    mandate = Mandate.objects.get(principal=elderly)
    assert (mandate.agent, mandate.consent_method) == (helper, ConsentMethod.SMS_CODE)
    assert mandate_active_for(agent=helper, principal=elderly, procedure_code="1.004222")


def test_demo_citizen_and_demo_officer_can_sign_in(client):
    logins = {login.email: login for login in demo.seed()}

    assert post_login(client, "congdan@demo.tayninh.gov.vn", "Demo@2026").status_code == 302
    assert session_user_id(client) is not None
    client.logout()

    officer = logins["tiepnhan@demo.tayninh.gov.vn"]
    assert post_login(client, officer.email, officer.password).url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": current_totp_code(officer.totp_secret)})
    assert client.get(reverse("accounts:profile")).status_code == 200
