from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "cop.library"
    label = "cop_library"
    verbose_name = _("Case-study libraries")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The consent lifecycle's receivers: custodianship passing, the publication guard, the
        # moderation workflow's assignment and notices; the tasks, which services queue by name.
        from . import files, fragments, indexing, publication, receivers, tasks, workflow  # noqa: F401 - files, indexing: the core
