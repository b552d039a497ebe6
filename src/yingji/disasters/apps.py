from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisastersConfig(AppConfig):
    name = "yingji.disasters"
    label = "disasters"
    verbose_name = _("Natural disasters")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
        pass
        # --- disaster reports ---
        from yingji.core import deadlines

        from . import tasks_reports  # noqa: F401  (registers the periodic reminder of due reports)
        from .services import reports as report_services

        deadlines.register(report_services.console_deadlines)
        from . import surfaces_reports

        surfaces_reports.register_all()
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo_reports

        # After incidents (50): the flood's incident is created here, of category natural disaster.
        register_generator(demo_reports, order=92)
        register_module(Module("disaster_reports", _("Disaster reports"), "clipboard-data", "disaster_event_list",
                               "disasters.disasterevent", also=("disaster_report_list", "relief_threshold_list")),
                        before="plans")
        # Natural disasters are graded by the county relief plan and the disaster reports (issue 16 §0).
        from yingji.incidents import grading

        grading.register_thresholds(report_services.county_thresholds)
        grading.register_indicators(report_services.incident_indicators)
