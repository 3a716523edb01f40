"""Issue #26: in English mode the inbox showed Vietnamese titles. An inbox message is shown in
the reader's language (its row keeps what was sent); a legal notice as it was issued."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

import pytest

from accounts.tests.factories import CitizenFactory
from notifications import services
from notifications.constants import Channel, Event
from notifications.models import Notification
from notifications.tests.factories import sample_context

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_vietnamese():
    """A request in English leaves English active in this thread (LocaleMiddleware activates,
    nothing deactivates): later tests must not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _inbox_row(user, event):
    services.notify(
        event=event,
        recipient=user,
        context=sample_context(event),
        reference="HS-1",
        channels=[Channel.INBOX],
    )
    return Notification.objects.get(recipient=user, channel=Channel.INBOX, event=event)


def test_the_inbox_speaks_the_readers_language(client, django_capture_on_commit_callbacks):
    user = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=True):
        row = _inbox_row(user, Event.DOSSIER_RECEIVED)
    assert row.language == "vi"
    client.force_login(user)
    vietnamese = client.get(reverse("notifications:inbox")).content.decode()
    assert row.subject in vietnamese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("notifications:inbox")).content.decode()
    assert row.subject not in english
    assert 'lang="en">Dossier ' in english
    detail = client.get(reverse("notifications:detail", args=[row.uuid])).content.decode()
    assert "has received your dossier" in detail
    # a legal notice: the text that was sent, the one that counts, is on the page too
    assert row.legal
    assert f'<p class="fw-semibold mb-1">{row.subject}</p>' in detail
    sent = row.subject
    row.refresh_from_db()
    assert (row.language, row.subject) == ("vi", sent)  # what was sent stays as it was


def test_a_one_time_code_is_never_rendered_again(client, django_capture_on_commit_callbacks):
    from notifications.constants import SENSITIVE_EVENTS

    user = CitizenFactory()
    row = Notification.objects.create(
        event=next(iter(SENSITIVE_EVENTS)),
        channel=Channel.INBOX,
        recipient=user,
        language="vi",
        subject="Mã xác thực",
        body="Mã của bạn là 123456",
        status="delivered",
    )
    client.force_login(user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert f'lang="vi">{row.subject}' in page
