"""The procedure's e-form spec (`procedures.FormField`) turned into Django form fields.

One builder serves the web step, the API and the final check at submission, so a value is
judged the same way wherever it arrives. Values are stored in `Dossier.form_data` as JSON
(dates as ISO strings, numbers as strings, check boxes as booleans).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_id_number, validate_phone
from procedures.constants import FieldType, PrefillSource

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

# Where each prefill source reads from the citizen profile.
PROFILE_ATTRIBUTES: dict[str, str] = {
    PrefillSource.FULL_NAME: "full_name",
    PrefillSource.ID_NUMBER: "id_number",
    PrefillSource.DATE_OF_BIRTH: "date_of_birth",
    PrefillSource.GENDER: "gender",
    PrefillSource.PHONE: "phone",
    PrefillSource.EMAIL: "email",
    PrefillSource.ADDRESS: "permanent_address",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


NOT_A_DATE_MESSAGE = _("Không đọc được ngày này. Nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1990.")
_DAY_MONTH_YEAR = re.compile(r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")


class CalendarDateField(forms.DateField):
    """A date that says what is wrong with it: "31/02/1990" is told that February 1990 has 28
    days, not the generic "enter a valid date" (issue #25)."""

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except ValidationError:
            message = _impossible_date_message(str(value).strip())
            raise ValidationError(message, code="invalid") from None


def _impossible_date_message(text: str) -> str:
    match = _DAY_MONTH_YEAR.match(text) or _YEAR_MONTH_DAY.match(text)
    if match is None:
        return str(NOT_A_DATE_MESSAGE)
    day, month, year = (int(match[part]) for part in ("day", "month", "year"))
    if not 1 <= month <= 12:
        return str(_("Tháng phải từ 1 đến 12 (đã nhập %(month)s).") % {"month": month})
    days = calendar.monthrange(year, month)[1]
    return str(
        _(
            "Ngày %(day)02d/%(month)02d/%(year)s không có: tháng %(month)s năm %(year)s có %(days)s ngày."
        )
        % {"day": day, "month": month, "year": year, "days": days}
    )


def form_field_for(spec: Any, *, organisation: bool = False) -> forms.Field | None:
    """A Django field for one `FormField` row; None for document fields (the documents step).
    `organisation`: the applicant is an organisation, so a person-identity field is labelled as
    its legal representative's (`field_label`)."""
    label = field_label(
        spec, organisation=organisation, english=(get_language() or "vi").startswith("en")
    )
    common: dict[str, Any] = {
        "label": label,
        "required": spec.required,
        "help_text": spec.help_text_vi,
    }
    validators: list[Callable[..., None]] = (
        [RegexValidator(spec.validation_regex)] if spec.validation_regex else []
    )
    kind = spec.field_type
    if kind == FieldType.DOCUMENT:
        return None
    if kind == FieldType.NUMBER:
        return forms.DecimalField(validators=validators, **common)
    if kind == FieldType.DATE:
        return CalendarDateField(input_formats=DATE_INPUT_FORMATS, widget=DateInput(), **common)
    if kind == FieldType.SELECT:
        choices = [("", "—"), *((str(c), str(c)) for c in spec.choices or ())]
        return forms.ChoiceField(choices=choices, **common)
    if kind == FieldType.CHECKBOX:
        return forms.BooleanField(**common)
    if kind == FieldType.EMAIL:
        return forms.EmailField(validators=validators, **common)
    if kind == FieldType.ID_NUMBER:
        validators.append(validate_id_number)
        return forms.CharField(
            max_length=20,  # longer than 12 so the validator says how many digits were typed
            validators=validators,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    if kind == FieldType.PHONE:
        validators.append(validate_phone)
        return forms.CharField(
            max_length=20,
            validators=validators,
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            **common,
        )
    if kind == FieldType.LONG_TEXT:
        return forms.CharField(
            max_length=5000,
            validators=validators,
            widget=forms.Textarea(attrs={"rows": 4}),
            **common,
        )
    return forms.CharField(max_length=500, validators=validators, **common)


def eform_fields(specs: Iterable[Any], *, organisation: bool = False) -> dict[str, forms.Field]:
    built = {spec.key: form_field_for(spec, organisation=organisation) for spec in specs}
    return {key: field for key, field in built.items() if field is not None}


def to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None:
        return ""
    return value


def validate_values(
    specs: Iterable[Any], data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Clean `data` against the spec: (values ready for `form_data`, errors by key)."""

    class _Form(forms.Form):
        pass

    form = _Form(data={k: v for k, v in data.items() if v is not None})
    form.fields = eform_fields(specs)
    if form.is_valid():
        return {k: to_json(v) for k, v in form.cleaned_data.items()}, {}
    return {}, {k: [str(e) for e in errs] for k, errs in form.errors.items()}


# The applicant step asks for these. A procedure field filled from the same profile attribute
# takes the applicant's answer instead of asking a second time on the next step (issue #25).
APPLICANT_KEY_FOR_PREFILL: dict[str, str] = {
    PrefillSource.FULL_NAME: "full_name",
    PrefillSource.ID_NUMBER: "id_number",
    PrefillSource.DATE_OF_BIRTH: "date_of_birth",
    PrefillSource.PHONE: "phone",
    PrefillSource.EMAIL: "email",
    PrefillSource.ADDRESS: "address",
}


# The fields that identify a natural person. When an organisation applies, its applicant step
# holds the organisation (name, tax code as the applicant identifier, NĐ 118 Art. 17.1.a), so
# these fields of the e-form describe the person who answers for it, its legal representative,
# and are asked on the procedure's step under that label instead of being copied from step 1
# (a tax code is not a personal ID number). ADR 0305.
PERSON_IDENTITY_SOURCES = frozenset(
    {
        PrefillSource.FULL_NAME,
        PrefillSource.ID_NUMBER,
        PrefillSource.DATE_OF_BIRTH,
        PrefillSource.GENDER,
    }
)
LEGAL_REPRESENTATIVE_SUFFIX = _("của người đại diện theo pháp luật")


def is_for_organisation(applicant_data: dict[str, Any] | None) -> bool:
    """Whether the applicant step declares an organisation (`services.organisation_prefill`)."""
    return bool((applicant_data or {}).get("organisation"))


def about_legal_representative(spec: Any, *, organisation: bool) -> bool:
    return organisation and spec.prefill_source in PERSON_IDENTITY_SOURCES


def field_label(spec: Any, *, organisation: bool = False, english: bool = False) -> str:
    """The field's label; a person-identity field of an organisation's form says whose it is."""
    label = str(spec.label_en if english and spec.label_en else spec.label_vi)
    if about_legal_representative(spec, organisation=organisation):
        return f"{label} ({LEGAL_REPRESENTATIVE_SUFFIX})"
    return label


def answered_by_applicant(specs: Iterable[Any], *, organisation: bool = False) -> dict[str, str]:
    """{field key: applicant key} of the procedure's fields the applicant step already asked.
    For an organisation, not the person-identity fields (they are its legal representative's)."""
    return {
        spec.key: APPLICANT_KEY_FOR_PREFILL[spec.prefill_source]
        for spec in specs
        if spec.prefill_source in APPLICANT_KEY_FOR_PREFILL
        and not about_legal_representative(spec, organisation=organisation)
    }


def with_applicant_answers(
    specs: Iterable[Any], values: dict[str, Any], applicant_data: dict[str, Any]
) -> dict[str, Any]:
    """`values` with the fields the applicant step answered set from `applicant_data`."""
    answered = answered_by_applicant(specs, organisation=is_for_organisation(applicant_data))
    copied = {key: applicant_data.get(applicant_key, "") for key, applicant_key in answered.items()}
    return {**values, **copied}


def legal_representative_prefill(specs: Iterable[Any], organisation: dict[str, Any]) -> dict:
    """An organisation's new draft: only the legal representative's name, which the organisation's
    record names; never a person's ID number or birth date from anyone's profile."""
    name = str(organisation.get("legal_representative") or "")
    return {
        spec.key: name for spec in specs if spec.prefill_source == PrefillSource.FULL_NAME and name
    }


def profile_value(profile: Any, source: str) -> Any:
    attribute = PROFILE_ATTRIBUTES.get(source)
    if profile is None or attribute is None:
        return ""
    return to_json(getattr(profile, attribute, "") or "")


REQUIRED_MESSAGE = _("Trường này là bắt buộc.")
