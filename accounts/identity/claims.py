"""What the national identity provider says about a person, mapped onto our citizen profile.

VNeID's claim names are not public; standard OpenID Connect names are the defaults and each one
can be renamed by a setting (`VNEID_CLAIMS`). Pure functions: no database, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.constants import AssuranceLevel, Gender
from accounts.validators import validate_id_number

DEFAULT_CLAIMS = {
    "full_name": "name",
    "date_of_birth": "birthdate",
    "gender": "gender",
    "id_number": "national_id",
    "address": "address",
    "phone": "phone_number",
    "email": "email",
}
_GENDERS = {"male": Gender.MALE, "nam": Gender.MALE, "female": Gender.FEMALE, "nu": Gender.FEMALE}


@dataclass(frozen=True)
class IdentityClaims:
    full_name: str = ""
    date_of_birth: dt.date | None = None
    gender: str = ""
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


def _claim_names() -> dict[str, str]:
    return {**DEFAULT_CLAIMS, **getattr(settings, "VNEID_CLAIMS", {})}


def _text(value) -> str:
    if isinstance(value, dict):  # OIDC `address` is an object; `formatted` is the whole line
        value = value.get("formatted") or ", ".join(str(v) for v in value.values() if v)
    return str(value or "").strip()


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def claims_parse(data: dict) -> IdentityClaims:
    """Reads the verified ID-token claims merged with userinfo; drops what fails validation."""
    names = _claim_names()
    date_of_birth = _date(data.get(names["date_of_birth"]))
    id_number = _text(data.get(names["id_number"]))
    try:
        validate_id_number(id_number, date_of_birth)
    except ValidationError:
        id_number = ""
    return IdentityClaims(
        full_name=_text(data.get(names["full_name"]))[:150],
        date_of_birth=date_of_birth,
        gender=_GENDERS.get(_text(data.get(names["gender"])).lower(), ""),
        id_number=id_number,
        address=_text(data.get(names["address"]))[:255],
        phone=_text(data.get(names["phone"])).replace(" ", "")[:20],
        email=_text(data.get(names["email"])).lower()[:254],
    )


def assurance_level_from_acr(acr: str | None) -> AssuranceLevel:
    """`acr` values configured as level 2 give level 2; any other national sign-in is level 1."""
    if acr and acr in settings.VNEID_ACR_LEVEL2:
        return AssuranceLevel.LEVEL_2
    return AssuranceLevel.LEVEL_1
