"""The forms of the consent pages: they collect and check the shape of what was typed; the rules of a
consent record live in cop.library.services.consent (its refusals are shown on the form)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cop.models import CommunityPage

from .form_fields import IdChoiceField, IdMultipleChoiceField
from .models import Audience, ConsentProcess
from .services.consent import USES
from .uploads import EvidenceField

USE_LABELS = {
    "allow_view": _("View"),
    "allow_download": _("Download"),
    "allow_cite": _("Cite"),
    "allow_adapt": _("Adapt"),
    "allow_commercial": _("Commercial use"),
}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeopleField(forms.CharField):
    """People named by e-mail address, one a line; every address must belong to an account."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        value = super().clean(value)
        emails = [line.strip().lower() for line in (value or "").splitlines() if line.strip()]
        if len(emails) > 200:
            raise forms.ValidationError(_("Name at most 200 people."))
        users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
        missing = sorted(set(emails) - {user.email.lower() for user in users})
        if missing:
            raise forms.ValidationError(
                _("No account uses these addresses: %(emails)s.") % {"emails": ", ".join(missing)}
            )
        return users


def people_initial(users) -> str:
    return "\n".join(user.email for user in users)


def _communities():
    return CommunityPage.objects.live().order_by("title")


class ConsentForm(forms.Form):
    holder_community = IdChoiceField(
        label=_("Holder community on the platform"), queryset=CommunityPage.objects.none(), required=False
    )
    holder_name = forms.CharField(
        label=_("Or the holder community's name, when it is not on the platform"),
        max_length=200,
        required=False,
    )
    consented_by = forms.CharField(
        label=_("Who gave consent"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    consenter_role = forms.CharField(label=_("Their role in the community"), max_length=200, required=False)
    consented_on = forms.DateField(label=_("Date of consent"), widget=DATE_WIDGET)
    process = forms.ChoiceField(label=_("How consent was given"), choices=ConsentProcess.choices)
    process_notes = forms.CharField(
        label=_("About the process"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scope_parts = forms.CharField(
        label=_("Which parts the consent covers"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    uses = forms.MultipleChoiceField(
        label=_("Permitted uses"),
        choices=list(USE_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(
        label=_("Who may see the item"), choices=Audience.choices, widget=forms.RadioSelect
    )
    audience_communities = IdMultipleChoiceField(
        label=_("Communities whose members may see it"),
        queryset=CommunityPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_people = PeopleField(
        label=_("People who may see it (e-mail addresses, one a line)"), required=False
    )
    secret_sacred = forms.BooleanField(
        label=_("Secret or sacred: outside the audience, nothing at all is shown"), required=False
    )
    notice_title = forms.CharField(
        label=_("Notice title (what outsiders see)"), max_length=200, required=False
    )
    notice_summary = forms.CharField(
        label=_("Notice summary (what outsiders see)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions = forms.CharField(
        label=_("Conditions"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expires_on = forms.DateField(label=_("Consent expires on (optional)"), required=False, widget=DATE_WIDGET)
    evidence_file = EvidenceField(
        label=_("Evidence of consent (seen only by the custodians)"),
        required=False,
        help_text=_("A PDF, text or office document; programs and SVG images with scripts are refused."),
    )
    custodians = PeopleField(
        label=_("Custodians (e-mail addresses, one a line)"),
        required=False,
        help_text=_(
            "They may change, narrow or withdraw this consent and answer access requests. Leave empty to be the only one."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder_community"].queryset = _communities()
        self.fields["audience_communities"].queryset = _communities()

    @classmethod
    def initial_for(cls, consent) -> dict:
        if consent is None:
            return {"audience": Audience.COMMUNITIES, "uses": ["allow_view"]}
        return {
            **{
                name: getattr(consent, name)
                for name in (
                    "holder_community",
                    "holder_name",
                    "consented_by",
                    "consenter_role",
                    "consented_on",
                    "process",
                    "process_notes",
                    "scope_parts",
                    "audience",
                    "secret_sacred",
                    "notice_title",
                    "notice_summary",
                    "conditions",
                    "expires_on",
                )
            },
            "uses": [use for use in USES if getattr(consent, use)],
            "audience_communities": list(consent.audience_communities.all()),
            "audience_people": people_initial(consent.audience_people.all()),
            "custodians": people_initial(consent.custodians.all()),
        }

    def values(self) -> dict:
        """The consent record's own fields, for services.consent.consent_record."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "holder_community",
                "holder_name",
                "consented_by",
                "consenter_role",
                "consented_on",
                "process",
                "process_notes",
                "scope_parts",
                "audience",
                "secret_sacred",
                "notice_title",
                "notice_summary",
                "conditions",
                "expires_on",
            )
        }
        values.update({use: use in data["uses"] for use in USES})
        return values


class NarrowForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who may see the item from now on"), choices=Audience.choices, widget=forms.RadioSelect
    )
    audience_communities = IdMultipleChoiceField(
        label=_("Communities whose members may still see it"),
        queryset=CommunityPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_people = PeopleField(
        label=_("People who may still see it (e-mail addresses, one a line)"), required=False
    )
    remove_uses = forms.MultipleChoiceField(
        label=_("Uses to take away"),
        choices=list(USE_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    secret_sacred = forms.BooleanField(
        label=_("Mark as secret or sacred: outside the audience, nothing at all is shown"), required=False
    )

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        # From "everyone" or "signed in", any community narrows; from "communities", only fewer of them.
        wide = consent.audience in ("public", "signed_in")
        self.fields["audience_communities"].queryset = (
            _communities() if wide else consent.audience_communities.order_by("title")
        )
        self.fields["remove_uses"].choices = [
            (use, label) for use, label in USE_LABELS.items() if getattr(consent, use)
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is consent withdrawn?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log. The item is hidden from everyone but its custodians at once."),
    )


class RestoreForm(forms.Form):
    consented_on = forms.DateField(label=_("Date the holder community consented again"), widget=DATE_WIDGET)
    consented_by = forms.CharField(label=_("Who gave consent this time"), max_length=1000, required=False)
    expires_on = forms.DateField(label=_("Consent expires on (optional)"), required=False, widget=DATE_WIDGET)


class CustodianForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the new custodian"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this address."))
        return user


class AccessRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Why do you ask for access? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The custodians of the holder community's consent read this and decide."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("grant", _("Grant access")), ("decline", _("Decline")), ("revoke", _("Revoke access"))]
    )
    granted_until = forms.DateField(label=_("Access until (optional)"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note to the requester (optional)"), max_length=2000, required=False)
