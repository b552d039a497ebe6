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

        from yingji.core.surfaces import register_page

        register_page("prevention.riskpoint", "risk_detail")
        register_page("prevention.hazard", "hazard_detail")
