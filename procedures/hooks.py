"""Hooks higher apps register with, so procedures never imports them (ARCHITECTURE: doors).

* `PanelRegistry`: a page that gathers what several apps know about one object (a procedure, a
  dossier) takes panels that higher apps register. A panel is a callable
  `(*, request, <object>) -> str | None`: its rendered HTML, or None (or "") when it has nothing
  to show. Panels render in ascending `order`, then by key. Dossiers reuses this class for its
  own page.

* `procedure_panels`: panels on the public procedure page, called as
  `panel(request=request, procedure=procedure)`. Register in `AppConfig.ready()`:

      from procedures.hooks import procedure_panels

      @procedure_panels.register("helpdesk", order=50)
      def _faq(*, request, procedure):
          return procedure_faq_panel(procedure_code=procedure.code)

  A panel that raises is logged and left out, so one app's fault does not take the page down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from common.registry import Registry

logger = logging.getLogger(__name__)

Panel = Callable[..., str | None]


class PanelRegistry(Registry[Panel]):
    """Panels by key, each with an order; `render` returns the HTML of those with something to show."""

    def __init__(self, kind: str, *, subject: str) -> None:
        super().__init__(kind)
        self.subject = subject  # the keyword the panel receives its object by
        self._orders: dict[str, int] = {}

    def register(self, key: str, *, order: int = 100) -> Callable[[Panel], Panel]:
        add = super().register(key)

        def decorator(panel: Panel) -> Panel:
            add(panel)
            self._orders[key] = order
            return panel

        return decorator

    def unregister(self, key: str) -> None:
        """For tests that register a panel of their own."""
        self._items.pop(key, None)
        self._orders.pop(key, None)

    def ordered(self) -> list[tuple[str, Panel]]:
        return sorted(self.items(), key=lambda item: (self._orders.get(item[0], 100), item[0]))

    def render(self, *, request: HttpRequest, obj: Any) -> list[SafeString]:
        """The HTML of every panel that has something to show, in order. Panels render through
        templates (autoescaped), so their output is trusted as HTML."""
        rendered: list[SafeString] = []
        for key, panel in self.ordered():
            try:
                html = panel(request=request, **{self.subject: obj})
            except Exception:
                logger.exception("%s %r failed", self.kind, key)
                continue
            if html:
                rendered.append(mark_safe(html))  # noqa: S308 - template output, see docstring
        return rendered


procedure_panels = PanelRegistry("procedure panel", subject="procedure")
