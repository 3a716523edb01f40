"""Demo users, one per role (idempotent). Used by `python manage.py seed_demo`.

Every staff demo user gets a TOTP device with the FIXED secret below, so demo sign-ins are
repeatable: add the secret to any authenticator app (or compute the code with `oathtool --totp
-b <secret>`). These secrets are public: never run `seed_demo` against production data.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt

from accounts.constants import STAFF_ROLES, Role
from accounts.identity.constants import ConsentMethod, MandateStatus
from accounts.identity.mandates import mandate_confirm, mandate_request
from accounts.models import (
    CitizenProfile,
    Mandate,
    Organisation,
    OrganisationRepresentative,
    User,
)
from accounts.services import role_assign, roles_ensure
from common.demo_types import DemoLogin

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 (a published demo credential)
DEMO_DOMAIN = "demo.tayninh.gov.vn"

# role → (mailbox, full name, fixed base32 TOTP secret for staff roles)
DEMO_USERS: dict[Role, tuple[str, str, str]] = {
    Role.CITIZEN: ("congdan", "Nguyễn Thị Công Dân", ""),
    Role.COMMUNITY_HELPER: ("tocongnghe", "Trần Văn Hỗ Trợ", ""),
    Role.RECEPTION_OFFICER: ("tiepnhan", "Lê Thị Tiếp Nhận", "TAYNINHDEMOTIEPNHANMFASECRETTWOA"),
    Role.PROCESSING_OFFICER: ("xuly", "Phạm Văn Xử Lý", "TAYNINHDEMOXULYXULYMFASECRETTWOA"),
    Role.AGENCY_HEAD: ("lanhdao", "Võ Minh Lãnh Đạo", "TAYNINHDEMOLANHDAOOMFASECRETTWOA"),
    Role.RECORDS_CLERK: ("vanthu", "Đặng Thị Văn Thư", "TAYNINHDEMOVANTHUUUMFASECRETTWOA"),
    Role.ONESTOP_SUPERVISOR: ("giamsat", "Huỳnh Văn Giám Sát", "TAYNINHDEMOGIAMSATTMFASECRETTWOA"),
    Role.HELPDESK_OFFICER: ("tongdai", "Bùi Thị Tổng Đài", "TAYNINHDEMOTONGDAIIMFASECRETTWOA"),
    Role.SYSTEM_ADMIN: ("quantri", "Đỗ Văn Quản Trị", "TAYNINHDEMOQUANTRIIMFASECRETTWOA"),
}
# Born 15/05/1990 in Tây Ninh (pre-2025 code 072), male, 20th century → "072" "0" "90" …
DEMO_CITIZEN_ID_NUMBER = "072090001234"
DEMO_CITIZEN_BIRTH = dt.date(1990, 5, 15)


def demo_email(role: Role) -> str:
    return f"{DEMO_USERS[role][0]}@{DEMO_DOMAIN}"


def _ensure_user(role: Role) -> User:
    mailbox, full_name, _secret = DEMO_USERS[role]
    email = f"{mailbox}@{DEMO_DOMAIN}"
    user = User.objects.filter(email__iexact=email).first() or User(email=email)
    user.full_name = full_name
    user.is_active = True
    user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
    user.set_password(DEMO_PASSWORD)
    user.save()
    role_assign(user=user, role=role)
    # Sign-in requires a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _ensure_totp(user: User, secret: str) -> None:

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None and decrypt(existing.data["secret"]) == secret:
        return
    if existing is not None:
        existing.delete()
    TOTP.activate(user, secret)


def _ensure_citizen_profile(user: User) -> None:
    CitizenProfile.objects.update_or_create(
        user=user,
        defaults={
            "full_name": user.full_name,
            "date_of_birth": DEMO_CITIZEN_BIRTH,
            "gender": "female",
            "id_number": DEMO_CITIZEN_ID_NUMBER,
            "email": user.email,
            "phone": "0912345678",
            "permanent_address": "Số 12 đường Cách Mạng Tháng Tám",
            "permanent_province_code": "80",
            # Phường Tân Ninh, whose desk the demo staff also serve (agencies/demo.py DEMO_WARD)
            "permanent_commune_code": "25459",
            "current_address": "Số 12 đường Cách Mạng Tháng Tám",
            "current_province_code": "80",
            "current_commune_code": "25459",
        },
    )


# People of the acting-on-behalf demos (issue #26), outside the one-per-role mailboxes:
# mailbox → (full name, ID number, phone, role label printed with the login).
PEOPLE_DOMAIN = "nguoidan.demo.tayninh.gov.vn"
DEMO_PEOPLE: dict[str, tuple[str, str, str, str]] = {
    "caotuoi": (
        "Nguyễn Văn Cao",
        "072048001111",
        "0911222333",
        "Công dân cao tuổi (ủy quyền cho tổ công nghệ bằng mã SMS)",
    ),
    "ketoan": (
        "Phạm Thị Kế Toán",
        "072185002222",
        "0933444555",
        "Người đại diện của hợp tác xã (kế toán)",
    ),
}
DEMO_ORGANISATION = {
    "tax_code": "3900123456",
    "name": "Hợp tác xã Nông nghiệp Tân Biên",
    "address": "Ấp Thạnh Hòa, xã Tân Biên, tỉnh Tây Ninh",
    "province_code": "80",
    "phone": "02763888999",
    "email": "htx.tanbien@example.vn",
}


def _ensure_person(mailbox: str) -> User:
    full_name, id_number, phone, _label = DEMO_PEOPLE[mailbox]
    email = f"{mailbox}@{PEOPLE_DOMAIN}"
    user = User.objects.filter(email__iexact=email).first() or User(email=email)
    user.full_name, user.phone, user.is_active = full_name, phone, True
    user.set_password(DEMO_PASSWORD)
    user.save()
    role_assign(user=user, role=Role.CITIZEN)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    CitizenProfile.objects.update_or_create(
        user=user,
        defaults={"full_name": full_name, "id_number": id_number, "phone": phone, "email": email},
    )
    return user


def _ensure_organisation(legal_representative: User, accountant: User) -> Organisation:
    """An organisation and its representatives today: the demo citizen (director, legal
    representative) and the accountant."""
    fields = {k: v for k, v in DEMO_ORGANISATION.items() if k != "tax_code"}
    organisation, _created = Organisation.objects.update_or_create(
        tax_code=DEMO_ORGANISATION["tax_code"], defaults=fields
    )
    for user, title, legal in (
        (legal_representative, "Giám đốc", True),
        (accountant, "Kế toán", False),
    ):
        OrganisationRepresentative.objects.update_or_create(
            organisation=organisation,
            user=user,
            defaults={
                "title": title,
                "is_legal_representative": legal,
                "valid_from": dt.date(2025, 1, 1),
            },
        )
    return organisation


# What the elderly citizen lets the community technology team file for (ADR 0286).
DEMO_MANDATE_PROCEDURES = ["1.004222"]  # Đăng ký thường trú


def _ensure_sms_mandate(principal: User, helper: User) -> None:
    """The mandate the elderly citizen's login label describes: asked by the community helper,
    confirmed with the SMS code (here through the same services, without the code round)."""
    if Mandate.objects.filter(
        principal=principal, agent=helper, status=MandateStatus.ACTIVE
    ).exists():
        return
    asked = mandate_request(
        agent=helper,
        principal=principal,
        procedure_codes=DEMO_MANDATE_PROCEDURES,
        consent_method=ConsentMethod.SMS_CODE,
    )
    mandate_confirm(mandate=asked, principal=principal, accept=True)


def _seed_people(citizen: User) -> list[DemoLogin]:
    people = {mailbox: _ensure_person(mailbox) for mailbox in DEMO_PEOPLE}
    _ensure_organisation(citizen, people["ketoan"])
    _ensure_sms_mandate(people["caotuoi"], _ensure_user(Role.COMMUNITY_HELPER))
    return [
        DemoLogin(role=DEMO_PEOPLE[m][3], email=u.email, password=DEMO_PASSWORD, totp_secret="")
        for m, u in people.items()
    ]


def seed(out=None) -> list[DemoLogin]:
    roles_ensure()
    logins = []
    for role, (_mailbox, _name, secret) in DEMO_USERS.items():
        user = _ensure_user(role)
        if role in STAFF_ROLES:
            _ensure_totp(user, secret)
        if role == Role.CITIZEN:
            _ensure_citizen_profile(user)
        logins.append(
            DemoLogin(
                role=str(role.label),
                email=user.email,
                password=DEMO_PASSWORD,
                totp_secret=secret if role in STAFF_ROLES else "",
            )
        )
    logins += _seed_people(_ensure_user(Role.CITIZEN))
    if out is not None:
        out.write(
            f"accounts: {len(logins)} demo users (password {DEMO_PASSWORD}); organisation "
            f"{DEMO_ORGANISATION['name']} (MST {DEMO_ORGANISATION['tax_code']}) represented by "
            f"the demo citizen and the accountant."
        )
    return logins
