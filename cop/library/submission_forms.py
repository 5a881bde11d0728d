"""The "Share a case study" form: CaseStudyPage's structured and Markdown fields (their labels, limits
and validators are the model's), its story as plain-text sections (cop.library.story_text), the
building blocks it uses (chosen, or one written new), the labels and the traditional-knowledge flag;
and its resources, a formset of rows (a title with an address or a file), without JavaScript: the
form always offers a few empty rows, saving offers more. The rules of a submission live in
cop.library.services.submission."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from cop import permissions as cop_permissions
from cop.models import CommunityPage

from . import permissions
from .form_fields import IdChoiceField, IdMultipleChoiceField
from .models import BuildingBlock, CaseStudyPage, Label
from .services.submission import PAGE_FIELDS, RELATIONS, NewBlock, ResourceInput
from .story_text import STORY_MAX_LENGTH, story_to_text
from .uploads import validate_upload

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MARKDOWN_HELP = _("Markdown: *emphasis*, **strong**, lists and [links](https://example.org).")
CHECKBOXES = ("gbf_targets", "km_components", "ecosystems", "stakeholder_groups", "labels")


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.ManyToManyField):
        return model_field.formfield(form_class=IdMultipleChoiceField, **kwargs)
    if isinstance(model_field, models.ForeignKey):
        return model_field.formfield(form_class=IdChoiceField, **kwargs)
    return model_field.formfield(**kwargs)


STORY_HELP = _(
    "Sections separated by a blank line. A line starting with ## is a heading (### a smaller one); "
    "lines starting with > are a quotation, and a last line > -- Name gives its source; anything else "
    "is a paragraph in Markdown (*emphasis*, **strong**, lists, [links](https://example.org))."
)


class CaseStudyForm(forms.Form):
    story = forms.CharField(
        label=_("Story"),
        max_length=STORY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=STORY_HELP,
    )
    blocks = IdMultipleChoiceField(
        label=_("Building blocks it uses"),
        queryset=BuildingBlock.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Reusable parts of the solution, already in the libraries."),
    )
    new_block_title = forms.CharField(label=_("New building block: title"), max_length=200, required=False)
    new_block_summary = forms.CharField(
        label=_("New building block: summary"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_block_body = forms.CharField(
        label=_("New building block: description"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(
            CaseStudyPage, fields=[*PAGE_FIELDS, *RELATIONS], formfield_callback=_formfield
        )
        # The model's fields first, in the model's order (the story after the summary), then the blocks.
        story = {"story": self.fields.pop("story")}
        at = list(model_fields).index("summary") + 1
        self.fields = {
            **dict(list(model_fields.items())[:at]),
            **story,
            **dict(list(model_fields.items())[at:]),
            **self.fields,
        }
        self.fields["title"].label = _("Title")
        self.fields["title"].help_text = ""
        # The model's own validators (bounds of the coordinates, the DOI's shape) checked on the form.
        for name in PAGE_FIELDS:
            field = self.fields[name]
            field.validators += [
                validator
                for validator in CaseStudyPage._meta.get_field(name).validators
                if not isinstance(validator, MaxLengthValidator) and validator not in field.validators
            ]
        for name in ("context", "solution", "results", "lessons"):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 6})
            self.fields[name].help_text = MARKDOWN_HELP
        self.fields["summary"].widget = forms.Textarea(attrs={"rows": 3})
        self.fields["organisations"].widget = forms.Textarea(attrs={"rows": 3})
        self.fields["attribution"].widget = forms.Textarea(attrs={"rows": 2})
        for name in ("period_start", "period_end"):
            self.fields[name].widget = DATE_WIDGET
        for name in CHECKBOXES:
            self.fields[name].widget = forms.CheckboxSelectMultiple()
            self.fields[name].widget.choices = self.fields[name].choices
        self.fields["labels"].queryset = Label.objects.order_by("sort_order")
        self.fields["contact_email"].help_text = _("Never shown on the site.")
        self.fields["licence"].help_text = _(
            "For traditional knowledge, choose a licence within the holder community's consent: if it "
            "did not consent to commercial use or adaptation, a NonCommercial-NoDerivatives licence or "
            "all rights reserved."
        )
        self.fields["source_community"].queryset = cop_permissions.visible_pages(
            user, CommunityPage.objects.live()
        ).order_by("title")
        self.fields["blocks"].queryset = permissions.library_items_for(
            user, BuildingBlock.objects.all(), minimum=permissions.Access.FULL
        ).order_by("title")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.has_error(
            "latitude"
        ):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        if (data.get("new_block_title") or "").strip() and not (data.get("new_block_summary") or "").strip():
            self.add_error("new_block_summary", _("Give the new building block a summary."))
        if (data.get("new_block_summary") or "").strip() and not (data.get("new_block_title") or "").strip():
            self.add_error("new_block_title", _("Give the new building block a title."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PAGE_FIELDS}

    def relations(self) -> dict:
        return {name: self.cleaned_data[name] for name in RELATIONS}

    def story_text(self) -> str | None:
        """The story's text, or None when the form sent none (the story is then left as it is)."""
        return (self.cleaned_data.get("story") or "") if "story" in self.data else None

    def new_block(self) -> NewBlock | None:
        title = (self.cleaned_data.get("new_block_title") or "").strip()
        if not title:
            return None
        return NewBlock(
            title=title,
            summary=self.cleaned_data["new_block_summary"].strip(),
            body=self.cleaned_data.get("new_block_body") or "",
        )

    @staticmethod
    def initial_for(page: CaseStudyPage) -> dict:
        initial = {name: getattr(page, name) for name in PAGE_FIELDS}
        initial["source_community"] = page.source_community_id
        initial["country"] = page.country.code if page.country else ""
        for name in RELATIONS:
            initial[name] = list(getattr(page, name).values_list("pk", flat=True))
        initial["blocks"] = list(page.block_uses.values_list("block_id", flat=True))
        initial["story"] = story_to_text(page.story)
        return initial


