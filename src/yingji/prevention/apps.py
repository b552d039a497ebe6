from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "yingji.prevention"
    label = "prevention"
    verbose_name = _("Dual prevention")

    def ready(self) -> None:
        from . import (
            archive,
            tasks,  # noqa: F401  (registers the overdue-hazard periodic job)
        )

        archive.register()
