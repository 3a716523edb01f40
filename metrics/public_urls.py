from django.urls import path

from metrics import views

app_name = "stats"

urlpatterns = [
    path("", views.public, name="public"),
    path("xuat/<str:fmt>/", views.public_export, name="export"),
]
