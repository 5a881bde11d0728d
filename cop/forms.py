from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User
from .text import strip_bidi_controls


class NameField(forms.CharField):
    """A name or a title (display names, titles of threads, events, rooms, announcements...): stored
    without Unicode bidirectional controls, which could reorder the text around it; templates isolate
    user text for display (dir="auto", <bdi>) instead."""

    def to_python(self, value):
        return super().to_python(strip_bidi_controls(value) if isinstance(value, str) else value)


class SignupProfileForm(SignupForm):
    """allauth's sign-up form plus how the new practitioner appears and reads the site.
    The adapter (cop.adapters) stores the extra fields with the user in one save."""

    display_name = NameField(
        label=_("Display name"),
        max_length=80,
        help_text=_("How other members see you."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=User._meta.get_field("preferred_language").choices,
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=User._meta.get_field("time_zone").choices, initial="UTC"
    )

    field_order = ["email", "display_name", "password1", "password2", "preferred_language", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = get_language()
        self.order_fields(self.field_order)
        honeypot = self.fields.get(settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD or "")
        if honeypot is not None:
            # allauth hides its honeypot with an inline style, which our CSP refuses; a class does it.
            honeypot.widget.attrs.pop("style", None)
            honeypot.widget.attrs.update({"class": "honeypot", "autocomplete": "off"})


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "time_zone"]
        field_classes = {"display_name": NameField}
