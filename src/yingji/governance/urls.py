from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    path("governance/decisions/<int:pk>/assign/", views.assign_decision, name="decision_assign"),
    *surface_urls(surfaces.BODIES, "governance/bodies/"),
    *surface_urls(surfaces.MEMBERS, "governance/members/"),
    *surface_urls(surfaces.KEY_AREAS, "governance/key-areas/"),
    *surface_urls(surfaces.DUTY_LISTS, "governance/duty-lists/"),
    *surface_urls(surfaces.MEETINGS, "governance/meetings/"),
    *surface_urls(surfaces.DECISIONS, "governance/decisions/"),
    *surface_urls(surfaces.LETTERS, "governance/responsibility-letters/"),
    *surface_urls(surfaces.NOTICES, "governance/notices/"),
    *surface_urls(surfaces.TALKS, "governance/talks/"),
]
