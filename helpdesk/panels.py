"""Fragments other pages can show without importing helpdesk (registered where a page offers a
hook; see docs/helpdesk.md "For other apps")."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from common.shared_version import SharedVersion
from helpdesk import selectors

# Bumped after every commit that writes a question (helpdesk.apps connects the signals): the FAQ
# panel of every procedure page is kept under it. It follows the procedure page's own recheck
# (PROCEDURES_VERSION_RECHECK_SECONDS): the page and its panel go stale together.
FAQ_VERSION = SharedVersion(
    "helpdesk:faq:version", lambda: settings.PROCEDURES_VERSION_RECHECK_SECONDS
)
FAQ_PANEL_SECONDS = 24 * 3600


def procedure_faq_panel(*, procedure_code: str, limit: int = 5) -> str:
    """The published answers about one procedure, for its catalogue page ("" when none)."""
    questions = list(selectors.faq(procedure_code=procedure_code)[:limit])
    if not questions:
        return ""
    return render_to_string(
        "helpdesk/includes/_procedure_faq.html",
        {"questions": questions, "procedure_code": procedure_code},
    )


def procedure_faq_page_panel(*, request: HttpRequest, procedure: Any) -> str | None:
    """`procedure_faq_panel` as a `procedures.hooks.procedure_panels` panel, kept per FAQ
    version: the procedure page is served from the cache to anonymous visitors and its panels
    are rendered for each of them, so the panel must cost no query (ADR 0350)."""
    code = procedure.code
    parts = ("procedure-faq", code, get_language())
    html = FAQ_VERSION.cached(
        parts, lambda: procedure_faq_panel(procedure_code=code), FAQ_PANEL_SECONDS
    )
    return html or None


def faq_changed(sender: type, **kwargs: object) -> None:
    """A question was written or deleted: every FAQ panel goes stale after the commit."""
    if kwargs.get("raw"):  # loaddata
        return
    FAQ_VERSION.bump_on_commit()


def dossier_rating_panel(*, request: HttpRequest, dossier: Any) -> str | None:
    """The "rate this dossier" link for its applicant once the result is returned and not yet
    rated (the rules are `dossier_ratable_by`'s); None otherwise."""
    try:
        selectors.dossier_ratable_by(dossier_code=dossier.code, user=request.user)
    except ApplicationError:
        return None
    # Inline markup: helpdesk owns no template for it (see docs/helpdesk.md "For other apps").
    return format_html(
        '<section class="card mb-3" aria-labelledby="rating-panel-title"><div class="card-body">'
        '<h2 class="h5 card-title" id="rating-panel-title">{}</h2><p>{}</p>'
        '<a class="btn btn-outline-primary btn-sm" href="{}">{}'
        '<span class="visually-hidden"> {}</span></a></div></section>',
        _("Đánh giá việc giải quyết"),
        _("Hồ sơ đã trả kết quả. Ý kiến của bạn giúp cơ quan phục vụ tốt hơn."),
        reverse("helpdesk:dossier_rate", args=[dossier.code]),
        _("Đánh giá hồ sơ này"),
        dossier.code,
    )
