from django.urls import path, re_path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("ty-le-truc-tuyen/", views.online_share, name="online_share"),
    path("phan-loai/", views.classification, name="classification"),
    path("phan-loai/<uuid:uuid>/", views.decide, name="decide"),
    re_path(r"^(?P<code>\d+\.\d{6})/$", views.detail, name="detail"),
    re_path(r"^(?P<code>\d+\.\d{6})/de-xuat/$", views.propose, name="propose"),
]
