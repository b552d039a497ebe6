"""Demo entered figures: the county's annual figures of the three years before the platform kept records
(2022–2024, as the bureau reported them in its yearly summaries; the order of magnitude of the five-year summary:
21 teams of 571 people, some 4,000 people trained, 300 shelters). The platform's own records start in the last
months of 2024.

Each figure has the platform's definition of its indicator, so the five-year trend reads across the years: the
drills are every drill held in the county, the enterprises' own included (the summary's 72 flood drills in five
years are the governments' and departments' flood drills only, a part of them), with their participants; the
publicity activities are the county's and every township's (the summary's 50 are the county's own events).
"""

from __future__ import annotations

import random

from django.utils import timezone

from yingji.core.demo import COUNTY_CODE
from yingji.core.models import User

from .models import HistoricalFigure

SOURCE = "%s年度安全生产和应急管理工作总结"
FIGURES = {
    2022: {"teams.count": 17, "teams.headcount": 452, "drills.count": 612, "drills.participants": 20650,
           "training.sessions": 14, "training.trainees": 760, "publicity.events": 66, "publicity.participants": 17400,
           "publicity.materials": 39000, "hazards.found": 1130, "hazards.closed": 1098, "incidents.count": 4,
           "incidents.deaths": 2, "warnings.published": 61, "shelters.count": 262, "shelters.capacity": 91000},
    2023: {"teams.count": 19, "teams.headcount": 508, "drills.count": 688, "drills.participants": 23840,
           "training.sessions": 16, "training.trainees": 820, "publicity.events": 72, "publicity.participants": 19800,
           "publicity.materials": 44000, "hazards.found": 1264, "hazards.closed": 1241, "incidents.count": 3,
           "incidents.deaths": 1, "warnings.published": 74, "shelters.count": 281, "shelters.capacity": 98000},
    2024: {"teams.count": 21, "teams.headcount": 571, "drills.count": 759, "drills.participants": 26910,
           "training.sessions": 18, "training.trainees": 905, "publicity.events": 79, "publicity.participants": 21900,
           "publicity.materials": 49000, "hazards.found": 1342, "hazards.closed": 1330, "incidents.count": 2,
           "incidents.deaths": 1, "warnings.published": 83, "shelters.count": 305, "shelters.capacity": 104000},
}


def generate(_shared_rng: random.Random) -> None:
    """Nothing before the accounts: the figures are entered by the bureau's section staff."""


def accounts_ready(_shared_rng: random.Random) -> None:
    staff = User.objects.filter(username="section").first() or User.objects.filter(username="admin").first()
    now = timezone.now()
    HistoricalFigure.objects.bulk_create([
        HistoricalFigure(region_code=COUNTY_CODE, year=year, indicator=indicator, value=value,
                         source=SOURCE % year, entered_by=staff, entered_at=now)
        for year, figures in FIGURES.items() for indicator, value in figures.items()])


def clear() -> None:
    HistoricalFigure.objects.all().delete()
