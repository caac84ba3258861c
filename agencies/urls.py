"""The browser pages of the agencies app: sign in and out, your account, agency admin."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from agencies import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.account, name="account"),
    path("agency/", include("agencies.pages.urls")),
]
