"""Writes to the agency tree, staff memberships and the working calendar; each one is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import STAFF_ROLES, Role
from accounts.models import User
from accounts.services import role_assign
from agencies.constants import CalendarDayKind, CalendarOrigin, Weekday
from agencies.models import Agency, CalendarOverride, OfficeHours, StaffMembership
from agencies.selectors import calendar_cache_invalidate
from common.audit import audit_record
from common.exceptions import ApplicationError


def _invalidate_calendar_on_commit() -> None:
    transaction.on_commit(calendar_cache_invalidate)


# --- agencies ----------------------------------------------------------------------------------


@transaction.atomic
def agency_save(*, agency: Agency, actor: User | None = None) -> Agency:
    """Create or edit an agency's own fields (the admin form); closing one is `agency_succeed`."""
    created = agency.pk is None
    agency.full_clean()
    agency.save()
    audit_record(
        action="agencies.agency.created" if created else "agencies.agency.changed",
        actor=actor,
        obj=agency,
        data={"code": agency.code, "name": agency.name},
    )
    return agency


@transaction.atomic
def agency_succeed(
    *, old: Agency, new: Agency, on_date: dt.date, actor: User | None = None
) -> Agency:
    """`new` takes over from `old` on `on_date`: `old` closes the day before and links to `new`.

    Nothing is rewritten on dossiers: they keep the agency that handled them, and readers follow
    `successor` to find who is in charge today (regulation-spec §2.5).
    """
    old = Agency.objects.select_for_update().get(pk=old.pk)
    new = Agency.objects.get(pk=new.pk)
    if old.pk == new.pk:
        raise ApplicationError(_("Một cơ quan không thể kế thừa chính nó."), code="self_successor")
    if on_date <= old.valid_from:
        raise ApplicationError(
            _("Ngày kế thừa phải sau ngày cơ quan cũ bắt đầu có hiệu lực."), code="too_early"
        )
    if not new.is_valid_on(on_date):
        raise ApplicationError(
            _("Cơ quan kế thừa phải có hiệu lực vào ngày kế thừa."), code="successor_not_valid"
        )
    if old.successor_id and old.successor_id != new.pk:
        raise ApplicationError(_("Cơ quan này đã có cơ quan kế thừa."), code="already_succeeded")
    if _succession_reaches(start=new, target=old):
        raise ApplicationError(_("Liên kết kế thừa tạo thành vòng lặp."), code="cycle")

    old.valid_to = on_date - dt.timedelta(days=1)
    old.successor = new
    old.full_clean()
    old.save(update_fields=["valid_to", "successor", "updated_at"])
    audit_record(
        action="agencies.agency.succeeded",
        actor=actor,
        obj=old,
        data={"successor": new.code, "on_date": on_date.isoformat()},
    )
    return old


def _succession_reaches(*, start: Agency, target: Agency) -> bool:
    seen: set[int] = set()
    current: Agency | None = start
    while current is not None and current.pk not in seen:
        if current.pk == target.pk:
            return True
        seen.add(current.pk)
        current = current.successor
    return False


# --- staff memberships ---------------------------------------------------------------------------


def staff_membership_check(*, agency: Agency, role: Role | str, valid_from: dt.date) -> None:
    """The rules a new membership must meet; forms call it to show errors before saving."""
    if role not in STAFF_ROLES:
        raise ApplicationError(_("Vai trò này không phải vai trò cán bộ."), code="not_staff_role")
    if not agency.is_valid_on(valid_from):
        raise ApplicationError(
            _("Cơ quan không có hiệu lực vào ngày bắt đầu."), code="agency_not_valid"
        )


@transaction.atomic
def staff_membership_add(
    *,
    user: User,
    agency: Agency,
    role: Role | str,
    valid_from: dt.date | None = None,
    actor: User | None = None,
) -> StaffMembership:
    """Make `user` a member of `agency` in a staff `role`; also gives the user that role's group.

    Adding a membership that is already open returns it unchanged (seeding runs again safely).
    """
    role = Role(role)
    start = valid_from or timezone.localdate()
    staff_membership_check(agency=agency, role=role, valid_from=start)
    existing = (
        StaffMembership.objects.select_for_update()
        .filter(user=user, agency=agency, role=role, valid_to__isnull=True)
        .first()
    )
    if existing is not None:
        return existing
    membership = StaffMembership(user=user, agency=agency, role=role, valid_from=start)
    membership.full_clean()
    membership.save()
    role_assign(user=user, role=role)
    audit_record(
        action="agencies.membership.added",
        actor=actor,
        obj=membership,
        data={"user": user.email, "agency": agency.code, "role": role.value},
    )
    return membership


