from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "yingji.resources"
    label = "resources"
    verbose_name = _("Resources")

    def ready(self) -> None:
        from yingji.core.demo import register_generator

        from . import demo

        register_generator(demo, order=30)
        from . import surfaces, tasks  # noqa: F401  (tasks registers the stock-due reminder periodic job)

        surfaces.register_all()
        from . import home

        home.register()
