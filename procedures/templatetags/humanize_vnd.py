from django import template

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """40000 → "40.000 đồng" (Vietnamese thousands separator)."""
    if amount is None:
        return ""
    return f"{int(amount):,} đồng".replace(",", ".")
