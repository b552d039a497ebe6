from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    name = "yingji.preparedness"
    label = "preparedness"
    verbose_name = _("Preparedness")

    def ready(self) -> None:
        # Each area appends its own block below (surfaces, demo generator, modules, registries).
        # --- publicity and the statistics frame ---
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo_publicity, statistics, surfaces_publicity
        from .services import publicity as publicity_services

        surfaces_publicity.register_all()
        register_generator(demo_publicity, order=96)
        register_module(Module("publicity", _("Publicity and education"), "easel", "publicity_list",
                               "preparedness.publicityactivity", also=("preparedness_statistics",)),
                        before="regions")
        statistics.register("publicity", _("Publicity and education"), publicity_services.figures,
                            model="preparedness.publicityactivity")
        # --- drills ---
        from yingji.resources import history

        from . import demo_drills, surfaces_drills, tasks_drills  # noqa: F401  (tasks: the problem reminders)
        from .services import drills as drill_services

        surfaces_drills.register_drills()
        history.register(drill_services.team_history)
        # After resources (30) and incidents (50): drills name their teams, equipment and plans.
        register_generator(demo_drills, order=90)
        register_module(Module("drills", _("Drills"), "flag", "drill_list", "preparedness.drill",
                               also=("drill_plan_list", "drill_problem_list", "drill_compliance",
                                     "drill_plan_create", "drill_create")), before="regions")

        # --- training and exams ---
        from yingji.enterprises import archive

        from . import demo_training, training_archive, training_surfaces, training_tasks  # noqa: F401

        training_surfaces.register_all()
        register_generator(demo_training, order=90)
        register_module(Module("training", _("Training"), "mortarboard", "training_session_list",
                               "preparedness.trainingsession",
                               also=("training_course_list", "training_certificate_list", "trainee_list",
                                     "training_compliance")), before="regions")
        register_module(Module("exams", _("Exams"), "pencil-square", "exam_attempt_list",
                               "preparedness.examattempt",
                               also=("exam_question_list", "exam_paper_list", "exam_question_import")),
                        before="regions")
        archive.SECTIONS.append((_("Training and exams"), "preparedness/includes/enterprise_training.html",
                                 training_archive.context))

        # --- plans ---
        from . import (
            demo_plans,
            tasks,  # noqa: F401  (registers the overdue plan evaluation/filing reminder job)
        )

        register_generator(demo_plans, order=55)
        from . import archive as plan_archive

        plan_archive.register()
        from yingji.incidents import views as incident_views

        from . import surfaces_plans
        from .services import plans as plan_services

        surfaces_plans.register_all()
        entry = ("preparedness/includes/plan_lifecycle.html", surfaces_plans.plan_panel)
        if entry not in incident_views.PLAN_PANELS:
            incident_views.PLAN_PANELS.append(entry)
        register_module(Module("plan_documents", _("Plan life cycle"), "file-earmark-check", "plan_coverage",
                               "incidents.plan",
                               also=("plan_version_list", "plan_review_list", "plan_filing_list",
                                     "plan_evaluation_list", "plan_document_create")), before="regions")
        from . import statistics_sections

        # Staff only, as every cross-unit section: enterprise accounts now read their own plans.
        statistics.register("plans", _("Emergency plans"), plan_services.figures, model="incidents.plan",
                            allowed=statistics_sections.staff_only)

        # --- drills and training statistics, officers' training days (statistics_sections.py) ---
        from . import statistics_sections

        statistics.register("drills", _("Drills"), statistics_sections.drill_figures, model="preparedness.drill",
                            allowed=statistics_sections.staff_only)
        statistics.register("training", _("Training and exams"), statistics_sections.training_figures,
                            model="preparedness.trainingsession", allowed=statistics_sections.staff_only)
