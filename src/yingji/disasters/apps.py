from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DisastersConfig(AppConfig):
    name = "yingji.disasters"
    label = "disasters"
    verbose_name = _("Natural disasters")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
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

        # --- zones (danger zones, households, transfers) ---
        from yingji.warnings.services import warning_published

        from . import demo_zones, surfaces_zones
        from .services import zones as zone_services

        register_generator(demo_zones, order=90)
        surfaces_zones.register_all()
        register_module(Module("danger_zones", _("Danger zones"), "water", "danger_zone_list", "disasters.dangerzone",
                               also=("household_list", "household_import", "household_import_template",
                                     "shelter_coverage_three")), before="plans")
        register_module(Module("zone_transfers", pgettext_lazy("people", "Transfers"), "people", "zone_transfer_list",
                               "disasters.transfer",
                               also=("zone_transfer_totals", "zone_transfer_confirm")), before="plans")
        warning_published.connect(zone_services.on_warning_published, dispatch_uid="disasters.zones.transfers")

        # --- relief (灾害救助) ---
        from . import demo_relief, surfaces_relief

        surfaces_relief.register_all()
        # After the flood event (92) and the zones' households (90).
        register_generator(demo_relief, order=93)
        register_module(Module("disaster_relief", _("Disaster relief"), "cash-coin", "relief_application_list",
                               "disasters.reliefapplication",
                               also=("relief_standard_list", "relief_disbursement_list", "relief_application_act",
                                     "relief_objection_add", "relief_objection_handle")), before="plans")
