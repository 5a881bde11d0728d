"""Boards: one per community, plus site forums that belong to no community."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cop.text import strip_bidi_controls


class Board(models.Model):
    """A forum. With a community it follows the community's rules (cop.permissions); without one it is
    a site forum: anyone reads, any signed-in user posts, site staff moderate."""

    community = models.OneToOneField(
        "cop.CommunityPage",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="board",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:board", kwargs={"slug": self.slug})

    def clean(self):
        # The snippet editor's input: no bidirectional controls in a name shown in every list.
        super().clean()
        self.name = strip_bidi_controls(self.name)

    @property
    def is_site_forum(self) -> bool:
        return self.community_id is None


class Category(models.Model):
    """An optional grouping of threads inside a board (e.g. "Announcements", "Tools")."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="forums_category_unique_name")]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.name = strip_bidi_controls(self.name)


class PostingBan(models.Model):
    """A ban from posting in a site forum (community boards use the community membership's ban)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "user"], name="forums_one_ban_per_board")]
        verbose_name = _("posting ban")
        verbose_name_plural = _("posting bans")

    def __str__(self) -> str:
        return f"{self.user_id} banned from {self.board_id}"
