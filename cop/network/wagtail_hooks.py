"""The practitioner network in the Wagtail admin, for organisers: organisations and networks (created
here; their focal points edit them on the site), topics, needs, offers and matches."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Match, Need, Offer, Organisation, Topic


class OrmSearchViewSet(SnippetViewSet):
    # Not in the search index: searched with the ORM.
    search_backend_name = None


class OrganisationViewSet(OrmSearchViewSet):
    model = Organisation
    icon = "site"
    list_display = ["name", "kind", "scope", "updated_at"]
    list_filter = ["kind", "scope"]
    search_fields = ["name", "mission"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("scope"),
        FieldPanel("mission"),
        FieldPanel("countries"),
        FieldPanel("website"),
        FieldPanel("feed_url"),
        FieldPanel("gbf_targets"),
        FieldPanel("focal_points"),
        FieldPanel("member_organisations"),
    ]


class TopicViewSet(OrmSearchViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


# Status changes (moderation, closing) go through the site's services, which record who decided.
EXCHANGE_PANELS = [
    FieldPanel("title"),
    FieldPanel("description"),
    FieldPanel("rationale"),
    FieldPanel("support_kind"),
    FieldPanel("gbf_targets"),
    FieldPanel("km_components"),
    FieldPanel("country"),
    FieldPanel("language"),
    FieldPanel("expires_on"),
    FieldPanel("author"),
    FieldPanel("organisation"),
    # For a practitioner not yet on the platform (a curated entry): it becomes theirs when they claim it.
    FieldPanel("curated_entry"),
]


class NeedViewSet(OrmSearchViewSet):
    model = Need
    icon = "help"
    list_display = ["title", "status", "support_kind", "urgency", "created_at"]
    list_filter = ["status", "support_kind", "urgency"]
    search_fields = ["title", "description"]
    panels = [*EXCHANGE_PANELS, FieldPanel("urgency")]


class OfferViewSet(OrmSearchViewSet):
    model = Offer
    icon = "success"
    list_display = ["title", "status", "support_kind", "created_at"]
    list_filter = ["status", "support_kind"]
    search_fields = ["title", "description"]
    panels = EXCHANGE_PANELS


class MatchViewSet(OrmSearchViewSet):
    model = Match
    icon = "link"
    list_display = ["need", "offer", "status", "updated_at"]
    list_filter = ["status"]
    # The workflow moves on the site (cop.network.services.matches checks each step); here only the
    # outcome and report may be corrected.
    panels = [FieldPanel("outcome"), FieldPanel("report")]


class NetworkAdminGroup(SnippetViewSetGroup):
    menu_label = _("Practitioner network")
    menu_icon = "group"
    menu_order = 320
    items = (OrganisationViewSet, TopicViewSet, NeedViewSet, OfferViewSet, MatchViewSet)


register_snippet(NetworkAdminGroup)
