from django.urls import path

from . import views

urlpatterns = [
    path("duty/", views.duty_console, name="duty_console"),
    path("duty/panel/", views.duty_console_panel, name="duty_console_panel"),
    path("duty/log/new/", views.log_entry_create, name="duty_log_create"),
    path("duty/log/<int:pk>/file/", views.log_entry_file, name="duty_log_file"),
    path("duty/log/<int:pk>/incident/", views.log_entry_escalate, name="duty_log_escalate"),
]
