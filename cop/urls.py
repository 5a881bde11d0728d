from django.urls import path
from wagtail import views as wagtail_views

from .views import announcements, communities, invitations, management, profiles

app_name = "cop"

_community = "communities/<id:community_id>/"
_manage = _community + "manage/"

urlpatterns = [
    path("me/", profiles.my_profile, name="my_profile"),
    path("me/settings/", profiles.profile_settings, name="profile_settings"),
    path("me/communities/", communities.my_communities, name="my_communities"),
    # The communities index (cop.models.CommunityIndexPage) serves its own listing; this names its address.
    path("communities/", wagtail_views.serve, {"path": "communities/"}, name="community_index"),
    path(_community + "join/", communities.community_join, name="community_join"),
    path(_community + "request/", communities.community_request, name="community_request"),
    path(_community + "withdraw/", communities.community_withdraw, name="community_withdraw"),
    path(_community + "leave/", communities.community_leave, name="community_leave"),
    path(_community + "members/", communities.community_members, name="community_members"),
    path(_community + "announcements/", communities.community_announcements, name="community_announcements"),
    path(_manage, management.community_manage, name="community_manage"),
    path(
        _manage + "requests/<id:membership_id>/approve/", management.request_approve, name="request_approve"
    ),
    path(
        _manage + "requests/<id:membership_id>/decline/", management.request_decline, name="request_decline"
    ),
    path(_manage + "members/<id:membership_id>/role/", management.member_role, name="member_role"),
    path(_manage + "members/<id:membership_id>/remove/", management.member_remove, name="member_remove"),
    path(_manage + "members/<id:membership_id>/ban/", management.member_ban, name="member_ban"),
    path(_manage + "members/<id:membership_id>/unban/", management.member_unban, name="member_unban"),
    path(_manage + "invitations/", management.invitation_create, name="invitation_create"),
    path(
        _manage + "invitations/<id:invitation_id>/revoke/",
        management.invitation_revoke,
        name="invitation_revoke",
    ),
    path(_manage + "announcements/new/", announcements.announcement_edit, name="announcement_create"),
    path(
        _manage + "announcements/<id:announcement_id>/edit/",
        announcements.announcement_edit,
        name="announcement_edit",
    ),
    path(
        _manage + "announcements/<id:announcement_id>/delete/",
        announcements.announcement_delete,
        name="announcement_delete",
    ),
    path("invitations/<text:token>/", invitations.invitation, name="invitation"),
]
