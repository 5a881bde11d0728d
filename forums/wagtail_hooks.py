"""Forums in the Wagtail admin, for organisers: site forums and categories. (The moderation log is read
on the moderation queue pages; it is written by forums.services only, so it is not editable here.)"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Board, Category


class BoardViewSet(SnippetViewSet):
    model = Board
    icon = "group"
    search_backend_name = None
    list_display = ["name", "slug", "community", "sort_order"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    search_backend_name = None
    list_display = ["name", "board", "sort_order"]
    list_filter = ["board"]
    search_fields = ["name"]
    panels = [FieldPanel("board"), FieldPanel("name"), FieldPanel("sort_order")]


class ForumsAdminGroup(SnippetViewSetGroup):
    menu_label = _("Forums")
    menu_icon = "comment"
    menu_order = 310
    items = (BoardViewSet, CategoryViewSet)


register_snippet(ForumsAdminGroup)
