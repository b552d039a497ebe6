"""Login lockout (django-axes) by account *and* address together, plus an address-wide lockout for password
spraying.

Failures count per (username, address): five wrong passwords for one account from one address lock that pair for
the cool-off time, while the same account from elsewhere and other accounts from the same address (a bureau behind
one NAT or proxy) still log in. An address alone is locked only when failures for many *distinct* usernames come
from it within the cool-off time (``LOCKOUT_ADDRESS_USERNAMES``, env ``YINGJI_LOCKOUT_ADDRESS_USERNAMES``), which is
what spraying one password over the staff list looks like and what an office mistyping does not.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings


def distinct_usernames_failed(ip_address: str | None, since) -> int:
    """How many different usernames failed to log in from ``ip_address`` since ``since``."""
    if not ip_address:
        return 0
    return (AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
            .values("username").distinct().count())


class LockoutHandler(AxesDatabaseHandler):
    """The database handler, with the address-wide lockout added to the per-(username, address) count."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = getattr(settings, "LOCKOUT_ADDRESS_USERNAMES", 10)
        ip_address = getattr(request, "axes_ip_address", None)
        if limit and distinct_usernames_failed(ip_address, get_cool_off_threshold(request)) >= limit:
            return max(failures, get_failure_limit(request, credentials))
        return failures
