from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "yingji.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from yingji.core.demo import register_generator

        from . import demo

        register_generator(demo, order=10)
        from yingji.core.surfaces import register_page

        register_page("enterprises.unit", "unit_detail")
        from . import surfaces

        surfaces.register_all()
        from . import home

        home.register()
        from yingji.core.modules import Module, register_module

        register_module(Module("registers", _("Tailings ponds and mines"), "minecart-loaded", "tailings_list",
                               "enterprises.tailingspond", also=("mine_list",)), before="prevention")
        from yingji.core.maps import register_layer

        from . import maps

        register_layer("major_hazards", maps.major_hazard_points, order=40, label=_("Major hazard sources"),
                       kinds={"major_hazard": _("Major hazard source")})

