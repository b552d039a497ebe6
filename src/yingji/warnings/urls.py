from django.urls import path

from . import views

urlpatterns = [
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/actions/<slug:action>/", views.warning_act, name="warning_act"),
    path("warnings/<int:pk>/resend/", views.warning_resend, name="warning_resend"),
    path("warnings/ack/<str:token>/", views.warning_ack, name="warning_ack"),
    path("responsible-persons/", views.person_list, name="person_list"),
    path("public/warnings/", views.public_warning_list, name="public_warning_list"),
    path("public/warnings/<int:pk>/", views.public_warning_detail, name="public_warning_detail"),
]
