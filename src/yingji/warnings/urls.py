from django.urls import path

from . import views

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
    path("responsible-persons/", views.person_list, name="person_list"),
    path("responsible-persons/new/", views.person_create, name="person_create"),
    path("responsible-persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("responsible-persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("public/warnings/", views.public_warning_list, name="public_warning_list"),
    path("public/warnings/<int:pk>/", views.public_warning_detail, name="public_warning_detail"),
]
