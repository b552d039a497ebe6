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
                               "disasters.disasterevent",
                               also=("disaster_report_list", "relief_threshold_list", "casualty_list",
                                     "disaster_event_end", "disaster_quick_report")),
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
        register_module(Module("flood_situation", _("Flood and drought situation"), "cloud-rain", "flood_situation",
                               "disasters.dangerzone"), before="plans")
        register_module(Module("danger_zones", _("Danger zones"), "water", "danger_zone_list", "disasters.dangerzone",
                               also=("household_list", "household_import", "household_import_template",
                                     "shelter_coverage_three")), before="plans")
        register_module(Module("zone_transfers", pgettext_lazy("people", "Transfers"), "people", "zone_transfer_list",
                               "disasters.transfer",
                               also=("zone_transfer_totals", "zone_transfer_confirm")), before="plans")
        warning_published.connect(zone_services.on_warning_published, dispatch_uid="disasters.zones.transfers")

        # --- flood checks (汛前大排查) ---
        from yingji.prevention import origins

        from . import demo_flood_checks, surfaces_flood_checks
        from .services import flood_checks as flood_check_services

        surfaces_flood_checks.register_all()
        register_generator(demo_flood_checks, order=94)
        register_module(Module("flood_checks", _("Pre-flood checks"), "clipboard-check", "flood_check_round_list",
                               "disasters.floodcheckround",
                               also=("flood_check_record_list", "flood_check_record_new", "flood_check_bulletin",
                                     "flood_check_bulletin_pdf", "flood_check_press")), before="plans")
        origins.register(flood_check_services.hazard_origins)
        # --- forest fire and geological hazards (issue 16 §2, §3) ---
        from . import demo_forest, surfaces_forest, surfaces_geo

        surfaces_forest.register_all()
        surfaces_geo.register_all()
        # After the zones (90): the hazard points sit at the zones' villages and the monitoring demo's stations.
        register_generator(demo_forest, order=91)
        register_module(Module("forest_fire", _("Forest fire prevention"), "tree", "forest_area_list",
                               "disasters.forestarea",
                               also=("forest_checkpoint_list", "forest_patrol_list", "fire_permit_list",
                                     "fire_violation_list", "forest_fire_list", "forest_checkin", "forest_danger")),
                        before="plans")
        register_module(Module("geohazards", _("Geological hazards"), "globe", "geohazard_point_list",
                               "disasters.geohazardpoint",
                               also=("geohazard_patrol_list", "earthquake_report_list")), before="plans")
        # --- relief (灾害救助) ---
        from . import demo_relief, surfaces_relief

        surfaces_relief.register_all()
        # After the flood event (92) and the zones' households (90).
        register_generator(demo_relief, order=93)
        register_module(Module("disaster_relief", _("Disaster relief"), "cash-coin", "relief_application_list",
                               "disasters.reliefapplication",
                               also=("relief_standard_list", "relief_disbursement_list", "relief_application_act",
                                     "relief_objection_add", "relief_objection_handle")), before="plans")
        # --- risk census (自然灾害综合风险普查) ---
        from yingji.core.maps import register_layer

        from . import demo_census, surfaces_census
        from .services import census as census_services

        surfaces_census.register_all()
        # After the zones (90) and the hazard points (91): bodies are linked to them.
        register_generator(demo_census, order=95)
        register_module(Module("risk_census", _("Risk census"), "buildings", "census_body_list",
                               "disasters.censusbody",
                               also=("census_source_list", "census_zone_list", "census_import",
                                     "census_import_template")), before="plans")
        register_layer("census", census_services.census_points, order=70, label=_("Risk census (bodies, sources)"),
                       kinds={"census_body": _("Hazard-bearing body"), "census_source": _("Hazard source")})
