"""Production settings for benchmarks, minus `collectstatic`: static files come from the finders.

Everything that shapes a dynamic request (DEBUG off, middleware, CSP, sessions, templates
cached) is as in production; only where WhiteNoise finds static files differs, which the
benchmarks do not measure.
"""

from portal.settings import *  # noqa: F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
# The load generators send cookies by these names over plain HTTP on 127.0.0.1.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
# The portal's URLs plus the baselines every figure is compared with (bench/urls.py).
ROOT_URLCONF = "bench.urls"
