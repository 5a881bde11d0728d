import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from home import demo

# Each app that has demo content provides `<app>.demo.seed(context, stdout)`; order matters.
APP_SEEDERS = [
    "cop.demo",
    "cop.network.demo",
    "cop.library.demo",
    "forums.demo",
    "forums.live.demo",
    "events.demo",
]


class Command(BaseCommand):
    help = "Builds (or tops up) the demo site. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        with transaction.atomic():
            context = demo.seed(self.stdout)
            for module_name in APP_SEEDERS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(context, self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo site ready. Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        )
        for email, name, _lang, _tz, staff in demo.DEMO_USERS[:3]:
            role = "organiser, Wagtail admin" if staff else "practitioner"
            self.stdout.write(f"  {email:<28} {name} ({role})")
