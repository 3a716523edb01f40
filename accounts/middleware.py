"""Staff security: MFA before any page, and a 30-minute idle limit on staff sessions.

Staff (any role in `STAFF_ROLES`, `is_staff` or superuser) who signed in without a second factor
are sent to set one up (no device yet) or signed out (a device exists, so the sign-in skipped it).
This runs for every request, so no login path — admin, OpenID Connect, a session made some other
way — can reach a page without MFA.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import selectors

_LAST_SEEN_KEY = "staff_last_seen"
# Pages a staff member needs in order to finish setting up or using MFA, or to leave.
_ALWAYS_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/manifest.webmanifest", "/sw.js")
_MFA_SETUP_URL_NAMES = (
    "mfa_index",
    "mfa_activate_totp",
    "mfa_generate_recovery_codes",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "account_logout",
    "account_login",
)


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALWAYS_OPEN_PREFIXES)
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
            return redirect(f"{reverse('account_login')}?next={request.path}")
        request.session[_LAST_SEEN_KEY] = now
        if selectors.session_used_mfa(request=request):
            return None
        if request.path in {reverse(name) for name in _MFA_SETUP_URL_NAMES}:
            return None
        from allauth.mfa.utils import is_mfa_enabled

        if is_mfa_enabled(user):
            # A device exists but this session never used it: the sign-in skipped MFA.
            logout(request)
            messages.warning(request, _("Cán bộ phải đăng nhập bằng xác thực hai lớp."))
            return redirect(f"{reverse('account_login')}?next={request.path}")
        messages.info(
            request, _("Tài khoản cán bộ phải bật xác thực hai lớp (ứng dụng OTP) trước khi làm việc.")
        )
        return redirect("mfa_activate_totp")