@transaction.atomic
def staff_membership_end(
    *, membership: StaffMembership, on_date: dt.date | None = None, actor: User | None = None
) -> StaffMembership:
    """End a membership: it stays valid through `on_date` (default today) and not after."""
    membership = StaffMembership.objects.select_for_update().get(pk=membership.pk)
    end = on_date or timezone.localdate()
    if membership.valid_to is not None:
        raise ApplicationError(_("Phân công này đã kết thúc."), code="already_ended")
    if end < membership.valid_from:
        raise ApplicationError(
            _("Ngày kết thúc không được trước ngày bắt đầu."), code="end_before_start"
        )
    membership.valid_to = end
    membership.save(update_fields=["valid_to", "updated_at"])
    audit_record(
        action="agencies.membership.ended",
        actor=actor,
        obj=membership,
        data={
            "user": membership.user.email,
            "agency": membership.agency.code,
            "role": membership.role,
            "valid_to": end.isoformat(),
        },
    )
    return membership


# --- working calendar ------------------------------------------------------------------------------


@transaction.atomic
def calendar_override_save(
    *,
    override: CalendarOverride,
    actor: User | None = None,
    origin: CalendarOrigin = CalendarOrigin.MANUAL,
) -> CalendarOverride:
    """Create or change one calendar date; the cached calendar reloads after commit."""
    created = override.pk is None
    override.origin = origin
    override.full_clean()
    override.save()
    audit_record(
        action="agencies.calendar.created" if created else "agencies.calendar.changed",
        actor=actor,
        obj=override,
        data=_override_data(override),
    )
    _invalidate_calendar_on_commit()
    return override


def calendar_override_check(*, day: dt.date, kind: str, weekend_holiday_confirmed: bool) -> None:
    """What an administrator may enter (issue #20): a make-up working day replaces a weekend day,
    so it must fall on Saturday or Sunday; a holiday on a weekend changes nothing by itself (the
    day is off already) and is kept only when confirmed (e.g. to record it next to its make-up
    day off). The yearly seeder does not go through here: its dates are the Government's."""
    weekday = str(Weekday(day.weekday()).label)
    weekend = day.weekday() >= 5
    if kind == CalendarDayKind.WORKING_DAY and not weekend:
        raise ApplicationError(
            _(
                "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật: %(day)s là %(weekday)s, vốn đã là ngày làm việc."
            )
            % {"day": f"{day:%d/%m/%Y}", "weekday": weekday},
            code="make_up_on_weekday",
        )
    if kind == CalendarDayKind.HOLIDAY and weekend and not weekend_holiday_confirmed:
        raise ApplicationError(
            _(
                "%(day)s là %(weekday)s, vốn đã là ngày nghỉ. Nếu vẫn muốn ghi ngày lễ này (ví dụ để đối chiếu với ngày nghỉ bù), hãy đánh dấu “Xác nhận ngày lễ rơi vào cuối tuần”."
            )
            % {"day": f"{day:%d/%m/%Y}", "weekday": weekday},
            code="holiday_on_weekend",
        )


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride, actor: User | None = None) -> None:
    audit_record(
        action="agencies.calendar.deleted", actor=actor, obj=override, data=_override_data(override)
    )
    override.delete()
    _invalidate_calendar_on_commit()


def _override_data(override: CalendarOverride) -> dict[str, Any]:
    return {
        "date": override.date.isoformat(),
        "kind": override.kind,
        "name": override.name,
        "source_document": override.source_document,
        "origin": override.origin,
    }


@transaction.atomic
def office_hours_save(*, hours: OfficeHours, actor: User | None = None) -> OfficeHours:
    created = hours.pk is None
    hours.full_clean()
    hours.save()
    audit_record(
        action="agencies.office_hours.created" if created else "agencies.office_hours.changed",
        actor=actor,
        obj=hours,
        data={
            "agency": hours.agency.code,
            "weekday": hours.weekday,
            "opens_at": hours.opens_at.isoformat(),
            "closes_at": hours.closes_at.isoformat(),
        },
    )
    _invalidate_calendar_on_commit()
    return hours


@transaction.atomic
def office_hours_delete(*, hours: OfficeHours, actor: User | None = None) -> None:
    audit_record(
        action="agencies.office_hours.deleted",
        actor=actor,
        obj=hours,
        data={"agency": hours.agency.code, "weekday": hours.weekday},
    )
    hours.delete()
    _invalidate_calendar_on_commit()
