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
        # page_contexts, permissions and views.case_study fill cop.library.page_registry (what the
        # pages show, a case study's admin rights); files, indexing: the core.
        from . import (  # noqa: F401
            files,
            fragments,
            indexing,
            page_contexts,
            permissions,
            publication,
            receivers,
            tasks,
            workflow,
        )
        from .views import case_study  # noqa: F401 - fills page_registry: what a case study's page shows
