"""Helpers shared by the browser tests: a signed-up citizen."""

import pytest


@pytest.fixture
def verified_citizen(transactional_db):
    """A citizen whose e-mail is verified, so allauth lets them sign in with the real form."""
    from allauth.account.models import EmailAddress

    from accounts.tests.factories import DEFAULT_PASSWORD, CitizenFactory

    user = CitizenFactory(email="cong.dan@example.vn", full_name="Trần Thị Demo")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.test_password = DEFAULT_PASSWORD
    return user
