from django.urls import path

from . import views

urlpatterns = [
    path("alarms/", views.alarm_list, name="alarm_list"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/actions/<slug:action>/", views.alarm_act, name="alarm_act"),
    path("alarms/<int:pk>/incident/", views.alarm_open_incident, name="alarm_open_incident"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_detail, name="rule_detail"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/enabled/<int:enabled>/", views.rule_set_enabled, name="rule_set_enabled"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
]
