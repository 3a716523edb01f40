from html import escape

from django import forms, template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from procedures.search import catalogue_version

register = template.Library()

# The options of each filter without a selection, per catalogue version and language, in this
# process: their choices change only with the catalogue (the agencies and fields are hundreds).
_options_html: dict[tuple[int, str, str], str] = {}


@register.simple_tag
def select_options(field: forms.BoundField) -> SafeString:
    """The <option>s of a catalogue filter, built in Python once per catalogue version (the
    per-option widget templates cost ~15 ms for the catalogue's few hundred agencies and fields);
    the visitor's choice is marked in the cached text. `html.escape` is what Django's `escape`
    runs, without its lazy wrapper."""
    key = (catalogue_version(), get_language() or "", field.html_name)
    options = _options_html.get(key)
    if options is None:
        options = "".join(
            f'<option value="{escape(str(value))}">{escape(str(label))}</option>'
            for value, label in field.field.choices  # type: ignore[attr-defined]
        )
        if len(_options_html) > 64:  # older versions and languages
            _options_html.clear()
        _options_html[key] = options
    selected = f'<option value="{escape(str(field.value() or ""))}">'
    options = options.replace(selected, selected[:-1] + " selected>", 1)
    return mark_safe(options)  # noqa: S308 — every value and label is escaped above


@register.simple_tag
def filter_selects(form: forms.Form) -> SafeString:
    """Every filter of the catalogue form (all fields but `q`) as a labelled <select> in a grid
    column, written in one pass (an include per field cost
    more than the rest of the form)."""
    columns = []
    for field in form:
        if field.name == "q":
            continue
        error_id = f"{field.auto_id}_error"
        invalid = (
            f' aria-invalid="true" aria-describedby="{escape(error_id)}"' if field.errors else ""
        )
        errors = (
            f'<div class="invalid-feedback d-block" id="{escape(error_id)}">'
            + "".join(f'<span class="d-block">{escape(str(e))}</span>' for e in field.errors)
            + "</div>"
            if field.errors
            else ""
        )
        columns.append(
            '<div class="col-12 col-md-6 col-lg-4"><div class="mb-3">'
            f'<label class="form-label" for="{escape(field.id_for_label)}">{escape(str(field.label))}</label>'
            f'<select name="{escape(field.html_name)}" id="{escape(field.id_for_label)}" '
            f'class="form-select{" is-invalid" if field.errors else ""}"{invalid}>'
            f"{select_options(field)}</select>{errors}</div></div>"
        )
    return mark_safe("".join(columns))  # noqa: S308 — every value is escaped above
