from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    name = "yingji.preparedness"
    label = "preparedness"
    verbose_name = _("Preparedness")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
        pass
        # --- plans ---
        from yingji.core.demo import register_generator

        from . import (
            demo_plans,
            tasks,  # noqa: F401  (registers the overdue plan evaluation/filing reminder job)
        )

        register_generator(demo_plans, order=55)
        from . import archive as plan_archive

        plan_archive.register()
