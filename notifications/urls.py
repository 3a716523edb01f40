from django.urls import path

from notifications import simulators, views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("chuong/", views.bell, name="bell"),
    path("tuy-chon/", views.preferences, name="preferences"),
    path("da-doc-tat-ca/", views.inbox_mark_all_read, name="mark_all_read"),
    path("<uuid:uuid>/", views.inbox_detail, name="detail"),
    path("<uuid:uuid>/da-doc/", views.inbox_mark_read, name="mark_read"),
    path("can-bo/nhat-ky/", views.delivery_log, name="delivery_log"),
    path("can-bo/loi-gui/", views.failures, name="failures"),
    path("twilio/trang-thai/<uuid:uuid>/", views.twilio_status, name="twilio_status"),
    # local simulators (answer only while the provider is disabled)
    path("mo-phong/", views.simulator_log, name="simulator_log"),
    path("mo-phong/<str:message_id>/bao-cao/", views.simulator_report, name="simulator_report"),
    path(
        "mo-phong/twilio/2010-04-01/Accounts/<str:account_sid>/Messages.json",
        simulators.twilio_messages,
        name="sim_twilio_messages",
    ),
    path(
        "mo-phong/zalo/oauth/v4/oa/access_token",
        simulators.zalo_access_token,
        name="sim_zalo_token",
    ),
    path(
        "mo-phong/zalo/api/message/template", simulators.zalo_template_message, name="sim_zalo_zns"
    ),
]
