from django.urls import path

from documents import views

app_name = "verify"

urlpatterns = [
    path("", views.verify, name="index"),
    path("<uuid:uuid>/", views.verify, name="document"),
]
