"""The practitioner network in the Wagtail admin, for organisers: organisations and networks (created
here; their focal points edit them on the site), topics, needs, offers and matches."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Match, Need, Offer, Organisation, Topic


class OrmSearchViewSet(SnippetViewSet):
    # Not in the search index: searched with the ORM.
    search_backend_name = None


class _ModelPermissionRequired:
    """Wagtail's chooser views ask only for access to the admin: any admin user (a library editor)
    could list drafts, submitted and rejected needs and offers, and private matches in the choosers.
    These ask for a permission on the model, like the snippet's own list."""

    def dispatch(self, request, *args, **kwargs):
        policy = ModelPermissionPolicy(self.model_class)
        if not policy.user_has_any_permission(request.user, ["add", "change", "delete", "view"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PrivateChooseView(_ModelPermissionRequired, chooser.ChooseView):
    pass


class PrivateChooseResultsView(_ModelPermissionRequired, chooser.ChooseResultsView):
    pass


class PrivateChosenView(_ModelPermissionRequired, chooser.SnippetChosenView):
    pass


class PrivateChosenMultipleView(_ModelPermissionRequired, chooser.SnippetChosenMultipleView):
    pass


class PrivateChooserCreateView(_ModelPermissionRequired, chooser.SnippetCreateView):
    pass


class PrivateChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = PrivateChooseView
    choose_results_view_class = PrivateChooseResultsView
    chosen_view_class = PrivateChosenView
    chosen_multiple_view_class = PrivateChosenMultipleView
    create_view_class = PrivateChooserCreateView


class PrivateViewSet(OrmSearchViewSet):
    """Needs and offers (not all public) and matches (private to their sides): choosers included,
    only for those with a permission on the model."""

    chooser_viewset_class = PrivateChooserViewSet


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


class NeedViewSet(PrivateViewSet):
    model = Need
    icon = "help"
    list_display = ["title", "status", "support_kind", "urgency", "created_at"]
    list_filter = ["status", "support_kind", "urgency"]
    search_fields = ["title", "description"]
    panels = [*EXCHANGE_PANELS, FieldPanel("urgency")]


class OfferViewSet(PrivateViewSet):
    model = Offer
    icon = "success"
    list_display = ["title", "status", "support_kind", "created_at"]
    list_filter = ["status", "support_kind"]
    search_fields = ["title", "description"]
    panels = EXCHANGE_PANELS


class MatchViewSet(PrivateViewSet):
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


@hooks.register("after_bulk_action")
def network_search_after_bulk_action(request, action_type, objects, action):
    """Wagtail's bulk actions on accounts (marking them active or inactive) update the rows without a
    signal: the site search's kept network hits are replaced (cop.network.search)."""
    from .search import network_changed

    if action.model is get_user_model():
        network_changed()
