from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "yingji.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo, surfaces

        surfaces.register_all()
        from . import home

        home.register()
        # After every area's demo records: the entered figures are of the years before them.
        register_generator(demo, order=99)
        register_module(Module("annual_statistics", _("Annual statistics"), "bar-chart-line", "annual_statistics",
                               "statistics.historicalfigure",
                               also=("historical_figure_list",)))
