from django.urls import path

from . import views

app_name = "live"
urlpatterns = [
    path("communities/<id:community_id>/rooms/", views.room_list, name="room_list"),
    path("rooms/<id:room_id>/", views.room_detail, name="room_detail"),
    path("rooms/<id:room_id>/post/", views.room_post, name="room_post"),
    path("rooms/<id:room_id>/settings/", views.room_settings, name="room_settings"),
    path("rooms/<id:room_id>/transcript/", views.room_transcript, name="room_transcript"),
    path(
        "rooms/<id:room_id>/messages/<id:message_id>/moderate/",
        views.message_moderate,
        name="message_moderate",
    ),
]
