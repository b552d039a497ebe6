from django.urls import path  # noqa: F401

from yingji.core.generic import urls as surface_urls  # noqa: F401

urlpatterns: list = []

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