class ResourceForm(forms.Form):
    """One resource: a title with an address, or with a file (a new upload, or the one it has)."""

    resource = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    url = forms.URLField(label=_("Address (a link)"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        validators=[validate_upload],
        help_text=_("Documents and images; no programs or scripts."),
    )

    def __init__(self, *args, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing or {}  # this case study's resources, by id

    @property
    def current(self):
        """The resource this row edits (one of this case study's), or None."""
        value = self["resource"].value()
        try:
            return self.existing.get(int(value)) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        if self.has_error("file") or self.has_error("url"):
            return data
        current = self.current
        data["resource"] = current.pk if current is not None else None
        has_document = data.get("file") is not None or (
            current is not None and current.document_id is not None and not data.get("url")
        )
        title, url = (data.get("title") or "").strip(), data.get("url")
        if data.get("file") is not None and url:
            self.add_error("url", _("Give either a file or an address, not both."))
        elif (url or has_document) and not title:
            self.add_error("title", _("Give the resource a title."))
        elif title and not (url or has_document):
            self.add_error("url", _("Give an address, or attach a file."))
        return data

    def value(self) -> ResourceInput | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not (data.get("title") or "").strip():
            return None
        return ResourceInput(
            title=data["title"].strip(),
            url=data.get("url") or "",
            upload=data.get("file"),
            resource_id=data.get("resource"),
        )


class BaseResourceFormSet(forms.BaseFormSet):
    prefix = "resources"

    def __init__(self, *args, page=None, **kwargs):
        self.existing = (
            {resource.pk: resource for resource in page.resources.select_related("document")} if page else {}
        )
        kwargs.setdefault(
            "initial",
            [
                {"resource": resource.pk, "title": resource.title, "url": resource.url}
                for resource in self.existing.values()
            ],
        )
        super().__init__(*args, prefix=self.prefix, **kwargs)

    def get_form_kwargs(self, index):
        # Every row is read, even one sent as it was offered: a row keeping its resource unchanged
        # must still say so (Django skips unchanged extra rows).
        return {**super().get_form_kwargs(index), "existing": self.existing, "empty_permitted": False}

    @property
    def sent(self) -> bool:
        """Did the form send its resources at all? Without them they are left as they are."""
        return self.is_bound and f"{self.prefix}-TOTAL_FORMS" in self.data

    def is_valid(self):
        return super().is_valid() if self.sent else True

    def values(self) -> list[ResourceInput] | None:
        if not self.sent:
            return None
        return [value for form in self.forms if (value := form.value()) is not None]


ResourceFormSet = forms.formset_factory(
    ResourceForm,
    formset=BaseResourceFormSet,
    extra=2,
    can_delete=True,
    max_num=20,
    validate_max=True,
    absolute_max=40,
)


class HolderReviewForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("approve", _("Approve: the library editors review it next")),
            ("reject", _("Request changes from its submitter")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the submitter"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request changes: say what should change."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what should change, so the submitter can do it."))
        return data
