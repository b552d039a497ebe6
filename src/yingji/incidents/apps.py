from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "yingji.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from yingji.core.demo import register_generator

        from . import demo

        register_generator(demo, order=50)
        from yingji.core.maps import register_layer
        from yingji.core.surfaces import register_page
        from yingji.monitoring import links

        from . import (
            panels,
            services,
            surfaces,
            tasks,  # noqa: F401  (registers the reporting-deadline periodic job)
        )

        surfaces.register_all()
        from . import home

        home.register()

        links.register_incident_opener(services.create_incident)
        links.register_alarm_panel(panels.alarm_incident)
        register_layer("incidents", panels.incident_points, order=60)
        register_page("incidents.incident", "incident_detail")
        register_page("incidents.sitrep", "sitrep_detail")
