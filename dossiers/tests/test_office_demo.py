"""`dossiers/demo.py`: the demo officers find work in their queues, made through the services."""

import io

import pytest

from accounts.constants import Role
from accounts.demo import demo_email
from accounts.models import User
from dossiers import selectors as sel
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from notifications.models import Notification

S = DossierStatus


@pytest.mark.django_db
def test_demo_dossiers_fill_the_demo_queues_and_seeding_twice_adds_nothing(settings):
    from accounts import demo as accounts_demo
    from agencies import demo as agencies_demo
    from dossiers import demo
    from procedures import demo as procedures_demo

    settings.VIRUS_SCANNER = "none"
    out = io.StringIO()
    for module in (accounts_demo, agencies_demo, procedures_demo, demo):
        module.seed(out)
    assert "9 demo dossiers created" in out.getvalue()
    statuses = sorted(
        Dossier.objects.filter(form_data__has_key="demo_key").values_list("status", flat=True)
    )
    assert statuses == sorted(status for _key, status, _name in demo.DEMO_DOSSIERS)

    def officer(role):
        return User.objects.get(email=demo_email(role))

    counts = sel.queue_counts(officer(Role.RECEPTION_OFFICER))
    assert counts["tiep-nhan"] == 2
    assert counts["chuyen-xu-ly"] == 1
    assert counts["tra-ket-qua"] == 1
    assert counts["bo-sung"] == 1
    head = sel.queue_counts(officer(Role.AGENCY_HEAD))
    assert head["cho-phan-cong"] == 1
    assert head["cho-phe-duyet"] == 1
    assert head["cho-ky"] == 1
    assert sel.queue_counts(officer(Role.PROCESSING_OFFICER))["cua-toi"] == 1
    # Every demo dossier has a real history (submission and each step are events).
    signing = Dossier.objects.get(form_data__demo_key="cho-ky")
    assert signing.events.filter(kind="transition").count() == 6

    # No system key among the form rows an officer reads (issue #20: "demo_key moi-2").
    new = Dossier.objects.get(form_data__demo_key="moi-2")
    assert all("demo_key" not in str(label) for label, _v in sel.form_rows(dossier=new))
    # The seeded messages are about demo dossiers that exist, and link to them.
    seeded = Notification.objects.filter(
        recipient__email__in=[demo_email(r) for r in Role], context__has_key="dossier_code"
    )
    assert seeded.count() > 0
    for message in seeded:
        dossier = Dossier.objects.get(code=message.context["dossier_code"])
        url = message.context["dossier_url"]
        assert dossier.code in url or str(dossier.uuid) in url, url
    written = seeded.count()

    again = io.StringIO()
    demo.seed(again)
    assert "0 demo dossiers created, 9 present" in again.getvalue()
    assert seeded.count() == written
