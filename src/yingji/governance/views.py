"""The one page action of the responsibility system beyond the declared surfaces: assigning a recorded decision
(it becomes a 交办单 of the enforcement app)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.generic import get_for_page

from . import services
from .models import Decision


@login_required
@require_POST
def assign_decision(request, pk: int):
    decision = get_for_page(request, Decision, pk, "change")
    try:
        services.assign_decision(request.user, decision)
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("decision_detail", pk=decision.pk)
    messages.success(request, _("Decision assigned."))
    return redirect("decision_detail", pk=decision.pk)
