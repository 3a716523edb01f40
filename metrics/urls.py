"""`/thong-ke/`: the Vietnamese address of the public statistics page (`/stats/`)."""

from django.urls import path
from django.views.generic import RedirectView

app_name = "metrics"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="stats:public", query_string=True), name="index"),
]
