from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.selectors import user_is_staff_member
from common.exceptions import ApplicationError
from common.simulators import is_system_admin, simulator_on
from notifications import delivery, selectors, services
from notifications.channels.sms_twilio import sms_configured
from notifications.constants import Channel
from notifications.forms import PreferenceForm, StaffPreferenceForm
from notifications.models import SimulatedMessage
from notifications.simulators import twilio_send_status_callback


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for(user=request.user), 20).get_page(request.GET.get("page"))
    language = get_language()
    items = [selectors.inbox_text(n, language=language) for n in page.object_list]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


@login_required
@require_GET
def inbox_detail(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    notification = selectors.inbox_get(user=request.user, notification_uuid=uuid)
    if notification is None:
        raise Http404
    services.inbox_mark_read(user=request.user, notification_uuid=notification.uuid)
    text = selectors.inbox_text(notification, language=get_language())
    return render(
        request, "notifications/inbox_detail.html", {"notification": notification, "text": text}
    )


@login_required
@require_POST
def inbox_mark_read(request: AuthenticatedHttpRequest, uuid) -> HttpResponse:
    try:
        services.inbox_mark_read(user=request.user, notification_uuid=uuid)
    except ApplicationError as exc:
        raise Http404 from exc
    if request.htmx:
        return bell(request)
    return redirect("notifications:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.inbox_mark_all_read(user=request.user)
    messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
    return redirect("notifications:inbox")


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The unread count fragment that `_bell.html` loads with htmx."""
    count = selectors.inbox_unread_count(user=request.user)
    return render(request, "notifications/_bell_count.html", {"unread": count})


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    pref = selectors.preference_for(user=request.user)
    form_class = StaffPreferenceForm if user_is_staff_member(user=request.user) else PreferenceForm
    initial = {"zalo_linked": pref.zalo_linked_at is not None}
    form = form_class(request.POST or None, instance=pref, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preference_update(
            user=request.user,
            email_enabled=data["email_enabled"],
            sms_enabled=data["sms_enabled"],
            zalo_enabled=data["zalo_enabled"],
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
            language=data["language"],
            daily_digest=data.get("daily_digest", False),
            zalo_linked=data["zalo_linked"],
        )
        messages.success(request, _("Đã lưu tùy chọn nhận thông báo."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# --- staff ----------------------------------------------------------------------------------------------


def _require_log_access(request: HttpRequest) -> None:
    if not selectors.can_view_delivery_log(user=request.user):
        raise PermissionDenied


@login_required
@require_GET
def delivery_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_log_access(request)
    reference = request.GET.get("ma", "").strip()
    rows = selectors.delivery_log(user=request.user, reference=reference) if reference else []
    return render(
        request,
        "notifications/staff/delivery_log.html",
        {"reference": reference, "rows": rows},
    )


@login_required
@require_GET
def failures(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_log_access(request)
    channel = request.GET.get("kenh", "")
    page = Paginator(selectors.failures_list(user=request.user, channel=channel), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/staff/failures.html",
        {
            "summary": selectors.failure_summary(user=request.user),
            "page": page,
            "channel": channel,
            "channels": Channel.choices,
        },
    )


# --- provider callbacks ---------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, uuid) -> HttpResponse:
    """Twilio's StatusCallback: verified by X-Twilio-Signature before anything is read."""
    # Local import: twilio is a heavy library, loaded on first use.
    from twilio.request_validator import RequestValidator

    if not sms_configured():  # never verified against a simulator's credentials
        return HttpResponse("not configured", status=503, content_type="text/plain")
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    signature = request.headers.get("X-Twilio-Signature", "")
    params = request.POST.dict()
    urls = {
        f"{settings.NOTIFICATIONS_CALLBACK_BASE_URL}{request.get_full_path()}",
        request.build_absolute_uri(),
    }
    if not signature or not any(validator.validate(url, params, signature) for url in urls):
        return HttpResponse(status=403)
    delivery.notification_provider_status(
        notification_uuid=uuid,
        provider_message_id=params.get("MessageSid", ""),
        provider_status=params.get("MessageStatus", ""),
        error_code=params.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


# --- simulator log (demo) --------------------------------------------------------------------------------


def _require_simulator_log_access(request: HttpRequest) -> None:
    """The log holds every one-time code sent: the system administrator's only (superuser, MFA)."""
    if not (simulator_on("TWILIO_SIMULATOR_ENABLED") or simulator_on("ZALO_SIMULATOR_ENABLED")):
        raise Http404
    if not is_system_admin(request):
        raise Http404


@require_GET
def simulator_log(request: HttpRequest) -> HttpResponse:
    _require_simulator_log_access(request)
    rows = SimulatedMessage.objects.all()[:100]
    return render(request, "notifications/sim/log.html", {"rows": rows})


@require_POST
def simulator_report(request: HttpRequest, message_id: str) -> HttpResponse:
    """Demo button: make the simulated Twilio send a signed delivery report."""

    _require_simulator_log_access(request)
    message = get_object_or_404(SimulatedMessage, provider="twilio", message_id=message_id)
    status = "delivered" if request.POST.get("status") != "undelivered" else "undelivered"
    code = twilio_send_status_callback(message, status)
    messages.info(
        request,
        _("Đã gửi báo cáo trạng thái “%(status)s” (HTTP %(code)s).")
        % {"status": status, "code": code},
    )
    return redirect("notifications:simulator_log")
