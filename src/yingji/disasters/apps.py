from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisastersConfig(AppConfig):
    name = "yingji.disasters"
    label = "disasters"
    verbose_name = _("Natural disasters")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
        pass
