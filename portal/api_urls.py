from django.urls import path

from portal.api import api

urlpatterns = [path("", api.urls)]
