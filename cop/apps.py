from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopConfig(AppConfig):
    name = "cop"
    verbose_name = _("Communities of practice")

    def ready(self):
        # Imported here, once the app registry is ready: these modules load models. signals connects
        # receivers, site_sections registers sections, community_pages what the community pages show
        # (cop.page_context), tasks the Celery tasks that cop.services queue by name.
        from cop import community_pages, converters, signals, site_sections, tasks  # noqa: F401

        converters.register()  # <id:...>, <text:...>, <uslug:...> in every urls.py
