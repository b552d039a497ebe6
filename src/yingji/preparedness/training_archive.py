"""The training section of the enterprise archive (``enterprises.archive.SECTIONS``): its people against the
required hours and the exams they took (at inspections too)."""

from __future__ import annotations

from yingji.core import policy

from .models import ExamAttempt, Trainee
from .services import training
from .training_choices import AttemptState, ComplianceState, TraineeRole
from .training_surfaces import sector_label


def context(enterprise, user) -> dict | None:
    if not policy.can(user, "view", Trainee):
        return None
    result = training.enterprise_compliance(enterprise)
    for person in result["people"]:
        person.role_label = TraineeRole.label(person.role)
        person.state_label = ComplianceState.label(person.state)
        person.state_colour = ComplianceState.colour(person.state)
    attempts = []
    if policy.can(user, "view", ExamAttempt):
        attempts = list(ExamAttempt.objects.for_user(user).filter(enterprise=enterprise)
                        .exclude(state=AttemptState.OPEN).select_related("paper")[:10])
    return {"people": result["people"], "sector_label": sector_label(result["sector"]), "attempts": attempts}
