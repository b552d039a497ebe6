from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from yingji.core.surfaces import register_page

        from . import retention, tasks  # noqa: F401  (registers the periodic jobs)

        register_page("monitoring.station", "station_detail")
        register_page("monitoring.alarm", "alarm_detail")
        register_page("monitoring.rule", "rule_detail")
