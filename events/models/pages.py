"""Events as Wagtail pages: one events index (the calendar) under the home page, event pages below it.

The organiser enters wall-clock dates and times in the event's own IANA time zone; the page derives
the unambiguous UTC instants (`start_utc`, `end_utc`) from them on every save. A recurring series keeps
its RRULE text and its exceptions (`OccurrenceChange`); its occurrences are materialised rows
(`Occurrence`) so that people register per occurrence."""

import uuid
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cop.blocks import BaseStreamBlock
from cop.page_forms import NamedPageForm
from events.expressible import EventNotExpressible
from events.models.choices import EventFormat, EventType, RegistrationMode
from events.permissions import can_view_event
from events.selectors.event_page import event_page_context, event_shape, largest_registered_count
from events.timezones import NonexistentLocalTime, local_bounds, local_to_utc, validate_time_zone
from events.validation import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    InvalidEventData,
    check_date,
    check_event_dates,
    check_recurrence_rule,
    validate_latitude,
    validate_longitude,
)

# Paths under the calendar that belong to the calendar's own views, so no event may take them as slug.
RESERVED_SLUGS = {"my", "feed", "ics", "occurrence", "registration", "offer", "manage", "new", "imports"}


def validate_reminder_hours(value: str) -> None:
    try:
        hours = parse_reminder_hours(value)
    except ValueError as exc:
        raise ValidationError(
            _("Write the hours before the event separated by commas, e.g. 24, 1."), code="reminder_hours"
        ) from exc
    if any(h <= 0 or h > 24 * 30 for h in hours):
        raise ValidationError(_("Reminders can be sent between 1 minute and 30 days before the event."))


def parse_reminder_hours(value: str) -> list[float]:
    """'24, 1' -> [24.0, 1.0]; an empty string means no reminders."""
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    return sorted({float(part) for part in parts}, reverse=True)


class SessionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    starts = blocks.TimeBlock(label=_("starts (event time)"), required=False)
    ends = blocks.TimeBlock(label=_("ends (event time)"), required=False)
    speakers = blocks.CharBlock(label=_("speakers"), required=False, max_length=300)
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        template = "blocks/event_session_block.html"
        icon = "time"
        description = _("A session of the agenda, with times in the event's time zone")


class EventPageTag(TaggedItemBase):
    content_object = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="tagged_items")


