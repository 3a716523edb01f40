from accounts.tests.factories import CitizenFactory, StaffFactory
from notifications.constants import EVENTS


def citizen_with_phone(phone: str = "0912345678", **kwargs):
    user = CitizenFactory(**kwargs)
    user.profile.phone = phone
    user.profile.save(update_fields=["phone"])
    return user


def staff(**kwargs):
    return StaffFactory(**kwargs)


def sample_context(event: str) -> dict:
    return dict(EVENTS[event].sample)
