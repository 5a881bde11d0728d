from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        # Imported here, once the app registry is ready: these modules load models.
        from wagtail.signals import page_published

        # sections registers the "latest discussions" sections, tasks the Celery tasks that
        # forums.services queue by name, lists the receivers that replace its fragments' versions.
        from . import lists, sections, tasks  # noqa: F401
        from .receivers import board_for_published_community

        page_published.connect(board_for_published_community, dispatch_uid="forums.board_for_community")
