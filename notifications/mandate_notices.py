"""The notices of a mandate's life (ADR 0301): the person who must act next, or who should
know, gets it in the portal inbox and by their channels, with a link to the mandates page where
they accept, confirm or revoke. Registered with `accounts.identity.hooks.mandate_listeners`, so it
runs inside the mandate's transaction and writes outbox rows there (sent after commit).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.identity.constants import ConsentMethod
from accounts.models import Mandate, User
from common.links import site_url
from notifications.constants import Event
from notifications.selectors import preference_for
from notifications.services import notify


def _recipients(action: str, mandate: Mandate, actor: User) -> tuple[str, list[User]] | None:
    """Which notice goes to whom after `action`; None when nobody needs one."""
    principal, agent = mandate.principal, mandate.agent
    if action == "mandate.offered":  # the citizen offered: the person named must accept
        return Event.MANDATE_OFFERED, [agent]
    if action == "mandate.requested":
        # By SMS code the request *is* the code the citizen reads out; no second message.
        if mandate.consent_method == ConsentMethod.SMS_CODE:
            return None
        return Event.MANDATE_REQUESTED, [principal]
    if action == "mandate.accepted":
        return Event.MANDATE_IN_FORCE, [principal]
    if action == "mandate.confirmed":
        # Confirmed by code, the helper was there: the citizen gets the record, and the link
        # to revoke it, on their own phone.
        if mandate.consent_method == ConsentMethod.SMS_CODE:
            return Event.MANDATE_IN_FORCE, [principal]
        return Event.MANDATE_IN_FORCE, [agent]
    if action == "mandate.created":  # recorded at the counter from the signed paper
        return Event.MANDATE_IN_FORCE, [principal, agent]
    if action == "mandate.refused":
        return Event.MANDATE_REFUSED, [principal]
    if action == "mandate.declined":
        return Event.MANDATE_REFUSED, [agent]
    if action == "mandate.revoked":
        return Event.MANDATE_REVOKED, [u for u in (principal, agent) if u.pk != actor.pk]
    return None


def mandate_notice(action: str, mandate: Mandate, actor: User) -> None:
    chosen = _recipients(action, mandate, actor)
    if chosen is None:
        return
    event, recipients = chosen
    context = {
        "principal_name": mandate.principal.get_full_name(),
        "agent_name": mandate.agent.get_full_name(),
        "mandate_url": site_url("identity:mandates"),
    }
    if event == Event.MANDATE_REVOKED:
        context["revoked_by_name"] = actor.get_full_name()
    for recipient in recipients:  # each their own name in "Kính gửi …"
        own = {"citizen_name": recipient.get_full_name()}
        if event == Event.MANDATE_REVOKED and actor.pk not in (
            mandate.principal_id,
            mandate.agent_id,
        ):
            own["revoked_by_name"] = _revoked_at_counter(actor, recipient)
        notify(
            event=event,
            recipient=recipient,
            context={**context, **own},
            reference=str(mandate.uuid),
        )


def _revoked_at_counter(officer: User, recipient: User) -> str:
    """An officer revoked it for the citizen who came in person (ADR 0360): the notice says the
    counter did, in the recipient's language, so neither person mistakes the officer's name for
    someone they know."""
    with translation.override(preference_for(user=recipient).language):
        return _("Bộ phận Một cửa (cán bộ %(name)s)") % {"name": officer.get_full_name()}
