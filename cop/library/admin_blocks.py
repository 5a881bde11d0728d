"""Building blocks in the Wagtail admin (issue #12): an editor who may not read a traditional-knowledge
block in full (cop.library.permissions) has no right at all on it.

The cause is fixed in Wagtail's own permission system, as for the library's files
(cop.library.admin_files): `BuildingBlockPermissionPolicy` is the blocks' permission policy (registered in
cop.library.wagtail_hooks), Django's model permissions narrowed by the one access decision, superusers
included. Every snippet view that asks the policy for an instance follows: edit, copy (whose form would
otherwise show the restricted title, summary and body, and save them as an unrestricted block) and
delete. The snippet views that ask only for the model's
permissions (edit, delete, usage, history, inspect) ask the policy for the block too, through
`ReadableBlockMixin`.
"""

from django.core.exceptions import PermissionDenied
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import snippets

from .permissions import Access, access, library_items_for


class BuildingBlockPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and none on a block the user may not read in full."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        # The model permissions (Wagtail's ModelPermissionPolicy reads no instance), then the decision.
        return self.user_has_any_permission(user, actions) and access(user, instance) == Access.FULL

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return library_items_for(user, instances, minimum=Access.FULL)


class ReadableBlockMixin:
    """A snippet view of one block: refused (403) unless the policy grants the user a right on it."""

    def get_object(self, *args, **kwargs):
        block = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, ["add", "change", "delete", "view"], block
        ):
            raise PermissionDenied
        return block


class BlockEditView(ReadableBlockMixin, snippets.EditView):
    pass


class BlockDeleteView(ReadableBlockMixin, snippets.DeleteView):
    pass


class BlockUsageView(ReadableBlockMixin, snippets.UsageView):
    pass


class BlockHistoryView(ReadableBlockMixin, snippets.HistoryView):
    pass


class BlockInspectView(ReadableBlockMixin, snippets.InspectView):
    pass
