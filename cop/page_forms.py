"""The Wagtail editor's form for pages whose title people see in lists and headings (communities,
events): the title loses its bidirectional control characters (cop.text.strip_bidi_controls)."""

from wagtail.admin.forms import WagtailAdminPageForm

from cop.text import strip_bidi_controls


class NamedPageForm(WagtailAdminPageForm):
    def clean_title(self):
        return strip_bidi_controls(self.cleaned_data.get("title", "")).strip()
