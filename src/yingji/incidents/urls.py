from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/activation/", views.incident_activate, name="incident_activate"),
    path("incidents/<int:pk>/tasks/", views.task_create, name="incident_task_create"),
    path("tasks/<int:pk>/<slug:action>/", views.task_act, name="task_act"),
]
