"""Free, prior and informed consent (FPIC) for traditional knowledge: the consent record that governs
every surface of an item, access requests, the append-only audit log, and who viewed restricted items.
The services that change them live in cop.library.services; the decision in cop.library.permissions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ConsentProcess(models.TextChoices):
    COMMUNITY_PROTOCOL = "community_protocol", _("Community protocol")
    ASSEMBLY = "assembly", _("Community assembly")
    WRITTEN = "written", _("Written consent")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in members of the platform")
    COMMUNITIES = "communities", _("Members of the named communities")
    PEOPLE = "people", _("The named people")


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


_ONE_ITEM = Q(case_study__isnull=False, building_block__isnull=True) | Q(
    case_study__isnull=True, building_block__isnull=False
)


class ConsentRecord(models.Model):
    """The consent of the holder community for one case study or one building block."""

    case_study = models.OneToOneField(
        "cop_library.CaseStudyPage",
        verbose_name=_("case study"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent",
    )
    building_block = models.OneToOneField(
        "cop_library.BuildingBlock",
        verbose_name=_("building block"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent",
    )
    holder_community = models.ForeignKey(
        "cop.CommunityPage",
        verbose_name=_("holder community on the platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    holder_name = models.CharField(_("holder community (not on the platform)"), max_length=200, blank=True)
    consented_by = models.TextField(_("who consented"), max_length=1000)
    consenter_role = models.CharField(_("their role in the community"), max_length=200, blank=True)
    consented_on = models.DateField(_("date of consent"))
    process = models.CharField(_("process"), max_length=20, choices=ConsentProcess.choices)
    process_notes = models.TextField(_("about the process"), max_length=2000, blank=True)
    scope_parts = models.TextField(_("parts covered"), max_length=2000, blank=True)
    allow_view = models.BooleanField(_("may be viewed"), default=True)
    allow_download = models.BooleanField(_("may be downloaded"), default=False)
    allow_cite = models.BooleanField(_("may be cited"), default=False)
    allow_adapt = models.BooleanField(_("may be adapted"), default=False)
    allow_commercial = models.BooleanField(_("commercial use allowed"), default=False)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.COMMUNITIES
    )
    audience_communities = models.ManyToManyField(
        "cop.CommunityPage", verbose_name=_("audience communities"), blank=True, related_name="+"
    )
    audience_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("audience people"), blank=True, related_name="+"
    )
    secret_sacred = models.BooleanField(
        _("secret or sacred"), default=False, help_text=_("Outside the audience, nothing at all is shown.")
    )
    notice_title = models.CharField(_("notice title"), max_length=200, blank=True)
    notice_summary = models.TextField(_("notice summary"), max_length=1000, blank=True)
    conditions = models.TextField(_("conditions"), max_length=4000, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    evidence = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("evidence of consent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    custodians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("custodians"), blank=True, related_name="custodianships"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.ACTIVE
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), max_length=2000, blank=True)
    # +1 on every change: part of every cache key of what the item shows.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [models.CheckConstraint(condition=_ONE_ITEM, name="library_consent_one_item")]

    def __str__(self) -> str:
        return self.notice_title or str(_("Consent record %(pk)s") % {"pk": self.pk})

    @property
    def item(self):
        return self.case_study if self.case_study_id else self.building_block

    @property
    def uses(self) -> tuple[list[str], list[str]]:
        """The uses the holder community consented to, and those it did not, as readers are told."""
        allowed, refused = [], []
        for consented, name in (
            (self.allow_view, _("viewing")),
            (self.allow_download, _("downloading")),
            (self.allow_cite, _("citing")),
            (self.allow_adapt, _("adaptation")),
            (self.allow_commercial, _("commercial use")),
        ):
            (allowed if consented else refused).append(str(name))
        return allowed, refused

    @property
    def holder_display(self) -> str:
        if self.holder_community_id:
            return self.holder_community.title
        return self.holder_name


def getattr_consent(item):
    """The item's ConsentRecord or None (the reverse one-to-one raises when there is none)."""
    try:
        return item.consent
    except ConsentRecord.DoesNotExist:
        return None


