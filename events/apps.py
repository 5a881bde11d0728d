from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from cop.permissions import register_community_page
        from events import sections, signals  # noqa: F401  (registers the sections and receivers)
        from events.models import EventPage

        # Site search hides the events of communities the visitor may not read.
        register_community_page(EventPage, "community")
