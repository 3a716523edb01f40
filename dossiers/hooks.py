"""Hooks higher apps register with, so dossiers never imports them (ARCHITECTURE: doors).

Every dossier event has two phases (ADR 0180, `dossiers.services.events`):

* `dossier_event_participants`: called INSIDE the transaction that wrote the event, with the
  `DossierEvent` itself, right after it. A participant writes rows only — never the network —
  (the citizen's notice into the notification outbox, payments' charge, integrations' sync
  mark); they commit or roll back with the event, so a crash after commit loses none of them.
  A participant that raises rolls the whole change back. Register in `AppConfig.ready()`:

      from dossiers.hooks import dossier_event_participants

      dossier_event_participants.register("payments")(charge_on_dossier_event)

* `dossier_event_listeners`: called AFTER commit with the event's id, for work that touches the
  network (queue the National Portal push, queue a form's issuance). The fast path is
  `on_commit(robust=True)` (one failing is logged and does not stop the others); the safe path
  is the periodic `dossier_listeners_sweep`, which hands each listener every event past its
  cursor. A listener is therefore called at least once per event and must be idempotent.

* `dossier_agency_scopes`: extra agencies whose staff may see a dossier and record facts on its
  history (a consultation reply, an inter-agency task done) besides the receiving and competent
  agencies; they never change its status (`dossier_actor_agency(routed=True)` only). A scope
  returns agency primary keys for `(dossier, role)`.

* `dossier_panels`: panels on the citizen's dossier page (payments: fees and receipts;
  helpdesk: "rate this dossier"). A panel is called as `panel(request=request, dossier=dossier)`
  and returns its HTML, or None when it has nothing to show; panels render by `order`:

      from dossiers.hooks import dossier_panels

      dossier_panels.register("payments", order=10)(dossier_payment_panel)

  The registry class is procedures' `PanelRegistry` (a lower layer, so dossiers may use it).

* `confirmation_panels`: panels on the page the citizen sees right after submitting, same
  shape (payments: the amount due and "Thanh toán ngay", so paying is part of the journey).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from common.registry import Registry
from procedures.hooks import PanelRegistry

DossierEventParticipant = Callable[[Any], None]
DossierEventListener = Callable[[int], None]
AgencyScope = Callable[[Any, str], Iterable[int]]

dossier_event_participants: Registry[DossierEventParticipant] = Registry(
    "dossier event participant"
)
dossier_event_listeners: Registry[DossierEventListener] = Registry("dossier event listener")
dossier_agency_scopes: Registry[AgencyScope] = Registry("dossier agency scope")
dossier_panels = PanelRegistry("dossier panel", subject="dossier")
confirmation_panels = PanelRegistry("confirmation panel", subject="dossier")

# --- office (back office) ---
# `office_panels`: panels on the OFFICER's dossier page (`/office/ho-so/<uuid>/`), same shape as
# `dossier_panels`: `panel(request=request, dossier=dossier)` → HTML or None, rendered by `order`.
# The page is staff-only and already scoped to the officer's agencies; a panel shows what the
# officer needs (payments: charges and receipts; integrations: National Portal sync state).
office_panels = PanelRegistry("office panel", subject="dossier")
# --- end office ---
