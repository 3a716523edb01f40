"""Claims from the national identity mapped onto the profile; `acr` mapped to levels 1 and 2."""

import datetime as dt

import pytest

from accounts.constants import AssuranceLevel
from accounts.identity import selectors
from accounts.identity.claims import assurance_level_from_acr, claims_parse
from accounts.identity.services import identity_sign_in_record
from accounts.models import CitizenProfile
from accounts.tests.factories import CitizenFactory


@pytest.mark.parametrize(
    ("acr", "level"),
    [
        ("urn:vneid:loa:2", AssuranceLevel.LEVEL_2),
        ("urn:vneid:loa:1", AssuranceLevel.LEVEL_1),
        ("", AssuranceLevel.LEVEL_1),
        (None, AssuranceLevel.LEVEL_1),
        ("something-else", AssuranceLevel.LEVEL_1),
    ],
)
def test_acr_maps_to_levels(acr, level):
    assert assurance_level_from_acr(acr) == level


def test_standard_claims_fill_the_profile_fields():
    claims = claims_parse(
        {
            "name": " Hồ Thị Mai ",
            "birthdate": "1990-05-17",
            "gender": "female",
            "national_id": "080190001234",
            "phone_number": "0912 345 678",
            "email": "Mai@Example.vn",
            "address": {"street_address": "Ấp 3", "locality": "Tây Ninh"},
        }
    )
    assert claims.full_name == "Hồ Thị Mai"
    assert claims.date_of_birth == dt.date(1990, 5, 17)
    assert claims.gender == "female"
    assert claims.id_number == "080190001234"
    assert claims.phone == "0912345678"
    assert claims.email == "mai@example.vn"
    assert claims.address == "Ấp 3, Tây Ninh"


def test_invalid_id_number_or_date_is_dropped_not_stored():
    claims = claims_parse({"national_id": "080185001234", "birthdate": "1990-05-17"})
    assert claims.id_number == ""  # the 5th–6th digits say 1985, the birth date says 1990
    assert claims_parse({"birthdate": "17/05/1990"}).date_of_birth is None


def test_claim_names_follow_the_setting(settings):
    settings.VNEID_CLAIMS = {"full_name": "ho_ten", "id_number": "so_dinh_danh"}
    claims = claims_parse({"ho_ten": "Đỗ Văn Hùng", "so_dinh_danh": "080090001111"})
    assert (claims.full_name, claims.id_number) == ("Đỗ Văn Hùng", "080090001111")


@pytest.mark.django_db
def test_level_two_sign_in_satisfies_a_level_two_procedure():
    user = CitizenFactory()
    assert not selectors.assurance_satisfies(user=user, required=AssuranceLevel.LEVEL_2)
    identity_sign_in_record(
        user=user,
        issuer="https://vneid.example",
        claims={"sub": "s-2", "acr": "urn:vneid:loa:2", "name": "Đỗ Văn Hùng"},
    )
    assert selectors.assurance_satisfies(user=user, required=AssuranceLevel.LEVEL_2)
    profile = CitizenProfile.objects.get(user=user)
    assert profile.full_name == "Đỗ Văn Hùng"
    user.refresh_from_db()
    assert user.full_name == "Đỗ Văn Hùng"


@pytest.mark.django_db
def test_id_number_held_by_another_account_is_not_copied():
    other = CitizenFactory()
    CitizenProfile.objects.filter(user=other).update(id_number="080190001234")
    user = CitizenFactory()
    identity_sign_in_record(
        user=user,
        issuer="https://vneid.example",
        claims={"sub": "s-3", "national_id": "080190001234", "birthdate": "1990-05-17"},
    )
    assert CitizenProfile.objects.get(user=user).id_number is None


def test_step_up_url_asks_the_provider_for_level_two(settings):
    url = selectors.step_up_login_url(next_url="/ho-so/nop/")
    assert url.startswith("/accounts/oidc/vneid/login/?")
    assert "acr_values%3Durn%3Avneid%3Aloa%3A2" in url


@pytest.mark.django_db
def test_callback_is_not_found_when_the_national_identity_is_off(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert (
        client.get("/dinh-danh/oidc/vneid/callback/", {"code": "x", "state": "y"}).status_code
        == 404
    )
    page = client.get("/dinh-danh/dang-nhap/").content.decode()
    assert "chưa được bật" in page
