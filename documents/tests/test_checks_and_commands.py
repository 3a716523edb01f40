from django.core.management import call_command

import pytest

from documents import checks, devca


def test_no_scanner_is_an_error_when_debug_is_off(settings):
    settings.VIRUS_SCANNER = "none"
    settings.DEBUG = False
    assert [e.id for e in checks.virus_scanner_configured(None)] == ["documents.E002"]
    settings.DEBUG = True
    assert checks.virus_scanner_configured(None) == []


def test_unknown_scanner_is_an_error(settings):
    settings.VIRUS_SCANNER = "norton"
    assert [e.id for e in checks.virus_scanner_configured(None)] == ["documents.E001"]


def test_clamav_scanner_passes_the_check(settings):
    settings.VIRUS_SCANNER = "clamav"
    settings.DEBUG = False
    assert checks.virus_scanner_configured(None) == []


def test_system_check_framework_runs_the_scanner_check(settings):
    from django.core.checks import run_checks

    settings.VIRUS_SCANNER = "none"
    settings.DEBUG = False
    assert "documents.E002" in [e.id for e in run_checks()]


@pytest.mark.django_db
def test_create_dev_ca_writes_ca_agency_and_officer_files(tmp_path, settings, key_pool):
    from cryptography.hazmat.primitives.serialization import pkcs12

    from accounts.constants import Role
    from accounts.tests.factories import StaffFactory
    from agencies.constants import AgencyKind, AgencyLevel
    from agencies.models import Agency, StaffMembership

    settings.SIGNING_KEYS_PASSPHRASE = "doi-mat-khau"
    agency = Agency.objects.create(
        code="H56.20", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.PROVINCE
    )
    officer = StaffFactory(full_name="Võ Minh Đức")
    StaffMembership.objects.create(user=officer, agency=agency, role=Role.PROCESSING_OFFICER)
    call_command("create_dev_ca", "--output", str(tmp_path), "--all")
    assert (tmp_path / devca.CA_CERT).exists()
    assert (tmp_path / devca.CA_KEY).exists()
    agency_file = tmp_path / "agency-H56.20.p12"
    officer_file = tmp_path / f"officer-{officer.uuid}.p12"
    _key, cert, _cas = pkcs12.load_key_and_certificates(agency_file.read_bytes(), b"doi-mat-khau")
    assert "Sở Tư pháp" in cert.subject.rfc4514_string()
    assert devca.DEV_MARKER in cert.subject.rfc4514_string()
    assert officer_file.exists()
    assert oct(officer_file.stat().st_mode)[-3:] == "600"
    # A second run keeps the same CA.
    before = (tmp_path / devca.CA_CERT).read_bytes()
    call_command("create_dev_ca", "--output", str(tmp_path))
    assert (tmp_path / devca.CA_CERT).read_bytes() == before


@pytest.mark.django_db
def test_deploy_check_lists_agencies_that_cannot_sign(dev_signing):
    from agencies.tests.factories import AgencyFactory
    from documents.checks import agencies_can_sign
    from documents.signers.base import agency_key_label

    ready, waiting = AgencyFactory(name="Sở Tư pháp"), AgencyFactory(name="Phường Tân Ninh")
    dev_signing.issue(
        path=dev_signing.folder / f"{agency_key_label(ready)}.p12",
        common_name=ready.name,
        organisation=ready.name,
    )
    (warning,) = agencies_can_sign(None)
    assert warning.id == "documents.W002"
    assert f"{waiting.code} Phường Tân Ninh" in warning.msg
    assert ready.code not in warning.msg


@pytest.mark.django_db
def test_demo_data_gives_every_agency_a_key_not_only_staffed_ones(dev_signing, settings, tmp_path):
    import io

    from agencies.tests.factories import AgencyFactory
    from documents import demo
    from documents.selectors import agencies_without_signing_key

    settings.SIGNING_KEYS_DIR = tmp_path / "demo-keys"
    settings.SIGNING_KEYS_DIR.mkdir()
    AgencyFactory(name="Phường Tân Ninh")  # no staff, but it takes fees at its desk
    assert agencies_without_signing_key()
    demo.seed(io.StringIO())
    assert agencies_without_signing_key() == []
