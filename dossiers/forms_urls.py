"""forms: an issued official form's PDF for officers, `/office/bieu-mau/<dossier>/<document>/`
(mounted in portal/urls.py; the view is `dossiers.register_views.official_form_file`)."""

from django.urls import path

from dossiers import register_views

app_name = "official_forms"

urlpatterns = [
    path("<uuid:uuid>/<uuid:document>/", register_views.official_form_file, name="file"),
]
