"""What warnings add to the alarm page (registered with ``monitoring.links``): the warnings drafted from the
alarm and whether one may be drafted."""

from __future__ import annotations

from yingji.core import policy

from . import services
from .models import Warning


def alarm_warnings(request, alarm) -> dict:
    user = request.user
    return {"warnings": services.warnings_from_alarm(user, alarm.pk)[:20] if policy.can(user, "view", Warning) else [],
            "can_draft_warning": policy.can(user, "add", Warning)}
