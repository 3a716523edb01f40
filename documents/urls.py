from django.urls import path

from documents import csc_simulator, views

app_name = "documents"

urlpatterns = [
    path("", views.store_list, name="list"),
    path("tai-len/", views.upload, name="upload"),
    path("to-chuc/<uuid:org_uuid>/", views.store_list, name="org_list"),
    path("to-chuc/<uuid:org_uuid>/tai-len/", views.upload, name="org_upload"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/tai-ve/", views.download, name="download"),
    path("<uuid:uuid>/doi-ten/", views.rename, name="rename"),
    path("<uuid:uuid>/hieu-luc/", views.set_validity, name="validity"),
    path("<uuid:uuid>/xoa/", views.delete, name="delete"),
    path("<uuid:uuid>/ky-so-tu-xa/", views.sign_remote, name="sign_remote"),
    # The remote-signing simulator (CSC API v2); answers 404 unless CSC_SIMULATOR_ENABLED.
    path("csc/v2/info", csc_simulator.info, name="csc_info"),
    path("csc/v2/credentials/list", csc_simulator.credentials_list, name="csc_credentials_list"),
    path("csc/v2/credentials/info", csc_simulator.credentials_info, name="csc_credentials_info"),
    path("csc/v2/credentials/sendOTP", csc_simulator.credentials_send_otp, name="csc_send_otp"),
    path("csc/v2/credentials/authorize", csc_simulator.credentials_authorize, name="csc_authorize"),
    path("csc/v2/signatures/signHash", csc_simulator.signatures_sign_hash, name="csc_sign_hash"),
]
