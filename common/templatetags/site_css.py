"""The portal's stylesheet: `css/site.css` when `npm run build` has made it (ADR 0232), else
Bootstrap's full file and the portal's own, as before the build existed (a checkout where the
build has not run yet still looks right)."""

import functools

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

BUILT = "css/site.css"
UNBUILT = ("vendor/bootstrap/css/bootstrap.min.css", "css/portal.css")
# The page stylesheets that the built file already holds (frontend/build.mjs).
IN_BUILT = frozenset({"procedures/procedures.css"})


@functools.lru_cache(maxsize=1)
def site_css_built() -> bool:
    return bool(finders.find(BUILT))


@register.simple_tag
def site_stylesheet_urls() -> list[str]:
    return [static(path) for path in ((BUILT,) if site_css_built() else UNBUILT)]


@register.simple_tag
def site_stylesheets() -> SafeString:
    return format_html_join(
        "\n", '<link rel="stylesheet" href="{}">', ((url,) for url in site_stylesheet_urls())
    )


@register.simple_tag
def page_stylesheet(path: str) -> SafeString:
    """A page's own stylesheet, or nothing when the built site.css includes it."""
    if site_css_built() and path in IN_BUILT:
        return SafeString("")
    return format_html('<link rel="stylesheet" href="{}">', static(path))
