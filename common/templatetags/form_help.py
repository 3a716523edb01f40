"""Filters for the shared form includes (`templates/includes/form_*.html`)."""

from django import forms, template

register = template.Library()


@register.filter
def needs_error_summary(form: forms.BaseForm) -> bool:
    """Whether the form's errors need a summary above it.

    A form of one visible field (a one-time code, a reason) shows its error once, next to the
    field, and the field takes focus (issue #26: "shown twice"); a summary is for forms with
    several fields, errors of the whole form, or errors of hidden fields (nowhere else to show).
    """
    if not form.errors:
        return False
    if form.non_field_errors() or len(form.visible_fields()) > 1:
        return True
    return any(field.errors for field in form.hidden_fields())
