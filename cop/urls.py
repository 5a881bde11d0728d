from django.urls import path

from . import views

app_name = "cop"
urlpatterns = [
    path("me/settings/", views.profile_settings, name="profile_settings"),
]
