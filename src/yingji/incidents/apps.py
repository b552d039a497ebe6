from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "yingji.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the reporting-deadline periodic job)
