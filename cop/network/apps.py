from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "cop.network"
    label = "cop_network"
    verbose_name = _("Practitioner network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # personal_data registers the network's part of "Download my data"; services queue tasks by name;
        # fragments and search connect the receivers that replace the cached cards' and search's versions.
        from . import fragments, personal_data, search, tasks  # noqa: F401
