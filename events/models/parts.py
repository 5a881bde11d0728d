"""The parts an event page edits inline: exceptions to a series, speakers, partners and the questions
asked at registration."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from events.models.choices import QuestionKind
from events.validation import InvalidEventData, check_date


class OccurrenceChange(Orderable):
    """An exception to a recurring series: the occurrence of `original_date` is cancelled or moved."""

    event = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="occurrence_changes")
    original_date = models.DateField(_("occurrence of (date)"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    new_start_date = models.DateField(_("moved to (date)"), null=True, blank=True)
    new_start_time = models.TimeField(_("moved to (time)"), null=True, blank=True)

    panels = [
        FieldPanel("original_date"),
        FieldPanel("cancelled"),
        FieldRowPanel([FieldPanel("new_start_date"), FieldPanel("new_start_time")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("exception")

    def clean(self):
        if not self.cancelled and not self.new_start_date:
            raise ValidationError(_("Either cancel this occurrence or give its new date."))
        for field in ("original_date", "new_start_date"):
            try:
                check_date(getattr(self, field), field=field)
            except InvalidEventData as exc:
                raise exc.as_validation_error() from exc


class EventSpeaker(Orderable):
    event = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="speakers")
    member = models.ForeignKey(
        "cop.User",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("If the speaker is not a member.")
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    panels = [FieldPanel("member"), FieldPanel("name"), FieldPanel("affiliation")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")

    @property
    def display_name(self) -> str:
        return self.member.public_name if self.member_id else self.name

    def clean(self):
        if not self.member_id and not self.name.strip():
            raise ValidationError(_("Choose a member or write the speaker's name."))


class EventPartner(Orderable):
    event = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("organisation"), max_length=200)
    url = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner organisation")


class RegistrationQuestion(Orderable):
    """A question the organiser asks everyone who registers (affiliation, accessibility needs…)."""

    event = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind of answer"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SHORT
    )
    choices = models.TextField(_("choices (one per line)"), blank=True)
    required = models.BooleanField(_("required"), default=False)

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldPanel("kind"),
        FieldPanel("choices"),
        FieldPanel("required"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("registration question")

    @property
    def field_name(self) -> str:
        return f"question_{self.pk}"

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == QuestionKind.CHOICE and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})
