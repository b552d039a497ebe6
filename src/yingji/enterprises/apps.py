from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "yingji.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from yingji.core.surfaces import register_page

        register_page("enterprises.enterprise", "enterprise_detail")
        register_page("enterprises.unit", "unit_detail")
