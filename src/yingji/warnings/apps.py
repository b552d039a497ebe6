from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "yingji.warnings"
    label = "warnings"
    verbose_name = _("Early warnings")

    def ready(self) -> None:
        from yingji.core.surfaces import register_page

        from . import tasks  # noqa: F401  (registers the dispatch, escalation and expiry periodic jobs)

        register_page("warnings.warning", "warning_detail")
        register_page("warnings.responsibleperson", "person_detail")
