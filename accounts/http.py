"""The request type of views that only a signed-in user reaches (django-stubs' recommended
pattern): `request.user` is a `User`, never `AnonymousUser`, behind `login_required` or a check
that sends anonymous visitors away first."""

from django.http import Http404, HttpRequest

from accounts.models import User
from common.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User


def user_or_404(request: HttpRequest) -> User:
    """The signed-in user; 404 for an anonymous visitor, on URLs that must not reveal whether the
    thing exists (a login redirect would)."""
    if not request.user.is_authenticated:
        raise Http404
    return request.user


def signed_in_or_none(request: HttpRequest) -> User | None:
    """The signed-in user, or None for an anonymous visitor (pages open to both)."""
    return request.user if request.user.is_authenticated else None
