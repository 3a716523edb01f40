from django.urls import include, path

from accounts.identity import mandate_views, sms_sign_in_views, views

app_name = "identity"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("oidc/<str:provider_id>/callback/", views.oidc_callback, name="oidc_callback"),
    path("dang-nhap/", views.sign_in, name="sign_in"),
    path("dang-xuat/", views.logout, name="logout"),
    path("dang-nhap-sms/", sms_sign_in_views.sms_sign_in_start, name="sms_sign_in"),
    path("dang-nhap-sms/ma/", sms_sign_in_views.sms_sign_in_code, name="sms_sign_in_code"),
    path("uy-quyen/", views.mandate_list, name="mandates"),
    path("uy-quyen/tai-quay/", views.mandate_counter, name="mandate_counter"),
    path("uy-quyen/<uuid:uuid>/thu-hoi/", views.mandate_revoke, name="mandate_revoke"),
    path("uy-quyen/<uuid:uuid>/xac-nhan/", views.mandate_confirm, name="mandate_confirm"),
    path("uy-quyen/xin/", mandate_views.mandate_ask, name="mandate_ask"),
    path("uy-quyen/<uuid:uuid>/nhan/", mandate_views.mandate_accept, name="mandate_accept"),
    path("uy-quyen/<uuid:uuid>/ma-xac-nhan/", mandate_views.mandate_code, name="mandate_code"),
    path(
        "uy-quyen/<uuid:uuid>/gui-lai-ma/",
        mandate_views.mandate_code_resend,
        name="mandate_code_resend",
    ),
    path("to-chuc/<uuid:uuid>/", views.organisation_detail, name="organisation"),
    path("quyen-rieng-tu/", views.privacy_notice, name="privacy_notice"),
    path("du-lieu-ca-nhan/", views.personal_data, name="personal_data"),
    path("du-lieu-ca-nhan.pdf", views.personal_data_pdf, name="personal_data_pdf"),
    path("yeu-cau-du-lieu/", views.privacy_queue, name="privacy_queue"),
    path("yeu-cau-du-lieu/<uuid:uuid>/", views.privacy_request_handle, name="privacy_request"),
    path("gia-lap-vneid/", include("accounts.identity.simulator.urls")),
]
