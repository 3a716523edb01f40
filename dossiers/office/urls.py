"""`/office/`: the officer's workspace (mounted in portal/urls.py)."""

from django.urls import path

from dossiers.office import views

app_name = "office"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("hang-doi/<slug:queue>/", views.workspace, name="queue"),
    path("ho-so/<uuid:uuid>/", views.detail, name="detail"),
    # By dossier code (links in staff notifications); redirects to the page above.
    path("ma/<str:code>/", views.by_code, name="dossier"),
    path("ho-so/<uuid:uuid>/thao-tac/", views.action, name="action"),
    path("ho-so/<uuid:uuid>/tiep-nhan/", views.reception, name="reception"),
    path("ho-so/<uuid:uuid>/truong-hop/", views.case_change, name="case_change"),
    path("ho-so/<uuid:uuid>/ghi-chu/", views.note, name="note"),
    path("ho-so/<uuid:uuid>/phan-cong/", views.assign, name="assign"),
    path("ho-so/<uuid:uuid>/xin-y-kien/", views.consult, name="consult"),
    path(
        "ho-so/<uuid:uuid>/xin-y-kien/<uuid:consultation>/tra-loi/",
        views.consult_reply,
        name="consult_reply",
    ),
    path(
        "ho-so/<uuid:uuid>/lien-thong/<uuid:task>/hoan-thanh/",
        views.task_complete,
        name="task_complete",
    ),
    path("ho-so/<uuid:uuid>/gia-han/", views.extend, name="extend"),
    path("ho-so/<uuid:uuid>/gia-han/de-xuat/", views.extension_proposal, name="extension_proposal"),
    path(
        "ho-so/<uuid:uuid>/gia-han/phe-duyet/", views.extension_decision, name="extension_decision"
    ),
    path("ho-so/<uuid:uuid>/lien-thong/", views.interagency, name="interagency"),
    path("ho-so/<uuid:uuid>/ket-qua/", views.result, name="result"),
    path("ho-so/<uuid:uuid>/ket-qua/xem/", views.result_file, name="result_file"),
    path("ho-so/<uuid:uuid>/ket-qua/trang-<int:page>.png", views.result_page, name="result_page"),
    path("ho-so/<uuid:uuid>/ket-qua/ky-so/", views.result_sign, name="result_sign"),
    path("ho-so/<uuid:uuid>/ket-qua/vao-so/", views.result_register, name="result_register"),
    path(
        "ho-so/<uuid:uuid>/thanh-phan/<uuid:component>/",
        views.component_file,
        name="component_file",
    ),
    path("tiep-nhan-tai-quay/", views.counter, name="counter"),
    path("tiep-nhan-tai-quay/<uuid:uuid>/", views.counter_draft, name="counter_draft"),
    # A citizen who comes in person revokes a mandate they gave (ADR 0360).
    path("uy-quyen/", views.mandate_list, name="mandates"),
    path("uy-quyen/<uuid:uuid>/thu-hoi/", views.mandate_revoke, name="mandate_revoke"),
    # The national identity's answer to "the citizen confirms" and the return after its logout:
    # fixed addresses registered with the provider; the dossier is in the officer's session.
    path(
        "tiep-nhan-tai-quay/dinh-danh/",
        views.counter_identity_return,
        name="counter_identity_return",
    ),
    path(
        "tiep-nhan-tai-quay/dinh-danh/xong/",
        views.counter_identity_done,
        name="counter_identity_done",
    ),
]

# forms: Mẫu 07, the dossier register (staff; dossiers/register_views.py).
from dossiers import register_views  # noqa: E402

urlpatterns += [path("so-theo-doi/", register_views.register_page, name="register")]
