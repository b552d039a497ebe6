from django.urls import path

from . import views

urlpatterns = [
    path("resources/map/", views.resource_map, name="resource_map"),
    path("resources/map/layers/", views.map_layers, name="resource_map_layers"),
]
