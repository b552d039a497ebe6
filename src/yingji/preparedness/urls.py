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
