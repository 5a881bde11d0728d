from django import forms
from django.utils.translation import gettext_lazy as _

from cop.forms import NameField

from .limits import limit


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000, "dir": "auto"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = limit("LIVE_MAX_MESSAGE_CHARS")


class _WindowMixin(forms.Form):
    opens_at = forms.DateTimeField(
        label=_("Opens at (UTC)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (UTC)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            raise forms.ValidationError(_("A room must close after it opens."))
        return data


class RoomForm(_WindowMixin):
    title = NameField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    slow_mode_seconds = forms.IntegerField(
        label=_("Slow mode: seconds between two messages of a person (0: off)"),
        min_value=0,
        max_value=3600,
        initial=0,
    )
    field_order = ["title", "description", "opens_at", "closes_at", "slow_mode_seconds"]


class RoomSettingsForm(_WindowMixin):
    slow_mode_seconds = forms.IntegerField(
        label=_("Slow mode: seconds between two messages of a person (0: off)"), min_value=0, max_value=3600
    )
    field_order = ["slow_mode_seconds", "opens_at", "closes_at"]


class MuteForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("Mute the author for"),
        coerce=int,
        choices=[(10, _("10 minutes")), (60, _("1 hour")), (1440, _("1 day")), (0, _("Until unmuted"))],
    )
