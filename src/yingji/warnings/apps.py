from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "yingji.warnings"
    label = "warnings"
    verbose_name = _("Early warnings")

    def ready(self) -> None:
        from yingji.core.demo import register_generator

        from . import demo

        register_generator(demo, order=70)
        from yingji.core.surfaces import register_page
        from yingji.monitoring import links

        from . import tasks  # noqa: F401  (registers the dispatch, escalation and expiry periodic jobs)
        from .panels import alarm_warnings

        links.register_alarm_panel(alarm_warnings)

        from . import surfaces

        surfaces.register_all()
        from . import home

        home.register()
        register_page("warnings.warning", "warning_detail")
        from yingji.core.maps import register_layer

        from . import maps

        register_layer("warnings", maps.warning_areas, order=32, label=_("Warnings in force (areas)"),
                       kinds={"warning": _("Warning")})
