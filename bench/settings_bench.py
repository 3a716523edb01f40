"""Production settings for benchmarks, plus the baselines of `bench/urls.py`.

Everything that shapes a dynamic request (DEBUG off, middleware, CSP, sessions, templates
cached) is as in production. Static files: with BENCH_STATIC_ROOT set (bench_pages before
Lighthouse runs `collectstatic` into it) they are served as in production, hashed and
compressed by WhiteNoise; without it they come from the finders (no `collectstatic` needed for
the benchmarks that do not measure them).
"""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
else:
    STORAGES["staticfiles"] = {  # noqa: F405
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    WHITENOISE_USE_FINDERS = True
# The load generators send cookies by these names over plain HTTP on 127.0.0.1.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
# The portal's URLs plus the baselines every figure is compared with (bench/urls.py).
ROOT_URLCONF = "bench.urls"
