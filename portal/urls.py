from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from allauth.account.decorators import secure_admin_login

from portal import views

# The admin signs in through allauth (and so through MFA), never through its own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
    path("", include("portal.site_urls")),
    path("healthz", views.healthz, name="healthz"),
    # Browsers and crawlers ask for /favicon.ico whatever the page says (issue #20: it was 404).
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("dinh-danh/", include("accounts.identity_urls")),
    path("co-quan/", include("agencies.urls")),
    path("thu-tuc/", include("procedures.urls")),
    path("kho-du-lieu/", include("documents.urls")),
    path("verify/", include("documents.verify_urls")),
    path("thong-bao/", include("notifications.urls")),
    path("ho-so/", include("dossiers.urls")),
    path("thanh-toan/", include("payments.urls")),
    path("phan-anh/", include("helpdesk.urls")),
    path("tich-hop/", include("integrations.urls")),
    path("thong-ke/", include("metrics.urls")),
    path("api/v1/", include("portal.api_urls")),
    # Short addresses printed on posters and counter tablets.
    path("helpdesk/", RedirectView.as_view(pattern_name="helpdesk:queue", permanent=False)),
    # The receipt's QR carries ?ma=<dossier code>: the redirect keeps it.
    path(
        "kiosk/rate/",
        RedirectView.as_view(pattern_name="helpdesk:kiosk", permanent=False, query_string=True),
    ),
    # metrics: leaders' QĐ 766 dashboards (before "office/": Django matches in order) and the
    # public transparency page
    path("office/stats/", include("metrics.office_urls")),
    path("stats/", include("metrics.public_urls")),
    # office: the back office (officer queues, dossier page, counter intake)
    path("office/", include("dossiers.office.urls")),
    # forms: an issued official form's PDF for officers (docs/official-forms.md).
    path("office/bieu-mau/", include("dossiers.forms_urls")),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
