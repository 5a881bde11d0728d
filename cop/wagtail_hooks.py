"""The shared vocabularies, memberships and announcements in the Wagtail admin, for organisers; and who
may download a Wagtail document (the pages that use it decide, see cop.files)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cop.files import file_access
from cop.models import (
    Announcement,
    CountryRegion,
    GBFGoal,
    GBFTarget,
    KMComponent,
    Language,
    Membership,
    Region,
    StakeholderGroup,
)


class OrmSearchViewSet(SnippetViewSet):
    # These models are small and not in the search index: search them with the ORM.
    search_backend_name = None


class GBFGoalViewSet(OrmSearchViewSet):
    model = GBFGoal
    icon = "flag"
    list_display = ["code", "summary"]
    search_fields = ["summary"]


class GBFTargetViewSet(OrmSearchViewSet):
    model = GBFTarget
    icon = "pick"
    list_display = ["number", "title", "group"]
    list_filter = ["group"]
    search_fields = ["title"]


class StakeholderGroupViewSet(OrmSearchViewSet):
    model = StakeholderGroup
    icon = "group"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class KMComponentViewSet(OrmSearchViewSet):
    model = KMComponent
    icon = "cogs"
    list_display = ["name", "slug", "sort_order"]


class RegionViewSet(OrmSearchViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "m49_code", "parent"]
    list_filter = ["parent"]
    search_fields = ["name", "m49_code"]


class CountryRegionViewSet(OrmSearchViewSet):
    model = CountryRegion
    icon = "globe"
    menu_label = _("Countries")
    list_display = ["country", "region"]
    list_filter = ["region"]
    list_per_page = 50


class LanguageViewSet(OrmSearchViewSet):
    model = Language
    icon = "openquote"
    list_display = ["name", "native_name", "code", "is_un_language"]
    list_filter = ["is_un_language"]
    search_fields = ["name", "native_name", "code"]


class VocabularyGroup(SnippetViewSetGroup):
    menu_label = _("Vocabularies")
    menu_icon = "tag"
    menu_order = 300
    items = (
        GBFGoalViewSet,
        GBFTargetViewSet,
        StakeholderGroupViewSet,
        KMComponentViewSet,
        RegionViewSet,
        CountryRegionViewSet,
        LanguageViewSet,
    )


class MembershipViewSet(OrmSearchViewSet):
    """Organisers see every membership; facilitators decide them on the community's front end."""

    model = Membership
    icon = "user"
    list_display = ["user", "community", "role", "status", "updated_at"]
    list_filter = ["status", "role", "community"]
    search_fields = ["user__email", "user__display_name"]
    panels = [
        FieldPanel("user"),
        FieldPanel("community"),
        FieldPanel("role"),
        FieldPanel("status"),
        FieldPanel("request_message"),
        FieldPanel("decision_reason"),
    ]


class AnnouncementViewSet(OrmSearchViewSet):
    model = Announcement
    icon = "info-circle"
    list_display = ["title", "community", "pinned", "created_at"]
    list_filter = ["pinned", "community"]
    search_fields = ["title", "body"]
    panels = [FieldPanel("community"), FieldPanel("title"), FieldPanel("body"), FieldPanel("pinned")]


class CommunityAdminGroup(SnippetViewSetGroup):
    menu_label = _("Communities")
    menu_icon = "group"
    menu_order = 310
    items = (MembershipViewSet, AnnouncementViewSet)


register_snippet(VocabularyGroup)
register_snippet(CommunityAdminGroup)


@hooks.register("before_serve_document")
def serve_documents_as_their_pages(document, request):
    """A document used only by private pages is served only to those who may see one of them (cop.files);
    others get the site's "not found" page, so a private file's existence is not revealed."""
    if not file_access(request, document).allowed:
        raise Http404
