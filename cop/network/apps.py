from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "cop.network"
    label = "cop_network"
    verbose_name = _("Practitioner network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import personal_data  # noqa: F401  (registers the network's part of "Download my data")
