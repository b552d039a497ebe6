from django.urls import path

from . import views

urlpatterns = [
    path("alarms/", views.alarm_list, name="alarm_list"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/actions/<slug:action>/", views.alarm_act, name="alarm_act"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
]
