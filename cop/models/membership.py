"""Who belongs to which community, in which role, and how they got there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")
    FACILITATOR = "facilitator", _("Facilitator")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Request pending")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Request declined")
    WITHDRAWN = "withdrawn", _("Request withdrawn")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")
    BANNED = "banned", _("Banned")


class Membership(models.Model):
    """One row per (user, community): its status moves through the states above, never duplicated."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey("cop.CommunityPage", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=MembershipStatus.choices)
    request_message = models.TextField(_("message to the facilitators"), blank=True, max_length=2000)
    decision_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    # Set by the e-mail tasks once sent, so that a retried or repeated task sends nothing twice.
    request_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="one_membership_per_user")]
        indexes = [models.Index(fields=["community", "status", "role"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.community_id} ({self.status}, {self.role})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    # The status the row had in the database when this instance was loaded or last saved (None for a
    # new row, _UNKNOWN when it was not loaded): cop.signals compares it with the status being saved, or
    # deleted, to tell the apps above cop that access ended, whichever path changed the row (a service,
    # the Wagtail admin's edit or delete view, a shell).
    _UNKNOWN = object()
    _saved_status = _UNKNOWN

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_status = instance.__dict__.get("status", cls._UNKNOWN)
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._saved_status = self.__dict__.get("status", self._UNKNOWN)

    def status_in_database(self):
        """The status the row has now in the database (None if there is no row yet), read again only
        when this instance was not loaded with it."""
        if self._saved_status is self._UNKNOWN:
            if self.pk is None:
                return None
            return Membership.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        return self._saved_status


class Invitation(models.Model):
    """A facilitator's invitation by e-mail. The link carries a signed, expiring token of this row's id;
    it can be used once (accepted_at)."""

    community = models.ForeignKey("cop.CommunityPage", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    message = models.TextField(_("personal message"), blank=True, max_length=2000)
    # The e-mail goes out in the language the facilitator was using when inviting.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "accepted_at"])]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} -> {self.community_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
