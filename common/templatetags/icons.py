"""`{% icon "search" %}`, `{% icon_sprite_start %}` and `{% icon_sprite %}` (see common.icons)."""

from django import template
from django.utils.safestring import SafeString

from common.icons import collect_icons, icon_html, sprite_html

register = template.Library()


@register.simple_tag(takes_context=True)
def icon(context: template.Context, name: str, css_class: str = "") -> SafeString:
    """A decorative Bootstrap icon: `{% icon "search" %}`, `{% icon item.icon "fs-2" %}`."""
    return icon_html(name, context.get("request"), css_class)


@register.simple_tag(takes_context=True)
def icon_sprite_start(context: template.Context) -> str:
    """In the layout, before the body: this page's icons refer to one sprite."""
    collect_icons(context.get("request"))
    return ""


@register.simple_tag(takes_context=True)
def icon_sprite(context: template.Context) -> SafeString:
    """In the layout, after everything that may draw an icon: the sprite's symbols."""
    return sprite_html(context.get("request"))
