from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopConfig(AppConfig):
    name = "cop"
    verbose_name = _("Communities of practice")

    def ready(self):
        # signals connects receivers, site_sections registers sections, tasks registers the Celery tasks
        # that cop.services queue by name.
        from cop import converters, signals, site_sections, tasks  # noqa: F401

        converters.register()  # <id:...>, <text:...>, <uslug:...> in every urls.py
