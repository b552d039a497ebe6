from django.urls import path

from yingji.core.generic import list_view
from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("risks/", list_view(surfaces.RISK_POINTS), name="risk_list"),
    path("risks/new/", views.risk_create, name="risk_create"),
    path("risks/distribution/", views.risk_distribution, name="risk_distribution"),
    path("risks/<int:pk>/", views.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/delete/", views.risk_delete, name="risk_delete"),
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/new/", views.hazard_report, name="hazard_report"),
    path("hazards/statistics/", views.hazard_statistics, name="hazard_statistics"),
    *surface_urls(surfaces.SAMPLES, "hazards/samples/"),
    *surface_urls(surfaces.PLACES, "hazards/places/"),
    path("hazards/programme/", views.hazard_programme, name="hazard_programme"),
    *surface_urls(surfaces.STEPS, "hazards/programme/steps/"),
    path("hazards/<int:pk>/samples/", views.hazard_sample_draw, name="hazard_sample_draw"),
    path("hazards/samples/<int:pk>/result/", views.hazard_sample_result, name="hazard_sample_result"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/attachments/", views.hazard_attach, name="hazard_attach"),
    path("hazards/<int:pk>/actions/<slug:action>/", views.hazard_act, name="hazard_act"),
]
