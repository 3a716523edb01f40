from django import template

from dossiers.constants import TimeUnit

register = template.Library()


@register.filter
def indicator(values, code: str) -> str:
    """`{{ values|indicator:"2.1" }}`: the shown value of one indicator ("N/A" when missing)."""
    value = values.get(code) if values else None
    return value.display if value is not None else "N/A"


@register.filter
def time_unit(code: str) -> str:

    try:
        return str(TimeUnit(code).label)
    except ValueError:
        return str(TimeUnit.DAY.label)
