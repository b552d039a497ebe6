from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("assessment/rubrics/copy-default/", views.rubric_copy_default, name="rubric_copy_default"),
    path("assessment/rubrics/<int:pk>/ranking/", views.ranking, name="assessment_ranking"),
    path("assessment/rubrics/<int:pk>/act/<slug:action>/", views.rubric_act, name="rubric_act"),
    path("assessment/assessments/<int:pk>/act/<slug:action>/", views.assessment_act, name="assessment_act"),
    path("assessment/items/<int:pk>/assess/", views.assess_item, name="assessment_item_assess"),
    *surface_urls(surfaces.RUBRICS, "assessment/rubrics/"),
    *surface_urls(surfaces.RUBRIC_ITEMS, "assessment/rubric-items/"),
    *surface_urls(surfaces.ASSESSMENTS, "assessment/assessments/"),
]
