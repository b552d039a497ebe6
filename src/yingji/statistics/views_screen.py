"""The big screen (``/screen/``) and its data (``/screen/data/``): for an account signed in with view rights on
incidents (scoped as its lists), or for a read-only kiosk token (``yingji token USER --kiosk``) given as
``?token=`` — the command hall's display signs in with nothing else. The page polls the data every
``screen.REFRESH_SECONDS`` and reloads itself every few minutes (charts)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yingji.core import policy
from yingji.core.api_support import usable_token
from yingji.incidents.models import Incident

from . import screen


def _viewer(request):
    """(user, token) of the request: the signed-in account, else the account of a usable kiosk token."""
    raw = request.GET.get("token", "")
    if raw:
        token = usable_token(raw)
        if token is None or not token.is_kiosk:
            return None, ""
        return token.user, raw
    user = request.user
    return (user, "") if user.is_authenticated and user.is_active else (None, "")


def _denied(request, user):
    if user is None:
        if request.GET.get("token"):
            return render(request, "403.html", status=403)
        return redirect(f"{reverse('login')}?next={request.path}")
    if not policy.can(user, "view", Incident):
        return render(request, "403.html", status=403)
    return None


@never_cache
@require_GET
def screen_page(request):
    user, token = _viewer(request)
    denied = _denied(request, user)
    if denied:
        return denied
    data = screen.snapshot(user)
    response = render(request, "statistics/screen.html", {
        "data": data, "charts": data["charts"], "viewer": user,
        "data_url": reverse("screen_data") + (f"?token={token}" if token else ""),
        "map_payload": screen.map_data(user), "reload_seconds": 300})
    response["Referrer-Policy"] = "no-referrer"  # the kiosk token is in the address
    return response


@never_cache
@require_GET
def screen_data(request):
    user, _token = _viewer(request)
    if user is None or not policy.can(user, "view", Incident):
        from django.utils.translation import gettext as _

        return JsonResponse({"detail": _("You are not allowed to do this"), "errors": []},
                            status=401 if user is None else 403)
    data = screen.snapshot(user)
    data["map"] = screen.map_data(user)
    response = JsonResponse(data)
    response["Referrer-Policy"] = "no-referrer"
    return response
