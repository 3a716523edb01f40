from django.urls import path, re_path

from dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("tra-cuu/", views.lookup, name="lookup"),
    re_path(r"^bat-dau/(?P<code>\d+\.\d{6})/$", views.start, name="start"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/tiep-tuc/", views.resume, name="resume"),
    path("<uuid:uuid>/buoc/<slug:step>/", views.step, name="step"),
    path("<uuid:uuid>/buoc/<slug:step>/tu-luu/", views.step_autosave, name="step_autosave"),
    path("<uuid:uuid>/truong-hop/", views.case_choose, name="case_choose"),
    path("<uuid:uuid>/xoa-nhap/", views.draft_delete, name="draft_delete"),
    path("<uuid:uuid>/da-nop/", views.confirmation, name="confirmation"),
    path("<uuid:uuid>/giay-xac-nhan.pdf", views.confirmation_pdf, name="confirmation_pdf"),
    path(
        "<uuid:uuid>/thanh-phan/<uuid:component>/tai-ve/",
        views.component_download,
        name="component_download",
    ),
    path("<uuid:uuid>/rut-ho-so/", views.withdraw, name="withdraw"),
    path("<uuid:uuid>/huy-rut-ho-so/", views.withdraw_cancel, name="withdraw_cancel"),
    path("<uuid:uuid>/bo-sung/", views.supplement, name="supplement"),
]
