"""Settings for the test suite: the real settings module, fed test defaults.

Tests run on PostgreSQL and Redis (the URLs below are the defaults; `make test` passes its own).
Only what makes tests fast and deterministic is overridden here.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# A site URL where nothing listens: the simulators' addresses derive from it, so a test that wants
# a delivery starts a live server and says so, and a developer's `make run` on :8000 cannot answer.
os.environ.setdefault("SITE_URL", "http://127.0.0.1:9")
# Uploads in tests are not scanned unless a test starts its own clamd (documents/tests do).
os.environ.setdefault("VIRUS_SCANNER", "none")
# The local simulators stand in for the gateways we cannot reach (their real protocol runs).
# With DEBUG off they run only in DEMO_MODE, set here explicitly (docs/adr/0210).
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault("PAYMENT_SIMULATOR_ENABLED", "true")
_media = os.environ.get("TEST_MEDIA_ROOT", "/tmp/portal-test-media")  # noqa: S108
# The cache keys of this test process carry a prefix of their own, and clearing the cache (every
# test does) deletes only those (portal/testing_cache.py): another pytest process on the same
# Redis database no longer wipes this one's entries in the middle of a test. Set in the
# environment so that the processes a test starts share it.
os.environ.setdefault("CACHE_KEY_PREFIX", f"test-{os.getpid()}")
os.environ.setdefault("SIMULATOR_SECRETS_FILE", os.path.join(_media, "simulator-secrets.json"))

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test starts a real worker (see tests/conftest.py `celery_worker`).
CELERY_TASK_ALWAYS_EAGER = True
# Each pytest-xdist worker gets its own Redis database for the cache (and its own key prefix,
# above): tests clear the cache, which must not wipe another worker's rate-limit counters mid-test.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker and REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    _base_db = int((_parts.path or "/0").lstrip("/") or 0)
    _db = (_base_db + 1 + int(_xdist_worker.removeprefix("gw"))) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_parts._replace(path=f"/{_db}"))  # noqa: F405
if REDIS_URL:  # noqa: F405
    CACHES["default"]["BACKEND"] = "portal.testing_cache.PrefixClearedRedisCache"  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests change the catalogue and flush the cache between two requests of the same process: the
# catalogue version is read on every request (procedures/tests/test_page_cache.py tests the memory).
PROCEDURES_VERSION_RECHECK_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"  # the __Host- prefix needs Secure (see settings/security.py)
CSRF_COOKIE_NAME = "csrftoken"
# One media folder per xdist worker: files, keys and caches written there must not be shared.
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/portal-test-media")) / (  # noqa: F405,S108
    _xdist_worker or "main"
)
STORAGES["default"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": MEDIA_ROOT},
}
# Development signing keys made by tests live with the worker's media, not in the checkout.
SIGNING_KEYS_DIR = MEDIA_ROOT / "signing-keys"
VNEID_SIMULATOR_KEY_PATH = MEDIA_ROOT / "identity-simulator" / "key.pem"
