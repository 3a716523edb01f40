"""Accessible Bootstrap form rendering: `{% load form_a11y %}` then `{{ field|bootstrap_widget }}`.

Django 5.2 already adds `aria-invalid` and `aria-describedby` (`<id>_helptext`, `<id>_error`)
to a bound field's widget; this only adds Bootstrap's classes, so `includes/form_field.html`
must give the help text and the error list exactly those ids.
"""

from django import forms, template

register = template.Library()


def widget_class(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
        widget, forms.RadioSelect | forms.CheckboxSelectMultiple
    ):
        css = "form-select"
    elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return f"{existing} {css}".strip()


@register.filter
def bootstrap_widget(field: forms.BoundField) -> str:
    return field.as_widget(attrs={"class": widget_class(field)})


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
