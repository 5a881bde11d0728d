from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home")

    def ready(self):
        from . import (
            personal_data,  # noqa: F401  (forums, events and library in "Download my data")
            search,  # noqa: F401  (the receivers that move the site search's version)
            sites,  # noqa: F401  (the receivers that move the sites' version)
        )
