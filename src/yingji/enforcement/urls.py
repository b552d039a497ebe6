from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    *surface_urls(surfaces.ITEMS, "enforcement/powers/"),
    *surface_urls(surfaces.OFFICERS, "enforcement/officers/"),
    path("enforcement/officers/<int:pk>/training/", views.officer_training_add, name="officer_training_add"),
    path("enforcement/draws/new/", views.draw_create, name="draw_create"),
    *surface_urls(surfaces.DRAWS, "enforcement/draws/", bespoke_detail=views.draw_detail),
    path("public/draws/", views.public_draw_list, name="public_draw_list"),
    path("public/draws/<int:pk>/", views.public_draw_detail, name="public_draw_detail"),
    path("public/draws/<int:pk>/inputs.json", views.public_draw_inputs, name="public_draw_inputs"),
]

# --- inspections ---
from . import views_inspections  # noqa: E402

urlpatterns += [
    path("enforcement/inspections/new/", views_inspections.inspection_create, name="inspection_create"),
    *surface_urls(surfaces.INSPECTIONS, "enforcement/inspections/"),
    path("enforcement/inspections/<int:pk>/actions/<slug:action>/", views_inspections.inspection_act,
         name="inspection_act"),
    path("enforcement/field/", views_inspections.inspection_field_list, name="inspection_field_list"),
    path("enforcement/field/sw.js", views_inspections.field_service_worker, name="inspection_field_sw"),
    path("enforcement/field/<int:pk>/", views_inspections.inspection_field, name="inspection_field"),
]
