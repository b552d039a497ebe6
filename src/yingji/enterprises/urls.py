from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("enterprises/import/", views.enterprise_import, name="enterprise_import"),
    path("enterprises/import/template.xlsx", views.import_template, name="enterprise_import_template"),
    *surface_urls(surfaces.ENTERPRISES, "enterprises/"),
    path("enterprises/<int:pk>/qrcode.png", views.enterprise_qrcode, name="enterprise_qrcode"),
    path("enterprises/<int:pk>/licences/new/", views.licence_create, name="licence_create"),
    path("enterprises/<int:pk>/units/new/", views.unit_create, name="unit_create"),
    *surface_urls(surfaces.LICENCES, "licences/"),
    path("licences/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/delete/", views.licence_delete, name="licence_delete"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/delete/", views.unit_delete, name="unit_delete"),
    *surface_urls(surfaces.MAJOR_HAZARDS, "major-hazards/"),
    *surface_urls(surfaces.TAILINGS, "tailings-ponds/"),
    *surface_urls(surfaces.MINES, "mines/"),
    *surface_urls(surfaces.FILINGS, "major-hazards/filings/"),
    # A custodian's check is kept as recorded (a correction is a new record).
    *surface_urls(surfaces.CHECKS, "major-hazards/checks/", edit=False),
    path("tools/major-hazard-assessment/", views.major_hazard_calculator, name="major_hazard_calculator"),
]
