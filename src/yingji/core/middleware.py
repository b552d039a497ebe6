import ipaddress
import re
import time
import uuid
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(e, strict=False) for e in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"YINGJI_TRUSTED_PROXIES: {exc}") from None


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(request) -> str | None:
    """The client's address, for the login lockout and the audit trail.

    ``REMOTE_ADDR`` unless the peer is one of ``settings.TRUSTED_PROXIES``; only then is ``X-Forwarded-For`` read,
    from the right, skipping trusted proxies: the first other entry is the address the nearest trusted proxy saw.
    A client talking to us directly cannot choose its address by sending the header."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not remote or not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if _trusted(hop, networks):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote
    return remote


#: The session key holding when (epoch seconds) the session's expiry was last moved on.
SESSION_EXTENDED = "_extended_at"


class SessionIdleMiddleware:
    """The idle timeout without a session write on every request: a signed-in request moves the session's expiry on
    (Django saves a modified session) only when it was last moved ``SESSION_REFRESH_SECONDS`` ago or more, so a page
    view reads its session and writes nothing (on SQLite a write takes the database's one write lock). Requests
    without a session (API tokens, anonymous pages) are left alone: nothing is loaded for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified and session.session_key:
            now = int(time.time())
            if now - session.get(SESSION_EXTENDED, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[SESSION_EXTENDED] = now
        return response


class RequestContextMiddleware:
    """Bind the acting user, the client address and a request id for the services' audit records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        token = context.set_for_request(user, client_address(request), request_id)
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ServiceErrorMiddleware:
    """Pages: a service error that a view did not turn into form errors becomes its status page, never a 500.
    (The API maps the same errors in its own exception handlers.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from .errors import ServiceError

        if not isinstance(exception, ServiceError) or request.path.startswith("/api/"):
            return None
        status = 400 if exception.status == 422 else exception.status
        template = f"{status}.html" if status in (400, 403, 404) else "400.html"
        messages = [e["message"] for e in exception.errors] or [exception.detail]
        return render(request, template, {"detail": "; ".join(messages)}, status=status)


class PasswordChangeRequiredMiddleware:
    """Pages: an account with an initial or reset password goes to the password page until it changes it."""

    ALLOWED = ("/account/password/", "/logout/", "/static/", "/i18n/", "/api/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.must_change_password
                and not request.path.startswith(self.ALLOWED)):
            from django.shortcuts import redirect

            return redirect("password_change")
        return self.get_response(request)


class FormLineBreakMiddleware:
    """Pages: form fields as the platform stores them, with LF line breaks.

    Browsers submit every line break of a form field as CR LF (HTML form submission normalises them), so saving
    a page unchanged would turn each stored "\\n" into "\\r\\n": a changed value and a spurious audit record on
    every multi-line text. The API's JSON carries line breaks as sent and is left alone."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method == "POST" and request.content_type in self.FORM_TYPES
                and not request.path.startswith("/api/")):
            post = request.POST
            if any("\r" in value for _name, values in post.lists() for value in values):
                normalised = post.copy()
                for name, values in post.lists():
                    normalised.setlist(name, [v.replace("\r\n", "\n").replace("\r", "\n") for v in values])
                normalised._mutable = False
                request.POST = normalised
        return self.get_response(request)
