from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("yingji.core.urls")),
    path("", include("yingji.enterprises.urls")),
    path("", include("yingji.prevention.urls")),
    path("", include("yingji.duty.urls")),
    path("", include("yingji.incidents.urls")),
    path("", include("yingji.resources.urls")),
    path("", include("yingji.monitoring.urls")),
    path("", include("yingji.warnings.urls")),
    path("", include("yingji.enforcement.urls")),
    path("", include("yingji.preparedness.urls")),
    path("", include("yingji.disasters.urls")),
    path("", include("yingji.statistics.urls")),
    path("", include("yingji.governance.urls")),
    path("", include("yingji.assessment.urls")),
]

handler400 = "yingji.core.errorpages.bad_request"
handler403 = "yingji.core.errorpages.permission_denied"
handler404 = "yingji.core.errorpages.page_not_found"
handler500 = "yingji.core.errorpages.server_error"
