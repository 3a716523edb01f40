"""forms: an issued official form's PDF for officers, `/office/bieu-mau/<dossier>/<document>/`,
and the forms panel's content that the dossier page polls while a form is being issued,
`/office/bieu-mau/<dossier>/` (mounted in portal/urls.py; views in `dossiers.register_views`)."""

from django.urls import path

from dossiers import register_views

app_name = "official_forms"

urlpatterns = [
    path("<uuid:uuid>/", register_views.official_forms_panel_body, name="panel"),
    path("<uuid:uuid>/<uuid:document>/", register_views.official_form_file, name="file"),
]
