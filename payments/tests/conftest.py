"""Payments tests run against the local simulator (protocol VNPay 2.1.0), on PostgreSQL."""

import pytest

# The documents app's signing fixtures (a dev CA made once per session, pdfsig with trust).
from documents.tests.conftest import dev_signing, key_pool, nss_trust_store, pdfsig  # noqa: F401
from payments.tests.constants import SECRET, TMN_CODE

# axe-core through the DevTools protocol (our CSP blocks the root fixture's inline script tag).


def _point_at(settings, base: str) -> None:
    settings.SITE_URL = base  # the simulator calls back only the portal's own address
    settings.PAYMENT_VNPAY_PAY_URL = f"{base}/thanh-toan/gia-lap/paymentv2/vpcpay.html"
    settings.PAYMENT_VNPAY_API_URL = f"{base}/thanh-toan/gia-lap/merchant_webapi/api/transaction"
    settings.PAYMENT_VNPAY_RETURN_URL = f"{base}/thanh-toan/vnpay/ket-qua/"
    settings.PAYMENT_SIMULATOR_IPN_URL = f"{base}/thanh-toan/vnpay/ipn/"


@pytest.fixture(autouse=True)
def _payments_settings(settings, tmp_path):
    settings.PAYMENT_VNPAY_ENABLED = False
    settings.PAYMENT_SIMULATOR_ENABLED = True
    settings.PAYMENT_VNPAY_TMN_CODE = TMN_CODE
    settings.PAYMENT_VNPAY_HASH_SECRET = SECRET
    settings.VIRUS_SCANNER = "none"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    _point_at(settings, "http://testserver")
    return settings


@pytest.fixture
def gateway(live_server, settings):
    """The simulator reached over real HTTP on the live server (pay page, IPN, querydr)."""
    _point_at(settings, live_server.url)
    return live_server
