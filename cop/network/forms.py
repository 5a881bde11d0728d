"""Forms of the practitioner network: they validate input; services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from PIL import Image

from cop.models import GBFTarget, KMComponent, Language, StakeholderGroup

from .models import CuratedEntry, FieldVisibility, MatchStatus, Need, Offer, Organisation, Topic
from .models.profiles import VISIBLE_PARTS, validate_links
from .orcid import orcid_normalise

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 4000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}

VISIBILITY_LABELS = {
    "headline": _("Who sees your headline"),
    "photo": _("Who sees your photo"),
    "organisation": _("Who sees your organisation"),
    "country": _("Who sees your country and region"),
    "expertise": _("Who sees your expertise and stakeholder groups"),
    "languages": _("Who sees your languages"),
    "bio": _("Who sees 'about me'"),
    "links": _("Who sees your links and ORCID iD"),
    "open_to": _("Who sees what you are open to"),
}


def _many(queryset, label, help_text=""):
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class NetworkProfileForm(forms.Form):
    """The whole network profile on one page, each part with who may see it."""

    headline = forms.CharField(label=_("Headline"), max_length=160, required=False)
    photo = forms.ImageField(label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, up to 2 MB."))
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    organisation_record = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        label=_("Organisation in the network"),
        required=False,
        empty_label=_("Not listed"),
    )
    organisation = forms.CharField(label=_("Organisation (if not listed)"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *countries], required=False)
    stakeholder_groups = _many(StakeholderGroup.objects.all(), _("Stakeholder groups"))
    expertise = _many(GBFTarget.objects.all(), _("GBF targets I work on"))
    km_components = _many(KMComponent.objects.all(), _("Knowledge-management components"))
    topics = _many(Topic.objects.all(), _("Topics"))
    languages = _many(Language.objects.all(), _("Languages I work in"))
    bio = forms.CharField(label=_("About me"), max_length=2000, required=False, widget=forms.Textarea)
    orcid = forms.CharField(
        label=_("ORCID iD"), max_length=40, required=False, help_text=_("For example 0000-0002-1825-0097.")
    )
    links = forms.CharField(
        label=_("Links"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    open_to_mentoring = forms.BooleanField(label=_("I am open to mentoring"), required=False)
    open_to_collaboration = forms.BooleanField(label=_("I am open to collaboration"), required=False)
    open_to_speaking = forms.BooleanField(label=_("I am open to speaking"), required=False)
    open_to_reviewing = forms.BooleanField(label=_("I am open to reviewing"), required=False)
    listed_in_directory = forms.BooleanField(label=_("Show me in the practitioner network"), required=False)
    accepts_contact = forms.BooleanField(
        label=_("Members may write to me through the contact form (my address stays hidden)"), required=False
    )

    def __init__(self, *args, user, profile=None, **kwargs):
        initial = {
            "organisation": user.organisation,
            "country": user.country.code if user.country else "",
            "stakeholder_groups": list(user.stakeholder_groups.all()) if user.pk else [],
            "bio": user.bio,
            "listed_in_directory": user.listed_in_directory,
            "expertise": list(user.expertise.all()) if user.pk else [],
            "languages": list(user.languages.all()) if user.pk else [],
            "accepts_contact": True,
        }
        if profile is not None:
            for name in (
                "headline",
                "orcid",
                "links",
                "open_to_mentoring",
                "open_to_collaboration",
                "open_to_speaking",
                "open_to_reviewing",
                "accepts_contact",
            ):
                initial[name] = getattr(profile, name)
            initial["organisation_record"] = profile.organisation_record_id
            initial["km_components"] = list(profile.km_components.all())
            initial["topics"] = list(profile.topics.all())
        for part, default in VISIBLE_PARTS.items():
            initial[f"{part}_visibility"] = profile.visibility_of(part) if profile is not None else default
        super().__init__(*args, initial=initial, **kwargs)
        for part in VISIBLE_PARTS:
            self.fields[f"{part}_visibility"] = forms.ChoiceField(
                label=VISIBILITY_LABELS[part], choices=FieldVisibility.choices
            )

    def clean_orcid(self):
        value = self.cleaned_data["orcid"].strip()
        return orcid_normalise(value) if value else ""

    def clean_links(self):
        value = self.cleaned_data["links"]
        validate_links(value)
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return photo
        if photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(_("This photo is larger than 2 MB."))
        photo.seek(0)
        try:
            with Image.open(photo) as image:
                if image.format not in PHOTO_FORMATS:
                    raise ValidationError(_("Send a JPEG, PNG or WebP photo."))
                if max(image.size) > PHOTO_MAX_SIDE:
                    raise ValidationError(_("This photo is more than 4000 pixels wide or high."))
        except (OSError, Image.DecompressionBombError):
            raise ValidationError(_("This file is not a photo we can read.")) from None
        photo.seek(0)
        return photo


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)


def _https_by_default(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "mission",
            "scope",
            "countries",
            "website",
            "feed_url",
            "gbf_targets",
            "member_organisations",
        ]
        widgets = {"gbf_targets": forms.CheckboxSelectMultiple}
        formfield_callback = _https_by_default

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Organisation.objects.order_by("name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["member_organisations"].queryset = others


class CuratedEntryForm(forms.ModelForm):
    invite = forms.BooleanField(
        label=_("Send the claim link to this address now"), required=False, initial=True
    )

    class Meta:
        model = CuratedEntry
        fields = [
            "name",
            "email",
            "headline",
            "organisation",
            "organisation_record",
            "country",
            "bio",
            "gbf_targets",
            "km_components",
            "topics",
            "languages",
        ]
        widgets = {"gbf_targets": forms.CheckboxSelectMultiple, "km_components": forms.CheckboxSelectMultiple}


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("How are you connected to this organisation?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("An organiser reads it before making you a focal point."),
    )


class ExchangeForm(forms.ModelForm):
    """A need or an offer; `organisations` are those the author is a focal point of."""

    class Meta:
        fields = [
            "title",
            "description",
            "rationale",
            "support_kind",
            "gbf_targets",
            "km_components",
            "country",
            "language",
            "expires_on",
            "organisation",
        ]
        widgets = {
            "gbf_targets": forms.CheckboxSelectMultiple,
            "km_components": forms.CheckboxSelectMultiple,
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("Myself")
        self.fields["language"].queryset = Language.objects.all()


class NeedForm(ExchangeForm):
    class Meta(ExchangeForm.Meta):
        model = Need
        fields = [*ExchangeForm.Meta.fields, "urgency"]


class OfferForm(ExchangeForm):
    class Meta(ExchangeForm.Meta):
        model = Offer


class ModerationForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InterestForm(forms.Form):
    """Express interest in an item from one of the user's own published items of the other kind."""

    mine = forms.ModelChoiceField(queryset=Need.objects.none(), label=_("From"), empty_label=None)
    message = forms.CharField(
        label=_("Your first message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, mine, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mine"].queryset = mine


class MatchMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is allowed."),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=MatchStatus.choices, label=_("Move to"))
    seen_status = forms.ChoiceField(choices=MatchStatus.choices, widget=forms.HiddenInput)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    report = forms.CharField(
        label=_("Short report"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand: my account goes; my posts stay, shown as by a former member."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user.has_usable_password() and not self.user.check_password(password):
            raise ValidationError(_("The password is not right; your account was not deleted."))
        return password
