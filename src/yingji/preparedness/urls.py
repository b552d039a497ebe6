from django.urls import path  # noqa: F401

from yingji.core.generic import urls as surface_urls  # noqa: F401

urlpatterns: list = []

# --- publicity and the statistics frame ---
from . import surfaces_publicity, views_publicity  # noqa: E402

urlpatterns += [
    *surface_urls(surfaces_publicity.ACTIVITIES, "preparedness/publicity/"),
    path("preparedness/publicity/<int:pk>/photos/", views_publicity.publicity_photo_add, name="publicity_photo_add"),
    path("preparedness/statistics/", views_publicity.preparedness_statistics, name="preparedness_statistics"),
]

# --- drills ---
from . import surfaces_drills, views_drills  # noqa: E402

urlpatterns += [
    path("preparedness/drills/compliance/", views_drills.drill_compliance, name="drill_compliance"),
    path("preparedness/drills/<int:pk>/problems/", views_drills.drill_problem_add, name="drill_problem_add"),
    path("preparedness/drills/<int:pk>/photos/", views_drills.drill_photo_add, name="drill_photo_add"),
    path("preparedness/drill-problems/<int:pk>/act/<slug:action>/", views_drills.drill_problem_act,
         name="drill_problem_act"),
    *surface_urls(surfaces_drills.DRILLS, "preparedness/drills/"),
    *surface_urls(surfaces_drills.DRILL_PLANS, "preparedness/drill-plans/"),
    *surface_urls(surfaces_drills.PROBLEMS, "preparedness/drill-problems/", create=False, edit=False),
]

# --- training and exams ---

from yingji.core import generic  # noqa: E402

from . import training_surfaces, training_views  # noqa: E402

urlpatterns += [
    *surface_urls(training_surfaces.COURSES, "preparedness/training/courses/"),
    *surface_urls(training_surfaces.SESSIONS, "preparedness/training/sessions/"),
    path("preparedness/training/sessions/<int:pk>/attendance/", training_views.session_attendance_add,
         name="training_session_attendance_add"),
    *surface_urls(training_surfaces.TRAINEES, "preparedness/training/people/"),
    *surface_urls(training_surfaces.CERTIFICATES, "preparedness/training/certificates/"),
    path("preparedness/training/compliance/", training_views.training_compliance, name="training_compliance"),
    path("preparedness/exams/questions/import/", training_views.question_import, name="exam_question_import"),
    path("preparedness/exams/questions/import/template.xlsx", training_views.question_import_template,
         name="exam_question_import_template"),
    *surface_urls(training_surfaces.QUESTIONS, "preparedness/exams/questions/"),
    *surface_urls(training_surfaces.PAPERS, "preparedness/exams/papers/"),
    path("preparedness/exams/attempts/new/", generic.create_view(training_surfaces.ATTEMPT_START),
         name="exam_attempt_create"),
    *surface_urls(training_surfaces.ATTEMPTS, "preparedness/exams/attempts/"),
    path("preparedness/exams/attempts/<int:pk>/take/", training_views.exam_take, name="exam_take"),
]

# --- officers' training days (views_officer_training.py) ---
from . import views_officer_training  # noqa: E402

urlpatterns += [
    path("preparedness/training/officers/", views_officer_training.officer_training, name="training_officers"),
]

# --- plans (plan documents: versions, reviews, filings, evaluations, coverage) ---
from . import surfaces_plans, views_plans  # noqa: E402

urlpatterns += [
    path("preparedness/plans/new/", views_plans.plan_document_create, name="plan_document_create"),
    path("preparedness/plans/coverage/", views_plans.plan_coverage, name="plan_coverage"),
    path("preparedness/plans/<int:pk>/act/<slug:action>/", views_plans.plan_act, name="plan_act"),
    path("preparedness/plan-versions/new/", views_plans.plan_version_create, name="plan_version_create"),
    path("preparedness/plan-versions/<int:pk>/file/", views_plans.plan_version_file, name="plan_version_file"),
    path("preparedness/plan-filings/<int:pk>/act/<slug:action>/", views_plans.plan_filing_act,
         name="plan_filing_act"),
    *surface_urls(surfaces_plans.VERSIONS, "preparedness/plan-versions/", create=False, edit=False),
    *surface_urls(surfaces_plans.REVIEWS, "preparedness/plan-reviews/", edit=False),
    *surface_urls(surfaces_plans.FILINGS, "preparedness/plan-filings/", edit=False),
    *surface_urls(surfaces_plans.EVALUATIONS, "preparedness/plan-evaluations/", edit=False),
]
