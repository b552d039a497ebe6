from django.urls import path  # noqa: F401

from yingji.core.generic import urls as surface_urls  # noqa: F401

urlpatterns: list = []

# --- disaster reports ---
from . import surfaces_reports, views_reports  # noqa: E402

urlpatterns += [
    *surface_urls(surfaces_reports.EVENTS, "disasters/events/"),
    *surface_urls(surfaces_reports.REPORTS, "disasters/reports/"),
    *surface_urls(surfaces_reports.THRESHOLDS, "disasters/relief-thresholds/"),
    path("disasters/events/<int:pk>/export/<str:stage>.xlsx", views_reports.event_export,
         name="disaster_event_export"),
]
