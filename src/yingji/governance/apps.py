from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "yingji.governance"
    label = "governance"
    verbose_name = _("Responsibility system")

    def ready(self) -> None:
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo, surfaces

        surfaces.register_all()
        register_generator(demo, order=97)
        register_module(Module("governance", _("Responsibility system"), "diagram-3", "governance_body_list",
                               "governance.body",
                               also=("member_list", "key_area_list", "duty_list_list", "meeting_list",
                                     "decision_list", "responsibility_letter_list", "notice_list", "talk_list")))
