from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from cop.forms import NameField
from cop.models import GBFTarget

from .models import Category, EmailFrequency, FlagReason, NotificationSettings, ThreadKind
from .services import BODY_MAX_LENGTH, MAX_ATTACHMENTS, TITLE_MAX_LENGTH

MARKDOWN_HELP = _(
    "Markdown works: **bold**, *italic*, [link](https://…), lists, > quotes, `code`. "
    "Mention someone with @[Their name]."
)


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        kwargs.setdefault("max_length", BODY_MAX_LENGTH)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Write a message."),
                "max_length": _(
                    "The message is too long: at most %(limit_value)s characters (it has %(show_value)s)."
                ),
            },
        )
        super().__init__(
            widget=forms.Textarea(attrs={"rows": 8, "dir": "auto", "data-mentions": ""}), **kwargs
        )


class ThreadDetailsForm(forms.Form):
    """What a thread carries besides its first post's text: title, category, tags and GBF targets."""

    title = NameField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={"required": _("Give the thread a title.")},
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    tags = TagField(label=_("Tags"), required=False, help_text=_("Separate tags with commas."))
    gbf_targets = forms.ModelMultipleChoiceField(
        label=_("GBF targets"),
        queryset=GBFTarget.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(board=board) if board is not None else Category.objects.none()
        self.fields["category"].queryset = categories
        if board is None or not categories.exists():
            del self.fields["category"]


class ThreadForm(ThreadDetailsForm):
    field_order = ["title", "kind", "body", "category", "tags", "gbf_targets"]

    kind = forms.ChoiceField(
        label=_("Type"), choices=ThreadKind.choices, initial=ThreadKind.DISCUSSION, widget=forms.RadioSelect
    )
    body = BodyField()


class ReplyForm(forms.Form):
    body = BodyField(label=_("Your reply"))
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditPostForm(ThreadDetailsForm):
    """A post's text; for the first post of a thread, also the thread's details (pass `thread`)."""

    field_order = ["title", "body", "category", "tags", "gbf_targets"]

    body = BodyField()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, thread=None, **kwargs):
        super().__init__(*args, board=thread.board if thread is not None else None, **kwargs)
        if thread is None:
            for name in ThreadDetailsForm.base_fields:
                self.fields.pop(name, None)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    alt_text = forms.CharField(
        label=_("Text alternative (for images)"),
        max_length=300,
        required=False,
        help_text=_("Describe what the image shows, for people who cannot see it."),
    )


AttachmentFormSet = forms.formset_factory(
    AttachmentForm, extra=2, max_num=MAX_ATTACHMENTS, absolute_max=MAX_ATTACHMENTS, validate_max=True
)


def attachment_formset(data=None, files=None) -> forms.BaseFormSet:
    formset = AttachmentFormSet(data, files, prefix="attachments")
    formset.error_messages = {
        **formset.error_messages,
        "too_many_forms": _("Too many attachments: at most %(num)d per post.") % {"num": MAX_ATTACHMENTS},
    }
    return formset


def uploads_from(formset) -> list[tuple]:
    return [
        (form.cleaned_data["file"], form.cleaned_data.get("alt_text", ""))
        for form in formset.forms
        if form.cleaned_data.get("file")
    ]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at this post?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the moderation log)"), required=False, max_length=300)


class MoveForm(forms.Form):
    board = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def __init__(self, *args, boards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [(b.pk, b.name) for b in boards]


class FlagResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("keep", _("Keep the post")),
            ("hide", _("Hide the post")),
            ("delete", _("Remove the post")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (kept in the moderation log)"), required=False, max_length=300)
    warn_message = forms.CharField(
        label=_("Warn the author (optional message sent to them)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ban = forms.BooleanField(label=_("Ban the author"), required=False)


class NotificationSettingsForm(forms.ModelForm):
    email_frequency = forms.ChoiceField(
        label=_("E-mail me"), choices=EmailFrequency.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = NotificationSettings
        fields = ["email_frequency", "auto_watch"]
