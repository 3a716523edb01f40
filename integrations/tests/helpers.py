"""Dossiers moved through the real transition service (never placed by hand)."""

from __future__ import annotations

from typing import Any

from dossiers.constants import Actor, DossierStatus
from dossiers.models import Dossier
from dossiers.services import dossier_submit, dossier_transition
from dossiers.tests.factories import Cast, make_draft


def submitted(cast: Cast, **kwargs: Any) -> Dossier:
    dossier = make_draft(cast, **kwargs)
    dossier_submit(dossier=dossier, by=cast.citizen, role=Actor.CITIZEN)
    dossier.refresh_from_db()
    return dossier


def receive(dossier: Dossier, cast: Cast) -> Dossier:
    dossier_transition(
        dossier=dossier,
        to=DossierStatus.RECEIVED,
        by=cast.staff[Actor.RECEPTION_OFFICER],
        role=Actor.RECEPTION_OFFICER,
    )
    dossier.refresh_from_db()
    return dossier
