from django.urls import path

from agencies import views

urlpatterns = [
    path("", views.account, name="agency-admin"),
]
