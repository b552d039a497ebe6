from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("resources/map/", views.resource_map, name="resource_map"),
    path("resources/map/layers/", views.map_layers, name="resource_map_layers"),
    *surface_urls(surfaces.TEAMS, "resources/teams/"),
    path("resources/teams/<int:pk>/activities/", views.team_activity_add, name="team_activity_add"),
    *surface_urls(surfaces.ACTIVITIES, "resources/activities/"),
    *surface_urls(surfaces.EXPERTS, "resources/experts/"),
    *surface_urls(surfaces.EQUIPMENT, "resources/equipment/"),
    *surface_urls(surfaces.WAREHOUSES, "resources/warehouses/"),
    path("resources/warehouses/<int:pk>/receive/", views.warehouse_receive, name="warehouse_receive"),
    path("resources/warehouses/<int:pk>/move/", views.warehouse_move, name="warehouse_move"),
    *surface_urls(surfaces.STOCK, "resources/stock/"),
    *surface_urls(surfaces.MOVEMENTS, "resources/stock/movements/"),
    path("resources/stock/shortfalls/", views.shortfall_report, name="shortfall_report"),
    path("resources/transfers/new/", views.transfer_create, name="transfer_create"),
    *surface_urls(surfaces.TRANSFERS, "resources/transfers/"),
    path("resources/transfers/<int:pk>/<slug:action>/", views.transfer_act, name="transfer_act"),
    path("resources/shelters/coverage/", views.shelter_coverage_report, name="shelter_coverage_report"),
    *surface_urls(surfaces.SHELTERS, "resources/shelters/"),
    path("resources/shelters/<int:pk>/status/", views.shelter_status, name="shelter_status"),
    path("resources/import/<slug:kind>/", views.resource_import, name="resource_import"),
    path("resources/import/<slug:kind>/template/", views.resource_import_template,
         name="resource_import_template"),
]
