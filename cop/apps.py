from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopConfig(AppConfig):
    name = "cop"
    verbose_name = _("Communities of practice")

    def ready(self):
        from cop import converters, signals, site_sections  # noqa: F401  (connects receivers, registers sections)

        converters.register()  # <id:...>, <text:...>, <uslug:...> in every urls.py
