"""Templates per event × channel × language: files by default, admin overrides in the database.

Files: `notifications/templates/notifications/<channel>/<event>.<lang>.txt`, each with a `body`
partial and, for e-mail and the inbox, a `subject` partial. An active `MessageTemplate` row for
the same key replaces the file. Messages are plain text; the e-mail's HTML part is the text set in
`notifications/email/_layout.html`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template, TemplateSyntaxError, engines
from django.template.base import Node, VariableNode
from django.template.defaulttags import ForNode, WithNode
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.constants import CHANNELS_WITH_SUBJECT, EVENTS, Channel
from notifications.sms import sms_segments, strip_diacritics


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    html: str = ""
    sms_segments: int = 0


def template_name(*, event: str, channel: str, language: str) -> str:
    return f"notifications/{channel}/{event}.{language}.txt"


def _django_engine():
    return engines["django"].engine  # type: ignore[attr-defined]


def _render_source(source: str, context: dict) -> str:
    return Template(source, engine=_django_engine()).render(Context(context, autoescape=False))


def _render_file_part(name: str, part: str, context: dict) -> str:
    template = _django_engine().get_template(f"{name}#{part}")
    return template.render(Context(context, autoescape=False))


def _override(*, event: str, channel: str, language: str):
    # Local import: breaks the cycle
    # notifications.rendering → notifications.models → notifications.rendering.
    from notifications.models import MessageTemplate

    return MessageTemplate.objects.filter(
        event=event, channel=channel, language=language, is_active=True
    ).first()


# Placeholders holding an amount of money: formatted for the message's language before rendering
# ("50.000 đồng" / "50,000 VND"), so templates and admin overrides write just {{ amount }}.
MONEY_PLACEHOLDERS = frozenset({"amount"})


def _localised(context: dict, language: str) -> dict:
    from common.money import format_vnd_lenient  # the one money format (the `vnd` filter)

    money = MONEY_PLACEHOLDERS & context.keys()
    if not money:
        return context
    return {**context, **{k: format_vnd_lenient(context[k], language=language) for k in money}}


def render_message(
    *,
    event: str,
    channel: str,
    language: str,
    context: dict,
    use_overrides: bool = True,
    overrides: dict | None = None,
) -> RenderedMessage:
    """`overrides` ({(channel, language): MessageTemplate}) saves the lookup when the caller
    already loaded the event's active overrides."""
    if not use_overrides:
        override = None
    elif overrides is not None:
        override = overrides.get((channel, language))
    else:
        override = _override(event=event, channel=channel, language=language)
    context = _localised(context, language)
    with translation.override(language):
        if override is not None:
            subject = _render_source(override.subject, context) if override.subject else ""
            body = _render_source(override.body, context)
        else:
            name = template_name(event=event, channel=channel, language=language)
            subject = (
                _render_file_part(name, "subject", context)
                if channel in CHANNELS_WITH_SUBJECT
                else ""
            )
            body = _render_file_part(name, "body", context)
        subject = " ".join(subject.split())  # a subject is one line
        body = body.strip()
        html = ""
        segments = 0
        if channel == Channel.EMAIL:
            html = render_to_string(
                "notifications/email/_layout.html",
                {
                    "subject": subject,
                    "body": body,
                    "language": language,
                    "portal_name": settings.PORTAL_NAME,
                    "site_url": settings.SITE_URL,
                },
            )
        elif channel == Channel.SMS:
            if settings.NOTIFICATIONS_SMS_WITHOUT_DIACRITICS:
                body = strip_diacritics(body)
            segments = sms_segments(body)
    return RenderedMessage(subject=subject, body=body, html=html, sms_segments=segments)


def _variables(nodelist, bound: frozenset[str] = frozenset()) -> set[str]:
    """Top-level names a template reads, minus names bound by {% for %} / {% with %}."""
    names: set[str] = set()
    for node in nodelist:
        names |= _node_variables(node, bound)
    return names


def _node_variables(node: Node, bound: frozenset[str]) -> set[str]:
    names: set[str] = set()
    if isinstance(node, VariableNode):
        var = node.filter_expression.var
        lookups = getattr(var, "lookups", None)
        if lookups and lookups[0] not in bound:
            names.add(lookups[0])
        return names
    inner_bound = bound
    if isinstance(node, ForNode):
        seq_lookups = getattr(getattr(node.sequence, "var", None), "lookups", None)
        if seq_lookups and seq_lookups[0] not in bound:
            names.add(seq_lookups[0])
        inner_bound = bound | frozenset(node.loopvars) | {"forloop"}
    elif isinstance(node, WithNode):
        inner_bound = bound | frozenset(node.extra_context)
    for attr in node.child_nodelists:
        child = getattr(node, attr, None)
        if child:
            names |= _variables(child, inner_bound)
    return names


def placeholders_in(source: str) -> set[str]:
    return _variables(Template(source, engine=_django_engine()).nodelist)


def check_template(*, event: str, channel: str, subject: str, body: str) -> None:
    """Raise ValidationError for a syntax error or a placeholder the event does not provide."""
    allowed = set(EVENTS[event].placeholders)
    errors: dict[str, list[str]] = {}
    for field_name, source in (("subject", subject), ("body", body)):
        if not source:
            continue
        try:
            unknown = placeholders_in(source) - allowed
        except TemplateSyntaxError as exc:
            errors.setdefault(field_name, []).append(
                _("Lỗi cú pháp mẫu: %(error)s") % {"error": exc}
            )
            continue
        if unknown:
            errors.setdefault(field_name, []).append(
                _("Biến không có trong sự kiện này: %(unknown)s. Biến được dùng: %(allowed)s.")
                % {"unknown": ", ".join(sorted(unknown)), "allowed": ", ".join(sorted(allowed))}
            )
    if channel in CHANNELS_WITH_SUBJECT and not subject.strip():
        errors.setdefault("subject", []).append(_("Kênh này cần tiêu đề."))
    if errors:
        raise ValidationError(errors)
