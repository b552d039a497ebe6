from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "yingji.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from yingji.core.surfaces import register_page

        from . import surfaces, tasks  # noqa: F401  (tasks registers the reporting-deadline periodic job)

        surfaces.register_all()

        register_page("incidents.incident", "incident_detail")
        register_page("incidents.sitrep", "sitrep_detail")
