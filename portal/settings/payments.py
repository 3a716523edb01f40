"""Payments: the VNPay gateway (protocol 2.1.0), its local simulator, expiry and reconciliation
(docs/payments.md)."""

from django.core.exceptions import ImproperlyConfigured

from portal.settings.core import DEBUG, DEMO_MODE, SITE_URL, env, simulator_secret

# The real VNPay merchant. Off by default; when on, every value below is required (no defaults),
# so a missing secret stops the boot instead of failing at payment time.
PAYMENT_VNPAY_ENABLED = env.bool("PAYMENT_VNPAY_ENABLED", default=False)
# The local gateway simulator (/thanh-toan/gia-lap/): on by default only in DEBUG or DEMO_MODE
# without the real gateway (docs/adr/0210). Never alongside the real gateway in production.
PAYMENT_SIMULATOR_ENABLED = env.bool(
    "PAYMENT_SIMULATOR_ENABLED", default=DEMO_MODE and not PAYMENT_VNPAY_ENABLED
)
if PAYMENT_VNPAY_ENABLED and PAYMENT_SIMULATOR_ENABLED and not DEBUG:
    raise ImproperlyConfigured(
        "PAYMENT_SIMULATOR_ENABLED must be off when the real VNPay gateway is enabled in production"
    )
if PAYMENT_VNPAY_ENABLED:
    PAYMENT_VNPAY_TMN_CODE = env.str("PAYMENT_VNPAY_TMN_CODE")
    PAYMENT_VNPAY_HASH_SECRET = env.str("PAYMENT_VNPAY_HASH_SECRET")
    PAYMENT_VNPAY_PAY_URL = env.str("PAYMENT_VNPAY_PAY_URL")
    PAYMENT_VNPAY_API_URL = env.str("PAYMENT_VNPAY_API_URL")
    PAYMENT_VNPAY_RETURN_URL = env.str("PAYMENT_VNPAY_RETURN_URL")
else:
    PAYMENT_VNPAY_TMN_CODE = "TNSIM001"
    # The simulator's secret, per installation; without VNPay and its simulator there is none
    # and the IPN answers "not configured".
    PAYMENT_VNPAY_HASH_SECRET = (
        simulator_secret("vnpay_hash_secret") if PAYMENT_SIMULATOR_ENABLED else ""
    )
    PAYMENT_VNPAY_PAY_URL = f"{SITE_URL}/thanh-toan/gia-lap/paymentv2/vpcpay.html"
    PAYMENT_VNPAY_API_URL = f"{SITE_URL}/thanh-toan/gia-lap/merchant_webapi/api/transaction"
    PAYMENT_VNPAY_RETURN_URL = f"{SITE_URL}/thanh-toan/vnpay/ket-qua/"
# Where the simulator delivers its server-to-server IPN (the real VNPay is configured in its
# merchant portal instead).
PAYMENT_SIMULATOR_IPN_URL = env.str(
    "PAYMENT_SIMULATOR_IPN_URL", default=f"{SITE_URL}/thanh-toan/vnpay/ipn/"
)
PAYMENT_VNPAY_SERVER_IP = env.str("PAYMENT_VNPAY_SERVER_IP", default="127.0.0.1")
PAYMENT_VNPAY_TIMEOUT_SECONDS = env.float("PAYMENT_VNPAY_TIMEOUT_SECONDS", default=10.0)
PAYMENT_EXPIRE_MINUTES = env.int("PAYMENT_EXPIRE_MINUTES", default=15)
# Reconciliation: pending online payments older than this are asked about with querydr.
PAYMENT_RECONCILE_AFTER_MINUTES = env.int("PAYMENT_RECONCILE_AFTER_MINUTES", default=20)
PAYMENT_RECONCILE_EVERY_SECONDS = env.int("PAYMENT_RECONCILE_EVERY_SECONDS", default=300)
PAYMENT_DAILY_REPORT_HOUR = env.int("PAYMENT_DAILY_REPORT_HOUR", default=1)
# QĐ 766 indicator 3.6 code for payments through this portal: 2 = ministry/province portal.
PAYMENT_ONLINE_KIND = env.int("PAYMENT_ONLINE_KIND", default=2)
