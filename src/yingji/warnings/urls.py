from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/new/", views.warning_create, name="warning_create"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/edit/", views.warning_edit, name="warning_edit"),
    path("warnings/<int:pk>/update/", views.warning_update, name="warning_update"),
    path("warnings/<int:pk>/cancel/", views.warning_cancel, name="warning_cancel"),
    path("warnings/<int:pk>/actions/<slug:action>/", views.warning_act, name="warning_act"),
    path("warnings/<int:pk>/resend/", views.warning_resend, name="warning_resend"),
    path("warnings/ack/<str:token>/", views.warning_ack, name="warning_ack"),
    *surface_urls(surfaces.PEOPLE, "responsible-persons/"),
    path("public/warnings/", views.public_warning_list, name="public_warning_list"),
    path("public/warnings/<int:pk>/", views.public_warning_detail, name="public_warning_detail"),
]
