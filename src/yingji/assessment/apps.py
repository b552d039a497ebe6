from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AssessmentConfig(AppConfig):
    name = "yingji.assessment"
    label = "assessment"
    verbose_name = pgettext_lazy("appraisal", "Assessment")

    def ready(self) -> None:
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo, surfaces

        surfaces.register_all()
        # After every area's records: the scores are read from them.
        register_generator(demo, order=100)
        register_module(Module("assessment", pgettext_lazy("appraisal", "Assessment"), "award", "assessment_list",
                               "assessment.assessment", also=("rubric_list", "rubric_item_list")))
