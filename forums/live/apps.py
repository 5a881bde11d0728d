from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "forums.live"
    label = "forums_live"
    verbose_name = _("Live discussion")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rooms, sections, signals, threads  # noqa: F401 - registers stream kinds, sections, receivers
