from django.urls import path

from metrics import views

app_name = "metrics_office"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.dossiers, name="dossiers"),
    path("xuat/<str:fmt>/", views.export, name="export"),
]
