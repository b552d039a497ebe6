from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    name = "yingji.preparedness"
    label = "preparedness"
    verbose_name = _("Preparedness")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
        pass
        # --- publicity and the statistics frame ---
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo_publicity, statistics, surfaces_publicity
        from .services import publicity as publicity_services

        surfaces_publicity.register_all()
        register_generator(demo_publicity, order=96)
        register_module(Module("publicity", _("Publicity and education"), "easel", "publicity_list",
                               "preparedness.publicityactivity", also=("preparedness_statistics",)),
                        before="regions")
        statistics.register("publicity", _("Publicity and education"), publicity_services.figures,
                            model="preparedness.publicityactivity")
