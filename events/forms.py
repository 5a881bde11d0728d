from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cop.forms import NameField
from cop.models.users import time_zone_choices
from events.models import EventPage, ImportedFeed, QuestionKind
from events.timezones import validate_time_zone
from events.validation import EARLIEST_YEAR, LATEST_YEAR


class RegistrationForm(forms.Form):
    """The organiser's registration questions, built from the event's RegistrationQuestion rows."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            common = {"label": question.label, "help_text": question.help_text, "required": question.required}
            if question.kind == QuestionKind.LONG:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common)
            elif question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[("", "—")] + [(c, c) for c in question.choice_list()], **common
                )
            else:
                field = forms.CharField(max_length=300, **common)
            self.fields[question.field_name] = field

    def answers(self) -> dict:
        return {
            str(q.pk): {"question": q.label, "answer": self.cleaned_data.get(q.field_name, "")}
            for q in self.questions
        }


# The browser's date picker keeps to the bounds the model's clean() enforces (events.validation).
DATE_BOUNDS = {"type": "date", "min": f"{EARLIEST_YEAR}-01-01", "max": f"{LATEST_YEAR}-12-31"}


class EventForm(forms.ModelForm):
    """The front-end form organisers use to create and edit an event (the admin has every field)."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    tags_text = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Separate tags with commas.")
    )

    class Meta:
        model = EventPage
        fields = [
            "title",
            "community",
            "event_type",
            "event_format",
            "summary",
            "time_zone",
            "all_day",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "recurrence_rule",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "online_url",
            "online_instructions",
            "live_discussion",
            "working_languages",
            "interpretation_languages",
            "gbf_targets",
            "registration_mode",
            "registration_deadline",
            "capacity",
            "offer_hours",
            "reminder_hours",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs=DATE_BOUNDS),
            "end_date": forms.DateInput(attrs=DATE_BOUNDS),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
            "registration_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "working_languages": forms.CheckboxSelectMultiple,
            "interpretation_languages": forms.CheckboxSelectMultiple,
            "gbf_targets": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "venue_address": forms.Textarea(attrs={"rows": 2}),
            "online_instructions": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"title": NameField, "venue_name": NameField}

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities
            self.fields["community"].required = True
        self.fields["time_zone"].validators = [validate_time_zone]
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"]
        validate_time_zone(value)
        return value

    def _post_clean(self):
        # The model's clean() (dates, time zone, capacity…) runs here, so the rules live in one place.
        if not self.instance.slug and self.cleaned_data.get("title"):
            self.instance.slug = slugify(self.cleaned_data["title"])[:70] or "event"
        super()._post_clean()

    def tag_names(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags_text", "").split(",") if t.strip()][:20]


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to everyone registered"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class FollowupForm(forms.Form):
    recording_url = forms.URLField(label=_("Recording link"), required=False, assume_scheme="https")
    slides_url = forms.URLField(label=_("Slides link"), required=False, assume_scheme="https")
    summary = forms.CharField(
        label=_("Summary of the event"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    open_thread = forms.BooleanField(
        label=_("Open a follow-up discussion in the community and tell the registrants"),
        required=False,
        initial=True,
    )


class ImportedFeedForm(forms.ModelForm):
    class Meta:
        model = ImportedFeed
        fields = ["title", "url", "keep_local_edits"]
        field_classes = {"title": NameField}
