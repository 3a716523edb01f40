"""Files: static files (front-end packages from npm), the media root and the storage backend."""

from pathlib import Path
from typing import Any

from portal.settings.core import BASE_DIR, DEBUG, env

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm (package.json + lock) at build time; never a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),  # the helpdesk's report map
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),  # the metrics dashboards
]
# `npm run build` (after `npm ci`) writes css/site.css there: Bootstrap from its Sass sources and
# the portal's CSS, trimmed to the classes in use (frontend/build.mjs, ADR 0232). Not committed.
BUILD_STATIC = BASE_DIR / "build" / "static"
if BUILD_STATIC.is_dir():
    STATICFILES_DIRS.append(BUILD_STATIC)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: files go through views that check who asks
AWS_STORAGE_BUCKET_NAME = env.str("S3_BUCKET", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="") or None
    AWS_ACCESS_KEY_ID = env.str("S3_ACCESS_KEY_ID", default="")
    AWS_SECRET_ACCESS_KEY = env.str("S3_SECRET_ACCESS_KEY", default="")
    AWS_S3_REGION_NAME = env.str("S3_REGION", default="") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    # A file read back (to serve, sign or scan) stays in memory up to this size instead of a
    # temporary file on the node's disk: nodes keep nothing of their own (ADR 0241).
    AWS_S3_MAX_MEMORY_SIZE = 16 * 1024 * 1024
    DEFAULT_STORAGE: dict[str, Any] = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES: dict[str, dict[str, Any]] = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Seconds a browser keeps a static file before asking again. WhiteNoise's default is 0 with DEBUG
# on: every page of `make run` revalidated its static files through runserver, which made an
# officer's page load wait on the server again; `make run` sets 60 (portal/embedded.py).
WHITENOISE_MAX_AGE = env.int("STATIC_MAX_AGE", default=0 if DEBUG else 60)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
