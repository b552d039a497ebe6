from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yingji.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            modelchoices,
            regions,  # noqa: F401  (drops cached region names when a region changes)
            signals,  # noqa: F401  (login/logout audit receivers)
            tasks,  # noqa: F401  (registers the periodic jobs of core)
            textpolicy,
            timesafe,
            values,
        )

        textpolicy.install()
        timesafe.install()
        values.install_form_rules()
        modelchoices.install()

        from . import core_surfaces

        core_surfaces.register_all()
        from . import home_tiles

        home_tiles.register()
