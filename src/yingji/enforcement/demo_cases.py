"""Demo penalty cases and their documents (filled in below)."""

from __future__ import annotations

import random


def generate(rng: random.Random) -> None:
    pass


def clear() -> None:
    from .models import CaseEvent, DocumentCounter, EnforcementDocument, PenaltyCase

    CaseEvent.objects.all()._raw_delete(CaseEvent.objects.db)
    EnforcementDocument.objects.all()._raw_delete(EnforcementDocument.objects.db)
    PenaltyCase.objects.all().delete()
    DocumentCounter.objects.all().delete()
