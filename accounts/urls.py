from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("ho-so/", views.profile, name="profile"),
    path("du-lieu-cua-toi.json", views.personal_data_download, name="personal_data"),
]
