from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from cop.permissions import register_community_page

        # Registers the sections, the receivers and the Celery tasks (services queue them by name).
        from events import sections, signals, tasks  # noqa: F401
        from events.models import EventPage

        # Site search hides the events of communities the visitor may not read.
        register_community_page(EventPage, "community")
