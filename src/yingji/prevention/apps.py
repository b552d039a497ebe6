from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "yingji.prevention"
    label = "prevention"
    verbose_name = _("Dual prevention")

    def ready(self) -> None:
        from yingji.core.demo import register_generator

        from . import demo

        register_generator(demo, order=20)
        from . import demo_places

        register_generator(demo_places, order=21)
        from . import (
            archive,
            surfaces,
            tasks,  # noqa: F401  (registers the overdue-hazard periodic job)
        )

        archive.register()
        from . import home

        home.register()
        surfaces.register_all()

        from yingji.core.surfaces import register_page

        register_page("prevention.hazard", "hazard_detail")

        from yingji.core.modules import Module, register_module

        register_module(Module("hazard_places", _("Hazard places"), "signpost-split", "hazard_place_list",
                               "prevention.hazardplace"), before="monitoring")
        from yingji.core.maps import register_layer

        from . import maps

        register_layer("hazards", maps.overdue_hazard_points, order=41, label=_("Overdue hazards"),
                       kinds={"hazard": _("Hazard")})
