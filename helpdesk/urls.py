from django.urls import path

from helpdesk import staff_views, views

app_name = "helpdesk"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("cong-khai/<str:code>/", views.public_detail, name="public_detail"),
    path("anh/<uuid:uuid>/", views.photo, name="photo"),
    path("gui/", views.report_new, name="report_new"),
    path("xac-minh/", views.verify_phone, name="verify_phone"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<str:code>/", views.track_detail, name="track_detail"),
    path("tra-cuu/<str:code>/bo-sung/", views.track_supply, name="track_supply"),
    path("tra-cuu/<str:code>/danh-gia/", views.track_rate, name="track_rate"),
    path("cua-toi/", views.my_reports, name="my_reports"),
    # triage workspace (helpdesk officers, and agency officers for their assigned reports)
    path("xu-ly/", staff_views.queue, name="queue"),
    path("xu-ly/tiep-nhan/", staff_views.operator_new, name="operator_new"),
    path("xu-ly/<str:code>/", staff_views.staff_detail, name="staff_detail"),
    path(
        "xu-ly/<str:code>/anh/<uuid:uuid>/an/",
        staff_views.staff_hide_photo,
        name="staff_hide_photo",
    ),
    path("xu-ly/<str:code>/<slug:action>/", staff_views.staff_action, name="staff_action"),
    # questions and answers
    path("hoi-dap/", views.faq, name="faq"),
    path("hoi-dap/dat-cau-hoi/", views.ask, name="ask"),
    path("hoi-dap/cua-toi/", views.my_questions, name="my_questions"),
    path("hoi-dap/xu-ly/", staff_views.question_queue, name="question_queue"),
    path("hoi-dap/xu-ly/<str:code>/", staff_views.question_detail, name="question_detail"),
    path(
        "hoi-dap/xu-ly/<str:code>/<slug:action>/",
        staff_views.question_action,
        name="question_action",
    ),
    path("hoi-dap/<str:code>/", views.faq_entry, name="faq_entry"),
    # satisfaction with a returned dossier
    path("danh-gia-ho-so/<str:code>/", views.dossier_rate, name="dossier_rate"),
    path("kiosk/danh-gia/", views.kiosk, name="kiosk"),
    path("kiosk/danh-gia/lam-lai/", views.kiosk_reset, name="kiosk_reset"),
]
