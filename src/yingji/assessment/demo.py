"""Demo assessment: the 2025 assessment of every demo township under the county's default rubric (copied,
published), its measured items computed from the demo's records, the assessed items scored by the section staff
with plausible reasons, all published with their ranking; the first township (``township1``'s) appealed one
assessed item and the appeal was upheld (the score raised, the ranking re-computed). And the 2026 township rubric
copied as a draft for the bureau to edit."""

from __future__ import annotations

import random
from decimal import Decimal

from yingji.core.models import User

from . import services
from .choices import AppealState, ItemKind, Target
from .models import Assessment, AssessmentItem, Rubric, RubricItem

REASONS = {
    "责任体系": "党委政府专题研究安全生产{n}次，责任清单和目标责任书齐全",
    "宣传教育": "开展“安全生产月”集中宣传，资料及照片齐全",
    "应急值守": "值班表齐全，抽查在岗",
}


def generate(_shared_rng: random.Random) -> None:
    """Nothing before the accounts: the assessors are the bureau's section staff."""


def accounts_ready(_shared_rng: random.Random) -> None:
    rng = random.Random(2025)
    staff = User.objects.get(username="section")
    rubric = services.copy_default_rubric(staff, 2025, Target.TOWNSHIP)
    rubric = services.publish_rubric(staff, rubric)
    assessments = services.open_assessments(staff, rubric)
    for assessment in assessments:
        assessment = services.score(staff, assessment)
        for row in assessment.items.select_related("rubric_item").filter(rubric_item__kind=ItemKind.ASSESSED):
            points = row.rubric_item.points
            given = max(points - Decimal(rng.choice((0, 0, 0.5, 1, 1, 1.5, 2))), Decimal(0))
            reason = REASONS.get(row.rubric_item.section, "材料齐全").format(n=rng.randint(2, 6))
            if given < points:
                reason += f"，扣{points - given}分：部分记录缺失"
            services.assess_item(staff, row, {"score": given, "reason": reason})
        services.act(staff, assessment, "publish")
    first_user = User.objects.get(username="township1")
    own = Assessment.objects.get(rubric=rubric, region_code=first_user.scope_region_code)
    row = own.items.filter(rubric_item__kind=ItemKind.ASSESSED).order_by("score", "id").first()
    services.act(first_user, own, "appeal", {
        "items": [row.pk], "reason": "已补充提交宣传活动照片及资料发放台账，请求复核"})
    own.refresh_from_db()
    services.act(staff, own, "decide", {"decisions": [{
        "item": row.pk, "outcome": AppealState.UPHELD, "score": row.rubric_item.points,
        "reason": "补充材料经核实，恢复该项满分"}]})
    services.copy_default_rubric(staff, 2026, Target.TOWNSHIP)


def clear() -> None:
    AssessmentItem.objects.all().delete()
    Assessment.objects.all().delete()
    RubricItem.objects.all().delete()
    Rubric.objects.all().delete()
