"""The library in the Wagtail admin."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.pages.search import SearchView as PageSearchView
from wagtail.admin.views.pages.usage import ContentTypeUseView
from wagtail.admin.viewsets.pages import base_page_viewset
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_blocks import (
    BlockDeleteView,
    BlockEditView,
    BlockHistoryView,
    BlockInspectView,
    BlockUsageView,
    BuildingBlockPermissionPolicy,
)
from .admin_files import (
    LIBRARY_SAFE_BULK_ACTIONS,
    LibrarySafeDocumentsAdminAPIViewSet,
    LibrarySafeImagesAdminAPIViewSet,
    document_permission_policy,
    image_permission_policy,
)
from .admin_forms import BuildingBlockAdminForm
from .admin_reports import unreadable_tk_pages
from .models import BuildingBlock, CaseStudyPage, Ecosystem, Label, LibraryCollection
from .permissions import Access, access
from .publication import before_publish_page as refuse_publishing_without_consent

# FILES (documents and images) ----
# Wagtail's permission policy for documents and images, narrowed by the access decision: no editor,
# superusers included, has any right on the files of a TK item they may not read in full, nor on the
# evidence of a consent they are no custodian of, so every admin view that asks the policy (listings,
# search, choosers, edit, usage, multiple upload, bulk actions, image preview) leaves them out
# (cop.library.admin_files). For the exact models: Wagtail's apps register theirs for the model and its
# subclasses, and may do so after this module is loaded (hooks are searched while apps get ready); a
# policy for the exact class is the one looked up first.
register_permission_policy(get_document_model(), document_permission_policy(), exact_class=True)
register_permission_policy(get_image_model(), image_permission_policy(), exact_class=True)
# Building blocks: no right on a TK block the editor may not read in full, in every snippet view that asks
# the policy (cop.library.admin_blocks); the copy view asks nothing else.
register_permission_policy(BuildingBlock, BuildingBlockPermissionPolicy(BuildingBlock), exact_class=True)

# Wagtail's bulk actions on documents and images name the chosen files the user may not act on: the
# same actions without those (registered after Wagtail's, so these replace them).
for _action in LIBRARY_SAFE_BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=1)

# PUBLICATION (the consent lifecycle) ----
# A case study holding traditional knowledge is not published without an active consent record: the
# editor is sent back to the edit view with the reason, the draft just saved is kept.
hooks.register("before_publish_page", refuse_publishing_without_consent)

# ACCESS IN THE ADMIN (the core) ----
# Editors see and open traditional-knowledge items only as cop.library.permissions.access allows: an
# item they may not read in full is left out of the explorer, its search and the page chooser, and its
# edit, delete, copy and move views refuse them (its preview answers as the page does: the notice or a
# 404). Superusers are NOT custodians: Wagtail lets them edit anything, but the library shows them a
# TK item only when the consent's audience includes them (or they are among its custodians). Titles of
# TK items in admin listings are their notice titles (CaseStudyPage.get_admin_display_title), and the
# building-block snippets show theirs (BuildingBlock.__str__).


@hooks.register("construct_explorer_page_queryset")
def hide_unreadable_tk_in_explorer(parent_page, pages, request):
    return pages.exclude(pk__in=unreadable_tk_pages(request.user))


@hooks.register("construct_page_chooser_queryset")
def hide_unreadable_tk_in_chooser(pages, request):
    return pages.exclude(pk__in=unreadable_tk_pages(request.user))


class LibrarySafePageSearchView(PageSearchView):
    """The admin's page search leaves out the TK case studies the editor may not read in full, as the
    explorer and the chooser do: Wagtail's search view asks no hook, and its rows link to the page's own
    address, made from its restricted title (a leak the leak matrix caught)."""

    def annotate_queryset(self, pages):
        unreadable = unreadable_tk_pages(self.request.user)
        self.all_pages = self.all_pages.exclude(pk__in=unreadable)  # the page-type facet counts
        return super().annotate_queryset(pages.exclude(pk__in=unreadable))


class LibrarySafeContentTypeUseView(ContentTypeUseView):
    """The admin's list of the pages of one type (/admin/pages/usage/<app>/<model>/), without the TK
    case studies the editor may not read in full (it asks no hook either)."""

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(pk__in=unreadable_tk_pages(self.request.user))


# Only the base Page viewset serves these admin views (CaseStudyPage has no viewset of its own; the
# views are built on first use, after this module is loaded).
base_page_viewset.search_view_class = LibrarySafePageSearchView
base_page_viewset.content_type_use_view_class = LibrarySafeContentTypeUseView


class LibrarySafePagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """The admin API's pages (the explorer menu's source) without the TK case studies the editor may
    not read in full: its detail and plain listings ask no hook and return the page's title, slug and
    address (a leak the leak matrix caught)."""

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(pk__in=unreadable_tk_pages(self.request.user))


@hooks.register("construct_admin_api", order=1)  # after Wagtail's documents and images register theirs
def library_safe_admin_api(router):
    router.register_endpoint("pages", LibrarySafePagesAdminAPIViewSet)
    # Documents and images: the admin API asks no permission policy (cop.library.admin_files).
    router.register_endpoint("documents", LibrarySafeDocumentsAdminAPIViewSet)
    router.register_endpoint("images", LibrarySafeImagesAdminAPIViewSet)


def _refuse_unreadable_page(request, page, *args, **kwargs):
    specific = page.specific_deferred if not isinstance(page, CaseStudyPage) else page
    if isinstance(specific, CaseStudyPage) and access(request.user, specific) != Access.FULL:
        raise PermissionDenied


for _hook_name in ("before_edit_page", "before_delete_page", "before_copy_page", "before_move_page"):
    hooks.register(_hook_name, _refuse_unreadable_page)


class BuildingBlockViewSet(SnippetViewSet):
    model = BuildingBlock
    edit_view_class = BlockEditView
    delete_view_class = BlockDeleteView
    usage_view_class = BlockUsageView
    history_view_class = BlockHistoryView
    inspect_view_class = BlockInspectView
    icon = "cogs"
    edit_handler = ObjectList(BuildingBlock.panels, base_form_class=BuildingBlockAdminForm)
    list_display = ["__str__", "status", "library", "updated_at"]
    list_filter = ["status", "holds_traditional_knowledge"]
    search_backend_name = None  # the ORM, over the rows get_queryset leaves
    search_fields = ["title", "summary"]

    def get_queryset(self, request):
        """The blocks the editor has a right on (BuildingBlockPermissionPolicy: without traditional
        knowledge, or with it and readable in full): Wagtail's listing asks the viewset, not the policy."""
        policy = self.permission_policy
        blocks = policy.instances_user_has_any_permission_for(
            request.user, ["add", "change", "delete", "view"]
        )
        return blocks.select_related("library", "consent")


class LibraryCollectionViewSet(SnippetViewSet):
    model = LibraryCollection
    icon = "list-ul"
    list_display = ["title", "library"]
    search_backend_name = None
    search_fields = ["title"]


class LabelViewSet(SnippetViewSet):
    model = Label
    icon = "tag"
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_backend_name = None
    search_fields = ["name"]


class EcosystemViewSet(SnippetViewSet):
    model = Ecosystem
    icon = "globe"
    list_display = ["name", "slug", "sort_order"]
    search_backend_name = None
    search_fields = ["name"]


class LibraryAdminGroup(SnippetViewSetGroup):
    menu_label = _("Case-study libraries")
    menu_icon = "doc-full"
    menu_order = 260
    items = (BuildingBlockViewSet, LibraryCollectionViewSet, LabelViewSet, EcosystemViewSet)


register_snippet(LibraryAdminGroup)
