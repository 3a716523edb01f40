from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("dong-bo/loi/", views.sync_failures, name="sync_failures"),
    path("dong-bo/<uuid:dossier_uuid>/thu-lai/", views.sync_retry, name="sync_retry"),
    path("buu-chinh/<uuid:dossier_uuid>/thu-gom/", views.postal_pickup, name="postal_pickup"),
    path(
        "buu-chinh/<uuid:dossier_uuid>/gui-ket-qua/", views.postal_dispatch, name="postal_dispatch"
    ),
    path("vnpost/callback/", views.vnpost_callback, name="vnpost_callback"),
    # The local simulators (404 unless their setting is on).
    path("mo-phong/dvcqg/", views.dvcqg_console, name="dvcqg_console"),
    path("mo-phong/dvcqg/auth", views.dvcqg_auth, name="dvcqg_auth"),
    path("mo-phong/dvcqg/service", views.dvcqg_service, name="dvcqg_service"),
    path("mo-phong/dvcqg/tep/<str:code>/<str:name>", views.dvcqg_file, name="dvcqg_file"),
    path("mo-phong/vnpost/", views.vnpost_console, name="vnpost_console"),
    path("mo-phong/vnpost/api/orders", views.vnpost_orders, name="vnpost_orders"),
]
