from django.urls import path

from . import core_surfaces, views
from .generic import list_view
from .generic import urls as surface_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/", views.area_overview, name="area_overview"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.profile, name="profile"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    *surface_urls(core_surfaces.REGIONS, "regions/", create=False),
    *surface_urls(core_surfaces.ORGANISATIONS, "organisations/"),
    path("organisations/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("users/", list_view(core_surfaces.USERS), name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.liveness, name="liveness"),
]
