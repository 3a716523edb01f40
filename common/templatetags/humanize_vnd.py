from django import template

from common.money import format_vnd_lenient

register = template.Library()


@register.filter
def vnd(amount: int | str | None) -> str:
    """The one money filter: 20000 → "20.000 đồng" (vi) / "20,000 VND" (en); see common.money.
    Text that is already an amount ("50.000 ₫") is read again; other text is left as it is."""
    return format_vnd_lenient(amount)
