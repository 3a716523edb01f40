"""The read-replica router (common/db_router.py): which reads go to `replica`, and when.

The multi-node drill (tests/drill/) proves the routing end to end with a real second alias and
a read-only connection; here the router's decisions are checked one by one."""

from django.contrib.sessions.models import Session

import pytest

from accounts.models import User
from common.db_router import REPLICA, ReplicaRouter, reads_from_replica, replica_reads
from dossiers.models import Dossier
from metrics.models import DailyFact

router = ReplicaRouter()
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(settings.DATABASES["default"])}


def test_without_a_replica_everything_stays_on_default(settings):
    assert REPLICA not in settings.DATABASES
    with replica_reads():
        assert router.db_for_read(DailyFact) is None


def test_statistics_reads_go_to_the_replica_only_inside_the_block(with_replica):
    assert router.db_for_read(DailyFact) is None
    with replica_reads():
        assert router.db_for_read(DailyFact) == REPLICA
        assert router.db_for_read(Dossier) == REPLICA
    assert router.db_for_read(Dossier) is None


def test_who_is_asking_is_always_read_on_the_primary(with_replica):
    with replica_reads():
        assert router.db_for_read(User) is None
        assert router.db_for_read(Session) is None


def test_writes_and_migrations_never_go_to_the_replica(with_replica):
    with replica_reads():
        assert router.db_for_write(DailyFact) == "default"
    assert router.allow_migrate(REPLICA, "metrics") is False
    assert router.allow_migrate("default", "metrics") is True


def test_the_view_decorator_scopes_reads_to_the_call(with_replica):
    seen = []

    @reads_from_replica
    def view():
        seen.append(router.db_for_read(DailyFact))
        return "ok"

    assert view() == "ok"
    assert seen == [REPLICA]
    assert router.db_for_read(DailyFact) is None


def test_statistics_and_exports_views_are_routed():
    from metrics import views as metrics_views
    from payments import views as payments_views

    for view in (
        metrics_views.dashboard,
        metrics_views.dossiers,
        metrics_views.export,
        metrics_views.public,
        metrics_views.public_export,
        payments_views.daily_report,
    ):
        assert _wrapped_by_replica(view), view.__name__


def _wrapped_by_replica(view) -> bool:
    while view is not None:
        if getattr(view, "__code__", None) is reads_from_replica(lambda: None).__code__:
            return True
        view = getattr(view, "__wrapped__", None)
    return False