def may_be_cited(item) -> bool:
    """Whether a case study or building block may be cited: always without traditional knowledge; with
    it, where its holder community consented to citing. Every "cite as" (page, block page, JSON-LD,
    export) asks this."""
    if not item.holds_traditional_knowledge:
        return True
    consent = getattr_consent(item)
    return consent is None or consent.allow_cite


def custodian_ids(consent) -> set[int]:
    """The ids of the consent's custodians, read once per record."""
    if consent is None:
        return set()
    cache = getattr(consent, "_custodian_ids", None)
    if cache is None:
        cache = set(consent.custodians.values_list("pk", flat=True))
        consent._custodian_ids = cache
    return cache


def is_custodian(user, consent) -> bool:
    """Is the user one of the consent's custodians? Below the access decision (cop.library.permissions),
    so that the models (the holder community's review task) ask it too."""
    return bool(
        user is not None
        and user.is_authenticated
        and consent is not None
        and user.pk in custodian_ids(consent)
    )


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class AccessRequest(models.Model):
    case_study = models.ForeignKey(
        "cop_library.CaseStudyPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    building_block = models.ForeignKey(
        "cop_library.BuildingBlock",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_access_requests"
    )
    message = models.TextField(_("message to the custodians"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), max_length=2000, blank=True)
    granted_until = models.DateField(_("access until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        constraints = [
            models.CheckConstraint(condition=_ONE_ITEM, name="library_access_request_one_item"),
            models.UniqueConstraint(
                fields=["requester", "case_study"],
                condition=Q(status="pending", case_study__isnull=False),
                name="library_one_pending_request_case_study",
            ),
            models.UniqueConstraint(
                fields=["requester", "building_block"],
                condition=Q(status="pending", building_block__isnull=False),
                name="library_one_pending_request_block",
            ),
        ]
        indexes = [models.Index(fields=["requester", "status"])]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.case_study_id or self.building_block_id} ({self.status})"


class ConsentAction(models.TextChoices):
    CREATED = "created", _("Consent recorded")
    CHANGED = "changed", _("Consent changed")
    NARROWED = "narrowed", _("Consent narrowed")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    EXPIRED = "expired", _("Consent expired")
    RESTORED = "restored", _("Consent restored")
    ACCESS_REQUESTED = "access_requested", _("Access requested")
    ACCESS_GRANTED = "access_granted", _("Access granted")
    ACCESS_DECLINED = "access_declined", _("Access declined")
    ACCESS_REVOKED = "access_revoked", _("Access revoked")
    CUSTODIAN_ADDED = "custodian_added", _("Custodian added")
    CUSTODIAN_REMOVED = "custodian_removed", _("Custodian removed")
    CUSTODIANSHIP_PASSED = "custodianship_passed", _("Custodianship passed on")


class ConsentLogEntry(models.Model):
    """Append-only audit of every change to consent and every access decision."""

    consent = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=24, choices=ConsentAction.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent log entry")
        verbose_name_plural = _("consent log entries")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("The consent log is append-only.")
        return super().save(*args, **kwargs)


class RestrictedView(models.Model):
    """Who opened a restricted item, per day (one upsert per view)."""

    case_study = models.ForeignKey(
        "cop_library.CaseStudyPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="restricted_views",
    )
    building_block = models.ForeignKey(
        "cop_library.BuildingBlock",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="restricted_views",
    )
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("view of a restricted item")
        verbose_name_plural = _("views of restricted items")
        constraints = [
            models.CheckConstraint(condition=_ONE_ITEM, name="library_restricted_view_one_item"),
            models.UniqueConstraint(
                fields=["case_study", "viewer", "day"],
                condition=Q(case_study__isnull=False),
                name="library_restricted_view_case_study_day",
            ),
            models.UniqueConstraint(
                fields=["building_block", "viewer", "day"],
                condition=Q(building_block__isnull=False),
                name="library_restricted_view_block_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} {self.day} ×{self.count}"
