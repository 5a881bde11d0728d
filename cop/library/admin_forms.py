"""Admin forms of the library's snippets, set on their viewsets (cop.library.wagtail_hooks)."""

from wagtail.admin.forms import WagtailAdminModelForm

from .publication import publication_form_error


class BuildingBlockAdminForm(WagtailAdminModelForm):
    """A building block's admin form: publishing one that holds traditional knowledge needs an active
    consent record (cop.library.publication); the message is shown on the status field and nothing is
    saved, so the stored draft stays as it was."""

    def clean(self):
        cleaned = super().clean()
        block = self.instance
        status = cleaned.get("status", block.status)
        holds = cleaned.get("holds_traditional_knowledge", block.holds_traditional_knowledge)
        if status == "published" and holds:
            original = (block.status, block.holds_traditional_knowledge)
            block.status, block.holds_traditional_knowledge = status, holds
            try:
                message = publication_form_error(block)
            finally:
                block.status, block.holds_traditional_knowledge = original
            if message:
                self.add_error("status", message)
        return cleaned
