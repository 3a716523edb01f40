from django.urls import path

from accounts.identity.simulator import views

urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="simulator_discovery"),
    path("jwks", views.jwks, name="simulator_jwks"),
    path("authorize", views.authorize, name="simulator_authorize"),
    path("token", views.token, name="simulator_token"),
    path("userinfo", views.userinfo, name="simulator_userinfo"),
    path("end-session", views.end_session, name="simulator_end_session"),
]
