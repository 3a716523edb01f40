"""Whole public pages kept for anonymous visitors (ADR 0231).

A public page that only a change of its data can alter (a procedure, a page of search results)
is the same HTML for every anonymous visitor but for two things: the CSRF token (in the
language switch and htmx's headers) and, where a page has them, fragments owned by other apps
(the procedure page's panels). The page is rendered once, its token replaced by a placeholder,
and kept by a caller-provided cache function (the catalogue keeps it under its version); each
visitor gets it with their own token, and the fragments between the markers rendered again.

Not for signed-in visitors (their header differs), nor when messages wait to be shown.
"""

import re
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

_PLACEHOLDER = "__csrf-token-of-this-visitor__"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,})"')
FRAGMENT_START, FRAGMENT_END = "<!--per-visitor-->", "<!--/per-visitor-->"

Cache = Callable[[Callable[[], dict[str, str]]], dict[str, str]]


def page_for_visitors(
    request: HttpRequest,
    cached: Cache,
    render: Callable[[], HttpResponse],
    fragment: Callable[[], str] | None = None,
) -> HttpResponse:
    """`render()`'s response, or for an anonymous visitor the same page from `cached`
    (called with a builder returning {"html", "content_type"}). `fragment()` renders what
    stands between FRAGMENT_START and FRAGMENT_END again for each visitor."""
    if not _cacheable(request):
        return render()
    fresh: list[HttpResponse] = []

    def build() -> dict[str, str]:
        response = render()
        fresh.append(response)
        html = response.content.decode(response.charset)
        token = _TOKEN.search(html)
        if response.status_code != 200 or token is None or response.streaming:
            return {}  # kept as "not cacheable", rendered each time
        return {
            "html": html.replace(token.group(1), _PLACEHOLDER),
            "content_type": response.headers["Content-Type"],
        }

    page = cached(build)
    if fresh:  # this visitor's own render
        return fresh[0]
    if not page:
        return render()
    html = page["html"].replace(_PLACEHOLDER, get_token(request))
    if fragment is not None:
        start, end = html.find(FRAGMENT_START), html.find(FRAGMENT_END)
        if start != -1 and end != -1:
            html = html[: start + len(FRAGMENT_START)] + fragment() + html[end:]
    return HttpResponse(html, content_type=page["content_type"])


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return not len(get_messages(request))
