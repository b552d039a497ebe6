from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from yingji.core.demo import register_generator

        from . import demo

        register_generator(demo, order=60)
        from yingji.core.surfaces import register_page

        from . import retention, surfaces, tasks  # noqa: F401  (registers the periodic jobs)

        surfaces.register_all()
        from . import home

        home.register()

        register_page("monitoring.alarm", "alarm_detail")
        from yingji.core.maps import register_layer

        from . import maps

        register_layer("stations", maps.station_points, order=30, label=_("Monitoring stations"),
                       kinds={"station": _("Monitoring station")})
        register_layer("alarms", maps.alarm_points, order=31, label=_("Active alarms"), kinds={"alarm": _("Alarm")})