class EventPage(Page):
    """One event, or one recurring series of events."""

    base_form_class = NamedPageForm

    event_type = models.CharField(
        _("type"), max_length=20, choices=EventType.choices, default=EventType.WEBINAR
    )
    event_format = models.CharField(
        _("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.ONLINE
    )
    community = models.ForeignKey(
        "cop.CommunityPage",
        verbose_name=_("organising community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_(
            "Its facilitators organise the event; a members-only community's events are members-only."
        ),
    )
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in lists.")
    )
    description = StreamField(BaseStreamBlock(), verbose_name=_("description"), blank=True)
    agenda = StreamField([("session", SessionBlock())], verbose_name=_("agenda"), blank=True)

    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.TextField(_("address"), blank=True, max_length=500)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    online_url = models.URLField(
        _("online meeting link"), blank=True, help_text=_("Shown only to registered participants.")
    )
    online_instructions = models.TextField(
        _("joining instructions"), blank=True, max_length=1000, help_text=_("Passcode, dial-in numbers…")
    )

    working_languages = ParentalManyToManyField(
        "cop.Language", verbose_name=_("working languages"), blank=True, related_name="+"
    )
    interpretation_languages = ParentalManyToManyField(
        "cop.Language", verbose_name=_("interpretation into"), blank=True, related_name="+"
    )
    gbf_targets = ParentalManyToManyField(
        "cop.GBFTarget", verbose_name=_("GBF targets"), blank=True, related_name="+"
    )
    tags = ClusterTaggableManager(through=EventPageTag, blank=True, verbose_name=_("tags"))

    # Time, in the event's own zone; start_utc/end_utc are derived on save.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    all_day = models.BooleanField(_("all day"), default=False)
    start_date = models.DateField(_("start date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_date = models.DateField(_("end date"))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    start_utc = models.DateTimeField(editable=False, null=True, db_index=True)
    end_utc = models.DateTimeField(editable=False, null=True)
    recurrence_rule = models.CharField(
        _("repeats (RRULE)"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty for a single event. Example: FREQ=MONTHLY;BYDAY=2TU;COUNT=12."),
    )

    registration_mode = models.CharField(
        _("registration"), max_length=10, choices=RegistrationMode.choices, default=RegistrationMode.OPEN
    )
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Seats per occurrence. Empty: no limit.")
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed seat"),
        default=24,
        help_text=_("How long a waitlisted person has to accept a seat before it passes to the next."),
    )
    reminder_hours = models.CharField(
        _("reminders (hours before)"),
        max_length=50,
        default="24, 1",
        blank=True,
        validators=[validate_reminder_hours],
        help_text=_("Hours before the start, separated by commas. Empty: no reminders."),
    )

    live_discussion = models.BooleanField(
        _("live discussion room"),
        default=False,
        help_text=_(
            "Opens a live discussion room in the organising community from 15 minutes before each session "
            "until 30 minutes after it."
        ),
    )

    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=2000)

    recording_url = models.URLField(_("recording"), blank=True)
    slides = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("slides"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    slides_url = models.URLField(_("slides link"), blank=True)
    followup_summary = RichTextField(
        _("summary of the event"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )
    followup_thread_url = models.CharField(
        _("follow-up discussion"), max_length=500, blank=True, editable=False
    )
    followup_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    ical_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)

    import_feed = models.ForeignKey(
        "events.ImportedFeed",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        editable=False,
    )
    import_uid = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    locally_edited = models.BooleanField(default=False, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("event_type"), FieldPanel("event_format")]),
        FieldPanel("community"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("time_zone"),
                FieldPanel("all_day"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
                FieldPanel("recurrence_rule"),
                InlinePanel("occurrence_changes", label=_("Exceptions and moved occurrences")),
            ],
            heading=_("When (in the event's time zone)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("online_url"),
                FieldPanel("online_instructions"),
                FieldPanel("live_discussion"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("description"),
        FieldPanel("agenda"),
        InlinePanel("speakers", label=_("Speakers")),
        InlinePanel("partners", label=_("Partner organisations")),
        MultiFieldPanel(
            [
                FieldPanel("working_languages", widget=forms.CheckboxSelectMultiple),
                FieldPanel("interpretation_languages", widget=forms.CheckboxSelectMultiple),
                FieldPanel("gbf_targets", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading=_("Languages and topics"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_mode"),
                FieldPanel("registration_deadline"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("offer_hours")]),
                FieldPanel("reminder_hours"),
                InlinePanel("questions", label=_("Registration questions")),
            ],
            heading=_("Registration"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("recording_url"),
                FieldPanel("slides"),
                FieldPanel("slides_url"),
                FieldPanel("followup_summary"),
            ],
            heading=_("After the event"),
        ),
        MultiFieldPanel(
            [FieldPanel("cancelled"), FieldPanel("cancellation_reason")], heading=_("Cancellation")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("venue_name"),
        index.FilterField("event_type"),
        index.FilterField("community_id"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    # Read only by the page's cached body (events.selectors.event_page): the route table (home.sites)
    # reads the page without them; rendering the body loads them in one query.
    route_deferred_fields = ("description", "agenda", "followup_summary")
    exclude_fields_in_copy = ["ical_uid", "ical_sequence", "import_feed", "import_uid", "import_hash"]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    # Rules beside the fields ----

    def local_bounds(self):
        return local_bounds(self.start_date, self.start_time, self.end_date, self.end_time, self.all_day)

    def compute_utc(self) -> None:
        local_start, local_end = self.local_bounds()
        self.start_utc = local_to_utc(local_start, self.time_zone, strict=False)
        self.end_utc = local_to_utc(local_end, self.time_zone, strict=False)

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.slug in RESERVED_SLUGS:
            errors.setdefault("slug", []).append(
                _("This address is reserved by the calendar; choose another.")
            )
        try:
            validate_time_zone(self.time_zone)
        except ValidationError as exc:
            errors.setdefault("time_zone", []).extend(exc.messages)
        if self.start_date and self.end_date:
            try:
                check_event_dates(start=self.start_date, end=self.end_date)
            except InvalidEventData as exc:
                errors.setdefault(exc.field or "start_date", []).append(exc.message)
        if self.registration_deadline:
            try:
                check_date(self.registration_deadline, field="registration_deadline")
            except InvalidEventData as exc:
                errors.setdefault(exc.field, []).append(exc.message)
        dates_bounded = not {"start_date", "end_date", "registration_deadline"} & errors.keys()
        if self.start_date and self.end_date and "time_zone" not in errors and dates_bounded:
            if not self.all_day and (self.start_time is None or self.end_time is None):
                errors.setdefault("start_time", []).append(
                    _("Give a start and an end time, or mark the event as all day.")
                )
            else:
                local_start, local_end = self.local_bounds()
                for field, value in (("start_time", local_start), ("end_time", local_end)):
                    try:
                        local_to_utc(value, self.time_zone)
                    except NonexistentLocalTime:
                        errors.setdefault(field, []).append(
                            _("This time does not exist in %(zone)s: the clocks skip it that day.")
                            % {"zone": self.time_zone}
                        )
                if local_end <= local_start:
                    errors.setdefault("end_date", []).append(_("The event must end after it starts."))
                elif local_end - local_start > timedelta(days=60):
                    errors.setdefault("end_date", []).append(_("An event can last at most 60 days."))
                if self.recurrence_rule:
                    try:
                        check_recurrence_rule(rule=self.recurrence_rule, start=local_start, end=local_end)
                    except InvalidEventData as exc:
                        errors.setdefault(exc.field or "recurrence_rule", []).append(exc.message)
                if (
                    self.registration_deadline
                    and not errors
                    and self.registration_deadline > local_to_utc(local_start, self.time_zone, strict=False)
                    and not self.recurrence_rule
                ):
                    errors.setdefault("registration_deadline", []).append(
                        _("The registration deadline must be before the event starts.")
                    )
        if self.registration_mode == RegistrationMode.DEADLINE and not self.registration_deadline:
            errors.setdefault("registration_deadline", []).append(_("Give the deadline."))
        # The range of each is checked by the fields' validators (events.validation), before clean().
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
        if self.cancelled and not self.cancellation_reason.strip():
            errors.setdefault("cancellation_reason", []).append(
                _("Tell participants why the event is cancelled.")
            )
        if self.capacity is not None and self.pk:
            booked = largest_registered_count(self)
            if self.capacity < booked:
                errors.setdefault("capacity", []).append(
                    _("%(count)s people already hold a seat at one occurrence: the capacity cannot be lower.")
                    % {"count": booked}
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.start_date and self.end_date:
            self.compute_utc()
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        """The iCalendar sequence and the local-edit mark belong to the page, not to a revision: an
        older revision being published must not move them back."""
        page = super().with_content_json(content)
        # Read from the database: `self` may be an edited, stale instance (save_revision keeps it).
        current = EventPage.objects.filter(pk=self.pk).values("ical_sequence", "locally_edited").first()
        if current is not None:
            page.ical_sequence = current["ical_sequence"]
            page.locally_edited = current["locally_edited"]
        return page

    def serve(self, request, *args, **kwargs):
        if not can_view_event(request.user, self):
            raise Http404
        # Kept per version of the event (events.selectors.event_page.event_shape), read once a request:
        # this instance is the request's own.
        self._shape = event_shape(self)
        if not self._shape.expressible:
            # Rows stored before the date bounds (events.validation) cannot be shown in any zone.
            # Said on the refused page (cop.edge) in the visitor's words rather than the check's.
            raise EventNotExpressible(
                _(
                    "The dates of this event cannot be shown: they are outside the years %(earliest)s to "
                    "%(latest)s. Its organisers can correct them."
                )
                % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}
            )
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(request, self, getattr(self, "_shape", None)))
        return context

    # Presentation helpers ----

    @property
    def is_online(self) -> bool:
        return self.event_format in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.event_format in (EventFormat.IN_PERSON, EventFormat.HYBRID)

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence_rule)

    @property
    def duration(self) -> timedelta:
        local_start, local_end = self.local_bounds()
        return local_end - local_start

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.cancelled or self.registration_mode == RegistrationMode.CLOSED:
            return False
        if self.registration_mode == RegistrationMode.DEADLINE and self.registration_deadline:
            return now <= self.registration_deadline
        return True
