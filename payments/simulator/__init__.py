"""A local VNPay 2.1.0 gateway simulator: the bank-like payment page, the browser return, the
server-to-server IPN and the querydr/refund API. Written apart from `providers.vnpay` (its own
signing code) so that a mistake in one side is caught by the other.

On with `PAYMENT_SIMULATOR_ENABLED` (the embedded default in DEBUG and the tests); refused at boot
next to the real gateway in production (see portal/settings.py)."""
