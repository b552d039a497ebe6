from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("statistics/annual/", views.annual, name="annual_statistics"),
    *surface_urls(surfaces.FIGURES, "statistics/historical-figures/"),
]
