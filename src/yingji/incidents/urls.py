from django.urls import path

from yingji.core.generic import list_view

from . import surfaces, views

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/attachments/", views.incident_attach, name="incident_attach"),
    path("incidents/<int:pk>/reports/", views.incident_report, name="incident_report"),
    path("incidents/<int:pk>/reported/", views.incident_reported, name="incident_reported"),
    path("incidents/<int:pk>/response-level/", views.incident_response_level, name="incident_response_level"),
    path("incidents/<int:pk>/transitions/<slug:action>/", views.incident_transition, name="incident_transition"),
    path("incidents/<int:pk>/activation/", views.incident_activate, name="incident_activate"),
    path("incidents/<int:pk>/tasks/", views.task_create, name="incident_task_create"),
    path("incidents/<int:pk>/sitreps/", views.sitrep_draft, name="sitrep_draft"),
    path("tasks/<int:pk>/<slug:action>/", views.task_act, name="task_act"),
    path("plans/", list_view(surfaces.PLANS), name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("sitreps/<int:pk>/", views.sitrep_detail, name="sitrep_detail"),
    path("sitreps/<int:pk>/edit/", views.sitrep_edit, name="sitrep_edit"),
    path("sitreps/<int:pk>/issue/", views.sitrep_issue, name="sitrep_issue"),
    path("sitreps/<int:pk>/print/", views.sitrep_print, name="sitrep_print"),
    path("sitreps/<int:pk>/download/", views.sitrep_download, name="sitrep_download"),
]
