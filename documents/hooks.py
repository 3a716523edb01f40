"""Hooks higher apps register with, so documents never imports them.

* `withheld_documents`: documents another app holds back from their owner for now. dossiers
  withholds a result until it is issued (docs/adr/0212). A withholder is called as
  `withholder(user=user)` (that user's and their organisations' documents) or
  `withholder(document_uuid=uuid)` (is this one withheld) and returns a set of document uuids.
  Register in `AppConfig.ready()`:

      from documents.hooks import withheld_documents

      withheld_documents.register("dossiers.results")(results_withheld)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from common.registry import Registry

Withholder = Callable[..., set[uuid.UUID]]
withheld_documents: Registry[Withholder] = Registry("document withholder")


def withheld_for(*, user: Any) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for _key, withholder in withheld_documents.items():
        found |= withholder(user=user)
    return found


def is_withheld(document_uuid: Any) -> bool:
    return any(
        withholder(document_uuid=document_uuid) for _key, withholder in withheld_documents.items()
    )
