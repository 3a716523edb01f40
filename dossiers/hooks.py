"""Hooks higher apps register with, so dossiers never imports them (ARCHITECTURE: doors).

* `dossier_event_listeners`: called after commit with the id of every `DossierEvent` written
  (notifications queue messages, integrations sync the National Portal). Register in
  `AppConfig.ready()`:

      from dossiers.hooks import dossier_event_listeners

      @dossier_event_listeners.register("notifications")
      def _on_dossier_event(event_id: int) -> None:
          notify_dossier_event_task.delay(event_id)

  Listeners run one by one after the transaction commits; one failing is logged and does not
  stop the others (`on_commit(robust=True)`), and nothing runs for a rolled-back change.

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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from common.registry import Registry
from procedures.hooks import PanelRegistry

DossierEventListener = Callable[[int], None]
AgencyScope = Callable[[Any, str], Iterable[int]]

dossier_event_listeners: Registry[DossierEventListener] = Registry("dossier event listener")
dossier_agency_scopes: Registry[AgencyScope] = Registry("dossier agency scope")
dossier_panels = PanelRegistry("dossier panel", subject="dossier")

# --- office (back office) ---
# `office_panels`: panels on the OFFICER's dossier page (`/office/ho-so/<uuid>/`), same shape as
# `dossier_panels`: `panel(request=request, dossier=dossier)` → HTML or None, rendered by `order`.
# The page is staff-only and already scoped to the officer's agencies; a panel shows what the
# officer needs (payments: charges and receipts; integrations: National Portal sync state).
office_panels = PanelRegistry("office panel", subject="dossier")
# --- end office ---
