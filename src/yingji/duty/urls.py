from django.urls import path

from yingji.core.generic import detail_view, list_view
from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("duty/", views.duty_console, name="duty_console"),
    path("duty/panel/", views.duty_console_panel, name="duty_console_panel"),
    path("duty/report/", views.daily_report, name="duty_report"),
    path("duty/rosters/", views.roster_calendar, name="duty_roster"),
    path("duty/rosters/list/", list_view(surfaces.SHIFTS), name="duty_shift_list"),
    path("duty/rosters/<int:pk>/", detail_view(surfaces.SHIFTS), name="duty_shift_detail"),
    path("duty/handovers/", views.handover_list, name="duty_handover_list"),
    path("duty/handovers/<int:pk>/", detail_view(surfaces.HANDOVERS), name="duty_handover_detail"),
    path("duty/handovers/<int:pk>/acknowledge/", views.handover_acknowledge, name="duty_handover_acknowledge"),
    path("duty/rosters/import/", views.roster_import_page, name="duty_roster_import"),
    path("duty/rosters/import/template.xlsx", views.roster_import_template, name="duty_roster_import_template"),
    path("duty/log/new/", views.log_entry_create, name="duty_log_create"),
    *surface_urls(surfaces.ENTRIES, "duty/log/"),
    path("duty/log/<int:pk>/file/", views.log_entry_file, name="duty_log_file"),
    path("duty/log/<int:pk>/incident/", views.log_entry_escalate, name="duty_log_escalate"),
]
