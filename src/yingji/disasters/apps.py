from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DisastersConfig(AppConfig):
    name = "yingji.disasters"
    label = "disasters"
    verbose_name = _("Natural disasters")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
        pass

        # --- zones (danger zones, households, transfers) ---
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module
        from yingji.warnings.services import warning_published

        from . import demo_zones, surfaces_zones
        from .services import zones as zone_services

        register_generator(demo_zones, order=90)
        surfaces_zones.register_all()
        register_module(Module("danger_zones", _("Danger zones"), "water", "danger_zone_list", "disasters.dangerzone",
                               also=("household_list", "household_import", "household_import_template",
                                     "shelter_coverage_three")))
        register_module(Module("zone_transfers", pgettext_lazy("people", "Transfers"), "people", "zone_transfer_list",
                               "disasters.transfer",
                               also=("zone_transfer_totals", "zone_transfer_confirm")))
        warning_published.connect(zone_services.on_warning_published, dispatch_uid="disasters.zones.transfers")
