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
