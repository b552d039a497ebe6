from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("alarms/", views.alarm_list, name="alarm_list"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/actions/<slug:action>/", views.alarm_act, name="alarm_act"),
    path("alarms/<int:pk>/incident/", views.alarm_open_incident, name="alarm_open_incident"),
    *surface_urls(surfaces.RULES, "rules/", bespoke_detail=views.rule_detail),
    path("rules/<int:pk>/enabled/<int:enabled>/", views.rule_set_enabled, name="rule_set_enabled"),
    *surface_urls(surfaces.STATIONS, "stations/", bespoke_detail=views.station_detail),
    path("stations/<int:pk>/sensors/<int:sensor_id>/chart/", views.station_sensor_chart, name="station_sensor_chart"),
]
