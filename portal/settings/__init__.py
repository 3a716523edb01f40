"""The one settings entry (`DJANGO_SETTINGS_MODULE=portal.settings`), one module per concern.

Every deploy-dependent value comes from the environment. With no variable set the portal runs on
the *embedded default*: SQLite (WAL), Celery tasks in-process (or, under `make run`, on a worker
beside the server over a broker of files, ADR 0201), console e-mail and SMS, local file storage
and the payment simulator. `.env.example` lists every variable;
`tests/test_settings_env.py` keeps that list true for every module of this package.

Each setting is defined in exactly one module, and a module imports by name what it reads from
another (`DEBUG`, `SITE_URL`, `DEMO_MODE`, `MEDIA_ROOT` from `core` and `files`), so the order of
the imports below does not matter. `celery` holds the one beat schedule and `security` builds the
one Content Security Policy from the origins the other concerns declare. See docs/settings.md.
"""

from portal.settings.accounts import *  # noqa: F403
from portal.settings.celery import *  # noqa: F403
from portal.settings.core import *  # noqa: F403
from portal.settings.data import *  # noqa: F403
from portal.settings.documents import *  # noqa: F403
from portal.settings.dossiers import *  # noqa: F403
from portal.settings.files import *  # noqa: F403
from portal.settings.helpdesk import *  # noqa: F403
from portal.settings.identity import *  # noqa: F403
from portal.settings.integrations import *  # noqa: F403
from portal.settings.mail import *  # noqa: F403
from portal.settings.metrics import *  # noqa: F403
from portal.settings.notifications import *  # noqa: F403
from portal.settings.payments import *  # noqa: F403
from portal.settings.security import *  # noqa: F403
