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

# --- zones (danger zones, households, transfers, shelter coverage) ---

from . import surfaces_zones, views_zones  # noqa: E402

urlpatterns += [
    path("disasters/zones/households/import/", views_zones.household_import, name="household_import"),
    path("disasters/zones/households/import/template/", views_zones.household_import_template,
         name="household_import_template"),
    *surface_urls(surfaces_zones.ZONES, "disasters/zones/"),
    *surface_urls(surfaces_zones.HOUSEHOLDS, "disasters/zones/households/"),
    path("disasters/transfers/totals/", views_zones.transfer_totals, name="zone_transfer_totals"),
    path("disasters/transfers/<int:pk>/confirm/", views_zones.transfer_confirm, name="zone_transfer_confirm"),
    path("disasters/transfers/<int:pk>/close/", views_zones.transfer_close, name="zone_transfer_close"),
    *surface_urls(surfaces_zones.TRANSFERS, "disasters/transfers/"),
    path("disasters/shelter-coverage/", views_zones.shelter_coverage_three, name="shelter_coverage_three"),
]

# --- relief (灾害救助) ---
from . import surfaces_relief, views_relief  # noqa: E402

urlpatterns += [
    *surface_urls(surfaces_relief.STANDARDS, "disasters/relief/standards/"),
    path("disasters/relief/applications/<int:pk>/act/", views_relief.application_act,
         name="relief_application_act"),
    path("disasters/relief/applications/<int:pk>/objections/", views_relief.objection_add,
         name="relief_objection_add"),
    path("disasters/relief/objections/<int:pk>/handle/", views_relief.objection_handle,
         name="relief_objection_handle"),
    *surface_urls(surfaces_relief.APPLICATIONS, "disasters/relief/applications/"),
    *surface_urls(surfaces_relief.DISBURSEMENTS, "disasters/relief/disbursements/"),
    path("public/relief/", views_relief.public_notice_index, name="relief_public_notice_index"),
    path("public/relief/<int:pk>/", views_relief.public_notice, name="relief_public_notice"),
]
