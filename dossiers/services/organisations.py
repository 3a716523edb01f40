"""An organisation as the applicant: what its draft declares and how that is checked.

The representative files, the organisation applies: the applicant step holds the organisation's
name, tax code, address, contact and legal representative, never the representative's own
personal data, and nothing of it is written into a person's profile (issue #26).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.identity.mandates import organisation_representatives
from accounts.models import Organisation
from accounts.validators import validate_phone, validate_tax_code


def organisation_prefill(organisation: Organisation) -> dict[str, Any]:
    """An organisation's draft declares the organisation (name, tax code, address, contact, legal
    representative), never the personal data of the representative who files it."""
    legal = next(
        (
            link.user.get_full_name()
            for link in organisation_representatives(organisation=organisation)
            if link.is_legal_representative
        ),
        "",
    )
    return {
        "full_name": organisation.name,
        "id_number": organisation.tax_code,
        "date_of_birth": "",
        "phone": organisation.phone,
        "email": organisation.email,
        "address": organisation.address,
        "organisation": {
            "uuid": str(organisation.uuid),
            "name": organisation.name,
            "tax_code": organisation.tax_code,
            "legal_representative": legal,
        },
    }


def organisation_errors(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, list[str]]:
    for key, check in (("id_number", validate_tax_code), ("phone", validate_phone)):
        if key not in errors and data.get(key):
            try:
                check(str(data[key]).strip())
            except ValidationError as error:
                errors[key] = [str(m) for m in error.messages]
    return errors
