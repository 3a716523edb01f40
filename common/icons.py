"""Bootstrap Icons as inline SVG (ADR 0230): the `{% icon %}` tag and the page's sprite.

A full page (one rendered from `base.html`) collects the icons its templates use on the request
and ends its body with one hidden `<svg>` of `<symbol>`s; each icon is then a `<use>` of its
symbol. A response without that layout (an htmx partial, an e-mail, `render_to_string` without a
request) gets each icon drawn inline, so an icon never points at a symbol that is not there.
The shapes are read from the npm package (`node_modules/bootstrap-icons/icons`), once per process.
"""

import functools
import re
from html import escape

from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SVG = re.compile(r"<svg\b[^>]*>(?P<body>.*)</svg>", re.DOTALL)
# The attribute on the request that holds the icons a page's sprite must define (set by the layout).
_SPRITE = "_icon_sprite"


class UnknownIcon(ValueError):
    """A template names an icon that Bootstrap Icons does not have."""


@functools.lru_cache(maxsize=256)
def icon_shape(name: str) -> str:
    """The inner SVG (paths) of a Bootstrap icon, on a 16 × 16 view box."""
    if not _NAME.match(name):
        raise UnknownIcon(name)
    path = settings.NODE_MODULES / "bootstrap-icons" / "icons" / f"{name}.svg"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UnknownIcon(name) from None
    match = _SVG.search(text)
    if match is None:
        raise UnknownIcon(name)
    return " ".join(match.group("body").split())


def _classes(name: str, extra: str) -> str:
    return escape(" ".join(filter(None, ("bi", f"bi-{name}", extra))))


def collect_icons(request: HttpRequest | None) -> None:
    """Called by the layout before its body: icons of this request become `<use>` references."""
    if request is not None:
        setattr(request, _SPRITE, {})


def icon_html(name: str, request: HttpRequest | None, css_class: str = "") -> SafeString:
    """One decorative icon (`aria-hidden`; the text beside it says what it means)."""
    shape = icon_shape(name)
    classes = _classes(name, css_class)
    sprite: dict[str, str] | None = getattr(request, _SPRITE, None)
    if sprite is None:
        body = shape
    else:
        sprite[name] = shape
        body = f'<use href="#bi-{name}"></use>'
    return mark_safe(  # noqa: S308 — the name is checked against _NAME, the shape is the package's
        f'<svg class="{classes}" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
        f"{body}</svg>"
    )


def sprite_html(request: HttpRequest | None) -> SafeString:
    """The `<symbol>`s of every icon the page used so far (the layout calls it last)."""
    sprite: dict[str, str] = getattr(request, _SPRITE, None) or {}
    if not sprite:
        return SafeString("")
    symbols = "".join(
        f'<symbol id="bi-{name}" viewBox="0 0 16 16">{shape}</symbol>'
        for name, shape in sorted(sprite.items())
    )
    return mark_safe(  # noqa: S308 — names checked, shapes from the package
        f'<svg class="icon-sprite" aria-hidden="true" focusable="false">{symbols}</svg>'
    )
