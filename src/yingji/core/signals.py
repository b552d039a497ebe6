"""Audit every login, failed login and logout (web form and any other ``authenticate`` caller)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .choices import AuditAction
from .middleware import client_address
from .models import User


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, user, actor=user, object_repr=user.get_username())


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, user, actor=user, object_repr=user.get_username())


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).first()
    address = client_address(request) if request is not None else None
    audit.record(
        AuditAction.LOGIN_FAILED, known, actor=known, username=username,
        object_type="core.user", object_repr=username,
        message=f"Failed login for {username!r} from {address or 'unknown address'}",
    )
