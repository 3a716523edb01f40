import re
from pathlib import Path

from django.core.exceptions import ValidationError

import pytest

from notifications.constants import ALL_CHANNELS, EVENTS, LANGUAGES, Channel, Event
from notifications.models import MessageTemplate
from notifications.rendering import check_template, placeholders_in, render_message, template_name

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
CASES = [(e, c, lang) for e in EVENTS for c in ALL_CHANNELS for lang in LANGUAGES]


@pytest.mark.django_db
@pytest.mark.parametrize(("event", "channel", "language"), CASES)
def test_every_event_channel_language_renders(event, channel, language):
    sample = EVENTS[event].sample
    rendered = render_message(event=event, channel=channel, language=language, context=sample)

    assert rendered.body.strip()
    assert "{{" not in rendered.body
    assert "{%" not in rendered.body
    # Each declared value that the template uses shows up in the text, unescaped.
    source = (
        TEMPLATES / template_name(event=event, channel=channel, language=language)
    ).read_text()
    for name in placeholders_in(source):
        value = sample[name]
        if isinstance(value, str):
            assert value in rendered.body or value in rendered.subject, name
    if channel in (Channel.EMAIL, Channel.INBOX):
        assert rendered.subject
        assert "\n" not in rendered.subject
    if channel == Channel.EMAIL:
        assert rendered.html.startswith("<!DOCTYPE html>")
        assert f'lang="{language}"' in rendered.html
    if channel == Channel.SMS:
        assert rendered.sms_segments >= 1


@pytest.mark.parametrize(("event", "channel", "language"), CASES)
def test_file_templates_use_only_declared_placeholders(event, channel, language):
    source = (
        TEMPLATES / template_name(event=event, channel=channel, language=language)
    ).read_text()
    used = placeholders_in(source)
    assert used, "a template without any placeholder is suspicious"
    assert used <= set(EVENTS[event].placeholders)


def test_vietnamese_templates_carry_diacritics():
    source = (
        TEMPLATES / template_name(event=Event.DOSSIER_RECEIVED, channel="email", language="vi")
    ).read_text()
    assert "Đã tiếp nhận hồ sơ" in source


def test_check_template_rejects_unknown_placeholder_and_bad_syntax():
    with pytest.raises(ValidationError) as unknown:
        check_template(
            event=Event.DOSSIER_RECEIVED, channel="sms", subject="", body="Hồ sơ {{ ma_ho_so }}"
        )
    assert "ma_ho_so" in str(unknown.value)
    with pytest.raises(ValidationError) as syntax:
        check_template(event=Event.DOSSIER_RECEIVED, channel="sms", subject="", body="{% if %}")
    assert "cú pháp" in str(syntax.value)
    with pytest.raises(ValidationError):
        check_template(
            event=Event.DOSSIER_RECEIVED, channel="email", subject="", body="{{ due_date }}"
        )
    # Loop variables are not placeholders.
    check_template(
        event=Event.STAFF_DAILY_DIGEST,
        channel="sms",
        subject="",
        body="{% for i in items %}{{ i }}{% endfor %}",
    )


@pytest.mark.django_db
def test_admin_override_replaces_the_file_template():
    MessageTemplate.objects.create(
        event=Event.DOSSIER_RECEIVED,
        channel="sms",
        language="vi",
        body="Mới: {{ dossier_code }} hạn {{ due_date }}",
    )
    rendered = render_message(
        event=Event.DOSSIER_RECEIVED,
        channel="sms",
        language="vi",
        context=EVENTS[Event.DOSSIER_RECEIVED].sample,
    )
    assert rendered.body == "Mới: 000.00.80.H52-260315-0007 hạn 20/03/2026"


@pytest.mark.django_db
def test_override_model_validates_placeholders():
    template = MessageTemplate(
        event=Event.PAYMENT_DUE, channel="sms", language="vi", body="{{ so_tien }}"
    )
    with pytest.raises(ValidationError):
        template.full_clean()


def test_text_is_not_html_escaped():
    rendered = render_message(
        event=Event.DOSSIER_REFUSED,
        channel="sms",
        language="vi",
        context={**EVENTS[Event.DOSSIER_REFUSED].sample, "reason": "Thiếu tờ khai & ảnh <3x4>"},
        use_overrides=False,
    )
    assert "Thiếu tờ khai & ảnh <3x4>" in rendered.body
    html = render_message(
        event=Event.DOSSIER_REFUSED,
        channel="email",
        language="vi",
        context={**EVENTS[Event.DOSSIER_REFUSED].sample, "reason": "<script>x</script>"},
        use_overrides=False,
    ).html
    assert "<script>x" not in html
    assert "&lt;script&gt;" in html


def test_every_event_has_templates_for_every_channel_and_language():
    files = {
        p.relative_to(TEMPLATES / "notifications").as_posix() for p in TEMPLATES.rglob("*.txt")
    }
    expected = {f"{c}/{e}.{lang}.txt" for e in EVENTS for c in ALL_CHANNELS for lang in LANGUAGES}
    assert expected <= files
    assert not re.search(
        r"\bTODO\b", "".join((TEMPLATES / "notifications" / f).read_text() for f in expected)
    )
