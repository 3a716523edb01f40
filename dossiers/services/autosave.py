"""Autosave (ADR 0310): what the citizen types on a step, kept as typed beside the validated
answers (`Dossier.draft_typed`) until the step is saved with "Lưu và tiếp tục"."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import ApplicationError
from dossiers.constants import AUTOSAVE_STEPS, DraftStep
from dossiers.models import Dossier
from dossiers.services.drafts import _locked_draft

# A typed answer is at most this long (the longest field takes 2,000 characters)...
AUTOSAVE_MAX_CHARS = 4000
# ...and a step has at most this many: a form posted by a person never comes near it.
AUTOSAVE_MAX_FIELDS = 200


@transaction.atomic
def draft_typed_save(
    *, dossier: Dossier, by: User, step: DraftStep, values: dict[str, str]
) -> Dossier:
    """Keep what the citizen typed on `step`, as typed: no validation (that waits for "Lưu và
    tiếp tục"), so a half-typed date or ID number is never refused nor lost. The caller passes
    only the step form's own fields. Not an audit event: the draft is the citizen's own until
    it is submitted, like the step saves."""
    if step not in AUTOSAVE_STEPS:
        raise ApplicationError(_("Bước này không tự động lưu."), code="invalid")
    locked = _locked_draft(dossier, by)
    kept = {
        str(key)[:100]: str(value)[:AUTOSAVE_MAX_CHARS]
        for key, value in list(values.items())[:AUTOSAVE_MAX_FIELDS]
    }
    locked.draft_typed = {**(locked.draft_typed or {}), step.value: kept}
    locked.save(update_fields=["draft_typed", "updated_at"])
    return locked
