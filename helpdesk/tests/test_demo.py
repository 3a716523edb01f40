import io

import pytest

from helpdesk.models import FieldReport, Question

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_runs_the_whole_loop(sms_outbox):
    from accounts import demo as accounts_demo
    from agencies import demo as agencies_demo
    from helpdesk import demo

    accounts_demo.seed(io.StringIO())
    agencies_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    statuses = sorted(FieldReport.objects.values_list("status", flat=True))
    assert statuses == ["assigned", "new", "published"]
    assert Question.objects.get().status == "published"
