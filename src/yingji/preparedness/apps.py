from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    name = "yingji.preparedness"
    label = "preparedness"
    verbose_name = _("Preparedness")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
        pass

        # --- training and exams ---
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module
        from yingji.enterprises import archive

        from . import demo_training, training_archive, training_surfaces, training_tasks  # noqa: F401

        training_surfaces.register_all()
        register_generator(demo_training, order=90)
        register_module(Module("training", _("Training"), "mortarboard", "training_session_list",
                               "preparedness.trainingsession",
                               also=("training_course_list", "training_certificate_list", "trainee_list",
                                     "training_compliance")))
        register_module(Module("exams", _("Exams"), "pencil-square", "exam_attempt_list",
                               "preparedness.examattempt",
                               also=("exam_question_list", "exam_paper_list", "exam_question_import")))
        archive.SECTIONS.append((_("Training and exams"), "preparedness/includes/enterprise_training.html",
                                 training_archive.context))
