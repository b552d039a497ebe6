from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "yingji.enforcement"
    label = "enforcement"
    verbose_name = _("Supervision and enforcement")

    def ready(self) -> None:
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo, surfaces

        register_generator(demo, order=80)
        surfaces.register_all()
        register_module(Module("draws", _("Random inspections"), "shuffle", "draw_list", "enforcement.randomdraw"),
                        before="plans")
        register_module(Module("officers", _("Enforcement officers"), "person-vcard", "officer_list",
                               "enforcement.officer", also=("power_list",)), before="plans")

        # --- inspections ---
        from yingji.prevention import origins

        from . import demo_inspections, services

        register_generator(demo_inspections, order=81)
        surfaces.register_inspections()
        origins.register(services.hazard_origins)
        register_module(Module("inspections", _("Inspections"), "clipboard-check", "inspection_list",
                               "enforcement.inspection",
                               also=("inspection_create", "inspection_field_list", "inspection_field"),
                               enterprise_needs="enforcement.inspection"), before="plans")
