from django.urls import path

from . import views

app_name = "cop"

_community = "communities/<id:community_id>/"
_manage = _community + "manage/"

urlpatterns = [
    path("me/", views.my_profile, name="my_profile"),
    path("me/settings/", views.profile_settings, name="profile_settings"),
    path("me/communities/", views.my_communities, name="my_communities"),
    path("communities/", views.community_index, name="community_index"),
    path(_community + "join/", views.community_join, name="community_join"),
    path(_community + "request/", views.community_request, name="community_request"),
    path(_community + "withdraw/", views.community_withdraw, name="community_withdraw"),
    path(_community + "leave/", views.community_leave, name="community_leave"),
    path(_community + "members/", views.community_members, name="community_members"),
    path(_community + "announcements/", views.community_announcements, name="community_announcements"),
    path(_manage, views.community_manage, name="community_manage"),
    path(_manage + "requests/<id:membership_id>/approve/", views.request_approve, name="request_approve"),
    path(_manage + "requests/<id:membership_id>/decline/", views.request_decline, name="request_decline"),
    path(_manage + "members/<id:membership_id>/role/", views.member_role, name="member_role"),
    path(_manage + "members/<id:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(_manage + "members/<id:membership_id>/ban/", views.member_ban, name="member_ban"),
    path(_manage + "members/<id:membership_id>/unban/", views.member_unban, name="member_unban"),
    path(_manage + "invitations/", views.invitation_create, name="invitation_create"),
    path(
        _manage + "invitations/<id:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path(_manage + "announcements/new/", views.announcement_edit, name="announcement_create"),
    path(
        _manage + "announcements/<id:announcement_id>/edit/",
        views.announcement_edit,
        name="announcement_edit",
    ),
    path(
        _manage + "announcements/<id:announcement_id>/delete/",
        views.announcement_delete,
        name="announcement_delete",
    ),
    path("invitations/<text:token>/", views.invitation, name="invitation"),
    path("network/", views.network, name="network"),
    path("people/<id:user_id>/", views.profile, name="profile"),
]
