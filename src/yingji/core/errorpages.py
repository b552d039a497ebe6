"""Error pages: JSON in the API's error shape under /api/, HTML elsewhere; never a traceback."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _respond(request, status: int, detail: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": []}, status=status)
    return render(request, f"{status}.html", {"detail": detail}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400, _("Bad request"))


def permission_denied(request, exception=None):
    return _respond(request, 403, _("You are not allowed to do this"))


def page_not_found(request, exception=None):
    return _respond(request, 404, _("Not found"))


def server_error(request):
    """Rendered without context processors: they read the session and the database, which may be what failed."""
    detail = _("Server error; the problem has been logged")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": []}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render({"detail": detail}))
