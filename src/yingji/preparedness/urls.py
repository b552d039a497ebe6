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
