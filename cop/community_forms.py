"""Forms of the community pages: membership actions, invitations, announcements (the index filters are
in cop/filters.py). The account forms (sign-up, preferences) live in cop/forms.py; the public profile
is the practitioner network's (cop.network.forms)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cop.forms import NameField
from cop.models import Announcement, Role


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the facilitators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional: who you are and why you would like to join."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person who asked will read this in the e-mail that tells them."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept for the facilitators)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    message = forms.CharField(
        label=_("Personal message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body", "pinned"]
        field_classes = {"title": NameField}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
