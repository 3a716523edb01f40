"""The portal's URLs plus the benchmarks' baselines (bench/settings_bench.py only, never deployed).

- `/bench/trivial`: a view that does nothing, through the whole middleware stack: the ceiling
  of any page on this machine, the "trivial view" every page figure is divided by;
- `/bench/one-query`: one indexed query (a procedure by its code): the ceiling of a page that
  reads the database.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from procedures.models import Procedure


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def one_query(request: HttpRequest) -> HttpResponse:
    name = Procedure.objects.filter(code="1.004222").values_list("name", flat=True).first()
    return HttpResponse((name or "-").encode(), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/one-query", one_query),
    path("", include("portal.urls")),
]
