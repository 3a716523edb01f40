import pytest

# The dev CA's signing keys (the agency signs an e-receipt in the paying journey), as in
# payments' own tests.
from documents.tests.conftest import dev_signing, key_pool  # noqa: F401


@pytest.fixture
def scanner_off(settings):
    """Uploads skip the virus scan (the documents app tests clamd itself with a real daemon)."""
    settings.VIRUS_SCANNER = "none"


@pytest.fixture
def world(db, scanner_off):
    from dossiers.tests.submission_helpers import make_world

    return make_world()
