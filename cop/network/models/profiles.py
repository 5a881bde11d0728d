"""A practitioner's network profile: what the account (cop.User: bio, organisation, country,
stakeholder group, GBF targets, languages, listed_in_directory) does not hold, and who may see each
part of it."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..orcid import validate_orcid


class Topic(models.Model):
    """A topic of expertise, from the network's vocabulary (seeded, then managed by organisers)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class FieldVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    NOBODY = "nobody", _("Only me")


def _visibility(label, default):
    return models.CharField(label, max_length=8, choices=FieldVisibility.choices, default=default)


# The parts of a profile that each have their own visibility, with their conservative defaults.
# The name is always shown on a listed profile; the e-mail address never is.
VISIBLE_PARTS = {
    "headline": FieldVisibility.PUBLIC,
    "photo": FieldVisibility.MEMBERS,
    "organisation": FieldVisibility.MEMBERS,
    "country": FieldVisibility.MEMBERS,
    "expertise": FieldVisibility.MEMBERS,
    "languages": FieldVisibility.MEMBERS,
    "bio": FieldVisibility.MEMBERS,
    "links": FieldVisibility.MEMBERS,
    "open_to": FieldVisibility.MEMBERS,
}


def validate_links(value: str) -> None:
    validator = URLValidator(schemes=["https", "http"])
    for line in value.splitlines():
        if line.strip():
            validator(line.strip())


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_profile"
    )
    headline = models.CharField(
        _("headline"),
        max_length=160,
        blank=True,
        help_text=_("One line on what you do, e.g. 'Wetland ecologist'."),
    )
    photo = models.ImageField(_("photo"), upload_to="network/photos/", blank=True)
    organisation_record = models.ForeignKey(
        "cop_network.Organisation",
        verbose_name=_("organisation in the network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    km_components = models.ManyToManyField(
        "cop.KMComponent", verbose_name=_("knowledge-management components"), blank=True, related_name="+"
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="profiles")
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True, validators=[validate_orcid])
    links = models.TextField(
        _("links"),
        blank=True,
        max_length=2000,
        validators=[validate_links],
        help_text=_("One web address per line."),
    )
    open_to_mentoring = models.BooleanField(_("open to mentoring"), default=False)
    open_to_collaboration = models.BooleanField(_("open to collaboration"), default=False)
    open_to_speaking = models.BooleanField(_("open to speaking"), default=False)
    open_to_reviewing = models.BooleanField(_("open to reviewing"), default=False)
    accepts_contact = models.BooleanField(
        _("members may write to me through the contact form"),
        default=True,
        help_text=_("Your address stays hidden: they learn it only if you answer."),
    )

    headline_visibility = _visibility(_("who sees my headline"), VISIBLE_PARTS["headline"])
    photo_visibility = _visibility(_("who sees my photo"), VISIBLE_PARTS["photo"])
    organisation_visibility = _visibility(_("who sees my organisation"), VISIBLE_PARTS["organisation"])
    country_visibility = _visibility(_("who sees my country and region"), VISIBLE_PARTS["country"])
    expertise_visibility = _visibility(
        _("who sees my expertise and stakeholder groups"), VISIBLE_PARTS["expertise"]
    )
    languages_visibility = _visibility(_("who sees my languages"), VISIBLE_PARTS["languages"])
    bio_visibility = _visibility(_("who sees my 'about me'"), VISIBLE_PARTS["bio"])
    links_visibility = _visibility(_("who sees my links and ORCID iD"), VISIBLE_PARTS["links"])
    open_to_visibility = _visibility(_("who sees what I am open to"), VISIBLE_PARTS["open_to"])

    class Meta:
        verbose_name = _("network profile")
        verbose_name_plural = _("network profiles")

    def __str__(self) -> str:
        return str(self.user)

    def visibility_of(self, part: str) -> str:
        return getattr(self, f"{part}_visibility")

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ContactMessage(models.Model):
    """A message relayed by the platform: sent to the recipient with Reply-To the sender, so the
    sender learns the recipient's address only if the recipient answers."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return self.subject
