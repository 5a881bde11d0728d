"""Forms of the community pages: index and network filters (GET), membership actions, invitations,
announcements and the public profile. The account forms (sign-up) live in cop/forms.py."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from taggit.models import Tag

from cop.forms import NameField, ProfileForm
from cop.models import Announcement, GBFTarget, Language, Region, Role, StakeholderGroup


class _SlugChoiceField(forms.ModelChoiceField):
    """A choice by a readable value in the address (?language=fr, ?target=3), not a database id."""

    def __init__(self, queryset, to_field_name, **kwargs):
        super().__init__(queryset, to_field_name=to_field_name, required=False, **kwargs)


class _RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


def _region_field():
    return _RegionChoiceField(
        Region.objects.select_related("parent").order_by("parent__name", "name"),
        to_field_name="m49_code",
        required=False,
        label=_("Region"),
        empty_label=_("Any region"),
    )


class _FilterForm(forms.Form):
    """A GET filter form: `filters()` gives the selector's keyword arguments from the valid fields
    (a bad value is reported on its field and ignored, the others still apply)."""

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        filters = {name: data.get(name) for name in self.fields if name != "q"}
        filters["query"] = (data.get("q") or "").strip()
        return filters


class CommunityFilterForm(_FilterForm):
    """Filters of the communities index; works as a plain GET form."""

    q = forms.CharField(label=_("Community name"), required=False, max_length=100)
    target = _SlugChoiceField(
        GBFTarget.objects.all(), "number", label=_("GBF target"), empty_label=_("Any target")
    )
    region = _region_field()
    language = _SlugChoiceField(
        Language.objects.all(), "code", label=_("Working language"), empty_label=_("Any language")
    )
    stakeholder = _SlugChoiceField(
        StakeholderGroup.objects.all(), "slug", label=_("Stakeholder focus"), empty_label=_("Anyone")
    )
    tag = _SlugChoiceField(Tag.objects.all(), "slug", label=_("Tag"), empty_label=_("Any tag"))

    def __init__(self, *args, tags=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer the tags in use, but accept any existing tag (a link from a card to ?tag=...).
        if tags is not None:
            self.fields["tag"].choices = [("", _("Any tag")), *[(t.slug, t.name) for t in tags]]


class NetworkFilterForm(_FilterForm):
    """Filters of the practitioner network; works as a plain GET form."""

    q = forms.CharField(label=_("Name or organisation"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = _region_field()
    stakeholder = _SlugChoiceField(
        StakeholderGroup.objects.all(), "slug", label=_("Stakeholder group"), empty_label=_("Any group")
    )
    target = _SlugChoiceField(
        GBFTarget.objects.all(), "number", label=_("Works on GBF target"), empty_label=_("Any target")
    )
    language = _SlugChoiceField(
        Language.objects.all(), "code", label=_("Works in language"), empty_label=_("Any language")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]


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


class PractitionerProfileForm(ProfileForm):
    """The account preferences plus the public profile shown on member lists and in the network."""

    class Meta(ProfileForm.Meta):
        fields = [
            *ProfileForm.Meta.fields,
            "organisation",
            "country",
            "stakeholder_group",
            "expertise",
            "languages",
            "bio",
            "listed_in_directory",
        ]
        widgets = {
            "expertise": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 6}),
        }
