"""A URLconf for tests only: one view that fails, to see the 500 page."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("boom for the 500 page test")


urlpatterns = [
    path("boom/", boom),
    path("", include("portal.urls")),
]

handler500 = "portal.views.error_500"
