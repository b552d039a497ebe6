from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "yingji.duty"
    label = "duty"
    verbose_name = _("Duty desk")

    def ready(self) -> None:
        from yingji.core.demo import register_generator

        from . import demo

        register_generator(demo, order=40)
        from . import surfaces

        surfaces.register_all()
