from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views, views_screen

urlpatterns = [
    path("statistics/annual/", views.annual, name="annual_statistics"),
    path("screen/", views_screen.screen_page, name="screen"),
    path("screen/data/", views_screen.screen_data, name="screen_data"),
    *surface_urls(surfaces.FIGURES, "statistics/historical-figures/"),
]
