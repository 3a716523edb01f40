"""The officer's workspace (`/office/`): queues, the dossier page, actions, counter intake.

Thin: parse → selector/service → render. Every page needs a signed-in staff member (the
middleware already enforces MFA for staff); a dossier page is looked up through
`selectors.dossier_get_for_staff`, so another agency's dossier is a 404. Plain POST forms and
links throughout; htmx only enhances (live filtering, counts refresh, boosted actions).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from common.exceptions import ApplicationError
from dossiers import selectors as sel
from dossiers.constants import DossierStatus
from dossiers.models import Dossier

S = DossierStatus
PAGE_SIZE = 25


def _who(request: AuthenticatedHttpRequest) -> sel.OfficeUser:
    """The signed-in officer; anyone else (a citizen, a helpdesk operator) is refused."""
    who = sel.office_user(request.user)
    if not who.is_office_staff:
        raise PermissionDenied
    if request.method == "POST":
        cache.delete(_counts_key(who))  # the officer sees their own action in the badges at once
    return who


# The badges are approximate for a little while: counting every queue costs ~130 ms for a
# centre on 1,000,000 dossiers (docs/benchmarks.md), and they refresh every minute anyway.
COUNTS_SECONDS = 30


# The queue (with its filter, search, sort and page) the officer last looked at: "Về hàng đợi"
# returns there from a dossier, even after the forms on the dossier's page redirected back to it.
QUEUE_URL_SESSION_KEY = "office_queue_url"


def remember_queue(request: AuthenticatedHttpRequest) -> None:
    request.session[QUEUE_URL_SESSION_KEY] = request.get_full_path()


def queue_back_url(request: AuthenticatedHttpRequest) -> str:
    url = request.session.get(QUEUE_URL_SESSION_KEY, "")
    # Only a path of the office's own queues (the value is ours, but never an open redirect).
    if isinstance(url, str) and url.startswith(reverse("office:workspace")) and "//" not in url:
        return url
    return reverse("office:workspace")


def _counts_key(who: sel.OfficeUser) -> str:
    return f"office:queue-counts:{who.user.pk}"


def _queue_counts(who: sel.OfficeUser) -> dict[str, int]:
    # get_or_set stores and returns the computed counts on a miss; the stub allows None only
    # for a None default.
    return cast(
        dict[str, int],
        cache.get_or_set(_counts_key(who), lambda: sel.queue_counts(who), COUNTS_SECONDS),
    )


def _dossier_or_404(request: AuthenticatedHttpRequest, who: sel.OfficeUser, uuid: Any) -> Dossier:
    try:
        return sel.dossier_get_for_staff(user=who, uuid=uuid)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _to_detail(dossier: Dossier) -> HttpResponse:
    return redirect("office:detail", uuid=dossier.uuid)


def _refused(
    request: AuthenticatedHttpRequest, dossier: Dossier, error: ApplicationError
) -> HttpResponse:
    messages.error(request, error.message)
    return _to_detail(dossier)


# The verb on each action button, by edge; the target's own label otherwise.
ACTION_LABELS: dict[tuple[str, str] | str, Any] = {
    S.RECEIVED: gettext_lazy("Tiếp nhận"),
    S.IN_PROCESS: gettext_lazy("Chuyển cơ quan giải quyết"),
    S.APPRAISING: gettext_lazy("Chuyển thẩm định"),
    (S.AWAITING_APPROVAL, S.APPRAISING): gettext_lazy("Trả lại chuyên viên"),
    (S.CONSULTING, S.APPRAISING): gettext_lazy("Đã có ý kiến, tiếp tục thẩm định"),
    (S.INTERAGENCY, S.APPRAISING): gettext_lazy("Kết thúc xử lý liên thông"),
    (S.AWAITING_PAYMENT, S.APPRAISING): gettext_lazy("Đã nộp phí, tiếp tục thẩm định"),
    S.INTERAGENCY: gettext_lazy("Chuyển xử lý liên thông"),
    S.CONSULTING: gettext_lazy("Xin ý kiến, xác minh"),
    S.SUPPLEMENT_REQUESTED: gettext_lazy("Yêu cầu bổ sung (Mẫu 02)"),
    S.AWAITING_PAYMENT: gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
    S.AWAITING_APPROVAL: gettext_lazy("Trình lãnh đạo phê duyệt"),
    S.SIGNING: gettext_lazy("Phê duyệt"),
    S.ISSUING: gettext_lazy("Đã ký số, chuyển ban hành"),
    S.DONE: gettext_lazy("Vào sổ, ban hành kết quả"),
    S.RETURNED: gettext_lazy("Trả kết quả cho người nộp"),
    S.CORRECTION: gettext_lazy("Nhận lại để đính chính"),
    S.STOPPED: gettext_lazy("Dừng giải quyết (Mẫu 05)"),
    S.WITHDRAWAL_REQUESTED: gettext_lazy("Ghi nhận yêu cầu rút hồ sơ"),
    S.SUBMITTED: gettext_lazy("Nhận hồ sơ bổ sung"),
    S.REJECTED_AT_INTAKE: gettext_lazy("Từ chối tiếp nhận (Mẫu 03)"),
    S.INTAKE_SUPPLEMENT: gettext_lazy("Yêu cầu bổ sung khi tiếp nhận (Mẫu 02)"),
}
