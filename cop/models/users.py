import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# A deleted account's address: <id>@former-member.invalid (.invalid never resolves, RFC 2606).
FORMER_MEMBER_DOMAIN = "former-member.invalid"


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class PractitionerManager(UserManager):
    """Users log in by e-mail; the username is kept only because Wagtail's admin expects the field."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        username = username or email
        return super()._create_user(username, email, password, **extra_fields)

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        return super().create_user(username or email, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        return super().create_superuser(username or email, email, password, **extra_fields)


class User(AbstractUser):
    """A practitioner: one account, one e-mail, a public display name and personal preferences."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True, help_text=_("How other members see you.")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=time_zone_choices, default="UTC")

    # The public profile, shown on member lists and in the practitioner network.
    bio = models.TextField(
        _("about me"),
        blank=True,
        max_length=2000,
        help_text=_("Your work, interests and what you can share."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    stakeholder_groups = models.ManyToManyField(
        "cop.StakeholderGroup",
        verbose_name=_("stakeholder groups"),
        blank=True,
        related_name="practitioners",
    )
    expertise = models.ManyToManyField(
        "cop.GBFTarget",
        verbose_name=_("GBF targets I work on"),
        blank=True,
        related_name="practitioners",
    )
    languages = models.ManyToManyField(
        "cop.Language", verbose_name=_("languages I work in"), blank=True, related_name="practitioners"
    )
    listed_in_directory = models.BooleanField(
        _("show me in the practitioner network"),
        default=True,
        help_text=_(
            "Others find your public profile (name, organisation, country, expertise) in the network. "
            "Your e-mail address is never shown."
        ),
    )

    objects = PractitionerManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def is_former_member(self) -> bool:
        """The account was deleted: the row stays (anonymised) so that its posts keep their author."""
        return self.email.endswith("@" + FORMER_MEMBER_DOMAIN)

    @property
    def public_name(self) -> str:
        if self.is_former_member:
            return gettext("former member")
        # Never a part of the address: it is shown to others wherever the person is named.
        return self.display_name or self.get_full_name() or gettext("member %(number)s") % {"number": self.pk}
