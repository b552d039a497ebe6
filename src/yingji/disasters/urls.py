from django.urls import path  # noqa: F401

from yingji.core.generic import urls as surface_urls  # noqa: F401

urlpatterns: list = []

# --- disaster reports ---
from . import surfaces_reports, views_reports  # noqa: E402

urlpatterns += [
    path("disasters/events/<int:pk>/end/", views_reports.event_end, name="disaster_event_end"),
    path("disasters/events/<int:pk>/quick-report/", views_reports.quick_report, name="disaster_quick_report"),
    path("disasters/events/quick-report-sw.js", views_reports.quick_report_service_worker,
         name="disaster_quick_report_sw"),
    *surface_urls(surfaces_reports.EVENTS, "disasters/events/", edit=False),
    *surface_urls(surfaces_reports.REPORTS, "disasters/reports/"),
    *surface_urls(surfaces_reports.THRESHOLDS, "disasters/relief-thresholds/"),
    *surface_urls(surfaces_reports.CASUALTIES, "disasters/casualties/"),
    path("disasters/events/<int:pk>/export/<str:stage>.xlsx", views_reports.event_export,
         name="disaster_event_export"),
]

# --- zones (danger zones, households, transfers, shelter coverage) ---

from . import surfaces_zones, views_situation, views_zones  # noqa: E402

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
    path("disasters/situation/", views_situation.flood_situation, name="flood_situation"),
    path("disasters/shelter-coverage/", views_zones.shelter_coverage_three, name="shelter_coverage_three"),
]

# --- flood checks (汛前大排查) ---
from . import surfaces_flood_checks, views_flood_checks  # noqa: E402

urlpatterns += [
    path("disasters/flood-checks/<int:pk>/record/", views_flood_checks.record_new, name="flood_check_record_new"),
    path("disasters/flood-checks/<int:pk>/bulletin/", views_flood_checks.bulletin, name="flood_check_bulletin"),
    path("disasters/flood-checks/<int:pk>/bulletin.pdf", views_flood_checks.bulletin_pdf,
         name="flood_check_bulletin_pdf"),
    path("disasters/flood-checks/<int:pk>/press/<int:hazard_pk>/", views_flood_checks.press,
         name="flood_check_press"),
    *surface_urls(surfaces_flood_checks.RECORDS, "disasters/flood-checks/records/", create=False, edit=False),
    *surface_urls(surfaces_flood_checks.ROUNDS, "disasters/flood-checks/"),
]

# --- forest fire and geological hazards (issue 16 §2, §3) ---

from . import surfaces_forest, surfaces_geo, views_forest  # noqa: E402

urlpatterns += [
    path("disasters/forest/check-in/", views_forest.checkin, name="forest_checkin"),
    path("disasters/forest/danger/", views_forest.danger, name="forest_danger"),
    *surface_urls(surfaces_forest.AREAS, "disasters/forest/areas/"),
    *surface_urls(surfaces_forest.CHECKPOINTS, "disasters/forest/checkpoints/"),
    *surface_urls(surfaces_forest.PATROLS, "disasters/forest/patrols/"),
    path("disasters/forest/permits/<int:pk>/act/<str:action>/", views_forest.permit_act, name="fire_permit_act"),
    *surface_urls(surfaces_forest.PERMITS, "disasters/forest/permits/"),
    *surface_urls(surfaces_forest.VIOLATIONS, "disasters/forest/violations/"),
    path("disasters/forest/fires/<int:pk>/act/<str:action>/", views_forest.fire_act, name="forest_fire_act"),
    *surface_urls(surfaces_forest.FIRES, "disasters/forest/fires/"),
    path("disasters/geohazards/points/<int:pk>/act/<str:action>/", views_forest.point_act,
         name="geohazard_point_act"),
    *surface_urls(surfaces_geo.POINTS, "disasters/geohazards/points/"),
    *surface_urls(surfaces_geo.PATROLS, "disasters/geohazards/patrols/"),
    path("disasters/earthquakes/<int:pk>/incident/", views_forest.quake_incident, name="earthquake_incident"),
    *surface_urls(surfaces_geo.QUAKES, "disasters/earthquakes/"),
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

# --- risk census (自然灾害综合风险普查) ---
from . import surfaces_census, views_census  # noqa: E402

urlpatterns += [
    path("disasters/census/import/", views_census.census_import, name="census_import"),
    path("disasters/census/import/<str:kind>.xlsx", views_census.census_import_template,
         name="census_import_template"),
    *surface_urls(surfaces_census.BODIES, "disasters/census/bodies/"),
    *surface_urls(surfaces_census.SOURCES, "disasters/census/sources/"),
    *surface_urls(surfaces_census.ZONES, "disasters/census/zoning/"),
]
