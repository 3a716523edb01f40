"""Staff security: MFA before any page, and a 30-minute idle limit on staff sessions.

Staff (any role in `STAFF_ROLES`, `is_staff` or superuser) who signed in without a second factor
are sent to set one up (no device yet) or signed out (a device exists, so the sign-in skipped it).
This runs for every request, so no login path — admin, OpenID Connect, a session made some other
way — can reach a page without MFA. See docs/adr/0010-mfa-enforced-by-middleware.md.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from allauth.mfa.utils import is_mfa_enabled

from accounts import selectors

_LAST_SEEN_KEY = "staff_last_seen"
_LAST_SEEN_RESOLUTION_SECONDS = 30
# Public assets: no personal data, needed to draw the MFA pages themselves.
ALWAYS_OPEN_PREFIXES = (
    "/static/",
    "/healthz",
    "/i18n/",
    "/jsi18n/",
    "/manifest.webmanifest",
    "/sw.js",
)
# Pages a staff member without a device needs in order to set one up, or to leave.
MFA_SETUP_URL_NAMES = (
    "mfa_index",
    "mfa_activate_totp",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_logout",
)


def _login_redirect(request):
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('account_login')}?{query}")


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_OPEN_PREFIXES)
            and selectors.user_is_staff_member(user=user)
        ):
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        now = time.time()
        last_seen = request.session.get(_LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
            logout(request)
            messages.info(request, _("Phiên làm việc đã hết hạn sau thời gian không hoạt động."))
            return _login_redirect(request)
        if last_seen is None or now - last_seen > _LAST_SEEN_RESOLUTION_SECONDS:
            request.session[_LAST_SEEN_KEY] = now  # not every request: saves a session write
        if selectors.session_used_mfa(request=request):
            return None

        if is_mfa_enabled(user):
            # A device exists but this session never used it: the sign-in skipped MFA. No page
            # is open to such a session, not even the MFA pages (they could mint new factors).
            logout(request)
            messages.warning(request, _("Cán bộ phải đăng nhập bằng xác thực hai lớp."))
            return _login_redirect(request)
        if request.path in {reverse(name) for name in MFA_SETUP_URL_NAMES}:
            return None
        messages.info(
            request,
            _("Tài khoản cán bộ phải bật xác thực hai lớp (ứng dụng OTP) trước khi làm việc."),
        )
        return redirect("mfa_activate_totp")
