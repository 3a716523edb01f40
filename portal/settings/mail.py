"""E-mail transport: console by default, SMTP from `EMAIL_URL`."""

from portal.settings.core import env

EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ... as django-environ parses them.
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng DVC Tây Ninh <no-reply@tayninh.gov.vn>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[DVC Tây Ninh] "
