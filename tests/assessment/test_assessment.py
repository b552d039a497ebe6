"""The assessment (issue 17 §2) on the demo county: the demo's published 2025 ranking, scope (a township sees
only its own published assessment), the appeal workflow's action × state × role matrix, metrics against counts
of the records, the API contract and 4xx on bad input."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.assessment import metrics, services
from yingji.assessment.choices import AppealState, AssessmentState, ItemKind, RubricState, Target
from yingji.assessment.models import Assessment, AssessmentItem, Rubric
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import User
from yingji.incidents.models import Incident
from yingji.preparedness.models import Drill
from yingji.prevention.models import Hazard


def _user(name):
    return User.objects.get(username=name)


@pytest.fixture
def rubric2025(demo_county):
    return Rubric.objects.get(year=2025, target=Target.TOWNSHIP)


def _own(rubric, username="township1"):
    return Assessment.objects.get(rubric=rubric, region_code=_user(username).scope_region_code)


def test_demo_publishes_every_township_with_ranks_and_one_decided_appeal(rubric2025):
    assessments = list(rubric2025.assessments.all())
    assert len(assessments) >= 10
    assert {a.state for a in assessments} <= {AssessmentState.PUBLISHED, AssessmentState.APPEAL_DECIDED}
    decided = [a for a in assessments if a.state == AssessmentState.APPEAL_DECIDED]
    assert len(decided) == 1
    upheld = decided[0].items.get(appeal_state=AppealState.UPHELD)
    assert upheld.score == upheld.rubric_item.points and upheld.score_before_appeal < upheld.score
    ranks = sorted(a.rank for a in assessments)
    assert ranks[0] == 1 and all(r is not None for r in ranks)
    by_total = sorted(assessments, key=lambda a: -a.total)
    for a, b in zip(by_total, by_total[1:], strict=False):
        assert (a.rank == b.rank) == (a.total == b.total) and a.rank <= b.rank
    assert Rubric.objects.get(year=2026, target=Target.TOWNSHIP).state == RubricState.DRAFT


def test_total_is_the_sum_of_the_item_scores(rubric2025):
    a = _own(rubric2025)
    scores = [r.score for r in a.items.exclude(rubric_item__kind=ItemKind.VETO)]
    assert a.total == sum(scores)


def test_township_sees_only_its_own_published_assessment(api, rubric2025):
    own = _own(rubric2025)
    body = api("township1").get("/api/v1/assessment/assessments").json()
    ids = {row["id"] for row in body["items"]}
    assert ids == {own.pk}
    other = _own(rubric2025, "township2")
    assert api("township1").get(f"/api/v1/assessment/assessments/{other.pk}").status_code == 404
    ranking = api("township1").get(f"/api/v1/assessment/rubrics/{rubric2025.pk}/ranking").json()
    assert [r["assessment_id"] for r in ranking] == [own.pk]
    assert api("enterprise1").get("/api/v1/assessment/assessments").status_code == 403
    assert api("grid1").get("/api/v1/assessment/assessments").status_code == 403


def test_drafts_are_hidden_from_the_township(demo_county):
    staff = _user("section")
    rubric = services.copy_default_rubric(staff, 2024, Target.TOWNSHIP)
    services.publish_rubric(staff, rubric)
    services.open_assessments(staff, rubric)
    township = _user("township1")
    assert not Assessment.objects.for_user(township).filter(rubric=rubric).exists()
    assert Assessment.objects.for_user(staff).filter(rubric=rubric).count() >= 10


@pytest.fixture
def fresh(demo_county):
    """A 2024 rubric's published assessments (township1's one scored and published)."""
    staff = _user("section")
    rubric = services.copy_default_rubric(staff, 2024, Target.TOWNSHIP)
    services.publish_rubric(staff, rubric)
    services.open_assessments(staff, rubric)
    a = _own(rubric)
    a = services.score(staff, a)
    for row in a.items.filter(rubric_item__kind=ItemKind.ASSESSED):
        services.assess_item(staff, row, {"score": 5, "reason": "材料基本齐全"})
    return rubric, services.act(staff, a, "publish")


def test_publish_needs_every_assessed_item_scored(demo_county):
    staff = _user("section")
    rubric = services.copy_default_rubric(staff, 2024, Target.TOWNSHIP)
    services.publish_rubric(staff, rubric)
    services.open_assessments(staff, rubric)
    a = services.score(staff, _own(rubric))
    with pytest.raises(ValidationFailed):
        services.act(staff, a, "publish")


@pytest.mark.parametrize(("username", "expected"), [
    ("township1", None), ("township2", NotAllowed), ("admin", NotAllowed), ("duty", NotAllowed),
    ("inspector", NotAllowed)])
def test_appeal_by_role(fresh, username, expected):
    _rubric, a = fresh
    row = a.items.filter(rubric_item__kind=ItemKind.ASSESSED).first()
    payload = {"items": [row.pk], "reason": "材料已补充"}
    if expected is None:
        assert services.act(_user(username), a, "appeal", payload).state == AssessmentState.APPEALED
    else:
        with pytest.raises(expected):
            services.act(_user(username), a, "appeal", payload)


def test_wrong_township_cannot_even_see_it(fresh, api):
    _rubric, a = fresh
    response = api("township2").post(f"/api/v1/assessment/assessments/{a.pk}/transitions",
                                     {"action": "appeal", "reason": "x", "items": [a.items.first().pk]})
    assert response.status_code == 404


@pytest.mark.parametrize(("action", "username"), [("score", "section"), ("publish", "admin"),
                                                  ("decide", "admin")])
def test_actions_from_the_wrong_state_conflict(fresh, action, username):
    _rubric, a = fresh
    with pytest.raises(Conflict):
        services.act(_user(username), a, action, {"decisions": []})


def test_township_cannot_score_or_decide(fresh):
    _rubric, a = fresh
    row = a.items.filter(rubric_item__kind=ItemKind.ASSESSED).first()
    services.act(_user("township1"), a, "appeal", {"items": [row.pk], "reason": "复核"})
    a.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.act(_user("township1"), a, "decide", {"decisions": [
            {"item": row.pk, "outcome": "rejected", "reason": "x"}]})
    with pytest.raises(NotAllowed):
        services.assess_item(_user("township1"), row, {"score": 1, "reason": "x"})


def test_rejected_appeal_needs_a_reason_and_keeps_the_score(fresh):
    _rubric, a = fresh
    row = a.items.filter(rubric_item__kind=ItemKind.ASSESSED).first()
    services.act(_user("township1"), a, "appeal", {"items": [row.pk], "reason": "复核"})
    a.refresh_from_db()
    with pytest.raises(ValidationFailed) as info:
        services.act(_user("section"), a, "decide", {"decisions": [{"item": row.pk, "outcome": "rejected",
                                                                     "reason": ""}]})
    assert any(e["field"].endswith("reason") for e in info.value.errors)
    total = a.total
    a = services.act(_user("section"), a, "decide", {"decisions": [{"item": row.pk, "outcome": "rejected",
                                                                     "reason": "佐证不足"}]})
    row.refresh_from_db()
    assert a.state == AssessmentState.APPEAL_DECIDED and a.total == total and row.score == Decimal(5)
    assert row.appeal_state == AppealState.REJECTED


def test_upheld_appeal_changes_the_score_and_reranks(fresh):
    rubric, a = fresh
    row = a.items.filter(rubric_item__kind=ItemKind.ASSESSED).first()
    services.act(_user("township1"), a, "appeal", {"items": [row.pk], "reason": "复核"})
    a.refresh_from_db()
    before = a.total
    a = services.act(_user("section"), a, "decide", {"decisions": [
        {"item": row.pk, "outcome": "upheld", "score": row.rubric_item.points, "reason": "核实"}]})
    assert a.total == before + row.rubric_item.points - 5
    assert a.rank == 1  # the only published assessment of this rubric
    assert services.act(_user("admin"), a, "finalize").state == AssessmentState.FINAL


def test_concurrent_transition_loses(fresh):
    _rubric, a = fresh
    stale = Assessment.objects.get(pk=a.pk)
    services.act(_user("admin"), a, "finalize")
    with pytest.raises(Conflict):
        services.WORKFLOW.apply(_user("section"), stale, "finalize")


def test_serious_accident_vetoes_the_grade(demo_county):
    staff = _user("section")
    township = _user("township1").scope_region_code
    Incident.objects.create(region_code=township, category="accident_disaster", event_type="industrial",
                            title="测试较大事故", occurred_at=timezone.make_aware(datetime.datetime(2024, 6, 1, 9)),
                            received_at=timezone.make_aware(datetime.datetime(2024, 6, 1, 9, 20)), deaths=3,
                            grade="relatively_large", source="phone")
    rubric = services.copy_default_rubric(staff, 2024, Target.TOWNSHIP)
    services.publish_rubric(staff, rubric)
    services.open_assessments(staff, rubric)
    a = services.score(staff, _own(rubric))
    veto = a.items.get(rubric_item__metric="serious_accidents")
    assert veto.triggered and a.vetoed and a.grade == "fail"


def _bounds(year):
    return (timezone.make_aware(datetime.datetime(year, 1, 1)), timezone.make_aware(datetime.datetime(year + 1, 1, 1)))


def test_metrics_equal_counts_of_the_records(demo_county):
    staff = _user("section")
    code = _user("township1").scope_region_code
    since, until = _bounds(2025)
    drills = Drill.objects.filter(region_code__startswith=code, date__year=2025).count()
    assert metrics.drills_held(staff, 2025, code).value == drills
    found = Hazard.objects.filter(region_code__startswith=code, found_at__gte=since, found_at__lt=until)
    closed = found.filter(state="closed").count()
    value = metrics.hazard_closure_rate(staff, 2025, code).value
    assert value == (round(Decimal(closed) / Decimal(found.count()), 4) if found.count() else None)
    serious = Incident.objects.filter(region_code__startswith=code, category="accident_disaster",
                                      grade__in=["relatively_large", "serious", "especially_serious"],
                                      occurred_at__gte=since, occurred_at__lt=until).count()
    assert metrics.serious_accidents(staff, 2025, code).value == serious


def test_incident_report_timeliness_hand_counted(demo_county):
    staff = _user("section")
    code = _user("township1").scope_region_code
    at = timezone.make_aware(datetime.datetime(2023, 3, 1, 8))
    incident = Incident.objects.create(region_code=code, category="accident_disaster", event_type="industrial",
                                       title="测试事故", occurred_at=at, received_at=at, grade="ordinary",
                                       source="phone")
    hour = datetime.timedelta(hours=1)
    incident.deadlines.create(level="county", position=1, due_at=at + hour, reported_at=at + hour / 2)
    incident.deadlines.create(level="city", position=2, due_at=at + 2 * hour, reported_at=at + 3 * hour)
    incident.deadlines.create(level="province", position=3, due_at=at + 4 * hour)
    found = metrics.incident_report_timeliness(staff, 2023, code)
    assert found.value == Decimal("0.3333")  # one of three due deadlines met


def test_api_contract_and_bad_input(api, rubric2025):
    body = api("section").get(f"/api/v1/assessment/rubrics/{rubric2025.pk}").json()
    assert body["year"] == 2025 and body["state"] == "published" and len(body["items"]) >= 10
    own = _own(rubric2025)
    got = api("township1").get(f"/api/v1/assessment/assessments/{own.pk}").json()
    assert set(got) >= {"id", "state", "total", "grade", "vetoed", "rank", "items"}
    assert got["items"][0].keys() >= {"score", "value_text", "appeal_state"}
    actions = api("township1").get(f"/api/v1/assessment/assessments/{own.pk}/transitions").json()
    assert actions == []  # already appealed and decided
    assert_error_shape(api("section").post(f"/api/v1/assessment/assessments/{own.pk}/transitions",
                                           {"action": "fly"}), 422)
    assert_error_shape(api("section").post(f"/api/v1/assessment/assessments/{own.pk}/transitions",
                                           {"action": "publish"}), 409)
    assert api("section").get("/api/v1/assessment/assessments/abc").status_code == 422
    assert api("section").get(f"/api/v1/assessment/rubrics/{rubric2025.pk}/ranking").status_code == 200


def test_api_appeal_without_items_is_422(fresh, api):
    _rubric, a = fresh
    body = assert_error_shape(api("township1").post(f"/api/v1/assessment/assessments/{a.pk}/transitions",
                                                    {"action": "appeal", "reason": ""}), 422)
    assert {e["field"] for e in body["errors"]} >= {"reason", "items"}


def test_pages(web, rubric2025):
    own = _own(rubric2025)
    section = web("section")
    assert section.get(reverse("rubric_list")).status_code == 200
    page = section.get(reverse("rubric_detail", args=[rubric2025.pk]))
    assert page.status_code == 200 and "隐患整改率" in page.content.decode()
    ranking = section.get(reverse("assessment_ranking", args=[rubric2025.pk]))
    text = ranking.content.decode()
    ranks = [int(r) for r in re.findall(r'data-rank="(\d+)"', text)]
    assert ranking.status_code == 200 and "排名" in text
    assert ranks == sorted(ranks) and len(ranks) == rubric2025.assessments.count()
    export = section.get(reverse("assessment_ranking", args=[rubric2025.pk]), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    detail = web("township1").get(reverse("assessment_detail", args=[own.pk]))
    assert detail.status_code == 200 and "申诉" in detail.content.decode()
    other = _own(rubric2025, "township2")
    assert web("township1").get(reverse("assessment_detail", args=[other.pk])).status_code == 404
    assert web("enterprise1").get(reverse("assessment_list")).status_code == 403


def test_copy_default_twice_is_refused(demo_county):
    with pytest.raises(ValidationFailed):
        services.copy_default_rubric(_user("section"), 2026, Target.TOWNSHIP)


def test_published_rubric_is_not_edited(rubric2025):
    with pytest.raises(Conflict):
        services.update_rubric(_user("section"), rubric2025, {"title": "x"})


def test_assessment_items_of_other_townships_hidden(rubric2025):
    township = _user("township1")
    assert set(AssessmentItem.objects.for_user(township).values_list("region_code", flat=True)) == {
        township.scope_region_code}


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_assessor_scores_an_item_with_evidence_on_the_page(web, demo_county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingji.core import attachments

    staff = _user("section")
    rubric = services.copy_default_rubric(staff, 2024, Target.TOWNSHIP)
    services.publish_rubric(staff, rubric)
    services.open_assessments(staff, rubric)
    a = services.score(staff, _own(rubric))
    row = a.items.filter(rubric_item__kind=ItemKind.ASSESSED).first()
    client = web("section")
    url = reverse("assessment_item_assess", args=[row.pk])
    response = client.post(url, {"score": "6.5", "reason": "会议纪要齐全",
                                 "file": SimpleUploadedFile("纪要.png", PNG, content_type="image/png")})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.score == Decimal("6.50") and row.scored_by == staff
    assert attachments.for_object(row).count() == 1
    client.post(url, {"score": "99", "reason": "x"})
    row.refresh_from_db()
    assert row.score == Decimal("6.50")  # above the item's points: refused, nothing changed
    assert web("township1").post(url, {"score": "1", "reason": "x"}).status_code == 404  # a draft is not theirs
    # Nor is its evidence, though the file lies in the township's place: the download asks for the owner too.
    evidence = attachments.for_object(row).get()
    download = reverse("attachment_download", args=[evidence.pk])
    assert client.get(download).status_code == 200
    assert web("township1").get(download).status_code == 404


def test_opening_again_makes_no_second_assessment_of_a_unit(demo_county):
    staff = _user("section")
    rubric = services.copy_default_rubric(staff, 2023, Target.TOWNSHIP)
    services.publish_rubric(staff, rubric)
    first = services.open_assessments(staff, rubric)
    assert first and services.open_assessments(staff, rubric) == []
    assert rubric.assessments.count() == len(first) == len({a.organisation_id for a in first})


def test_township_appeals_through_the_api_and_the_bureau_decides(fresh, api):
    _rubric, a = fresh
    row = a.items.filter(rubric_item__kind=ItemKind.ASSESSED).first()
    path = f"/api/v1/assessment/assessments/{a.pk}/transitions"
    assert [t["action"] for t in api("township1").get(path).json()] == ["appeal"]
    body = api("township1").post(path, {"action": "appeal", "reason": "补充材料", "items": [row.pk]}).json()
    assert body["state"] == "appealed"
    assert {r["id"]: r["appeal_state"] for r in body["items"]}[row.pk] == "filed"
    assert api("township1").post(path, {"action": "decide", "decisions": []}).status_code == 403
    assert_error_shape(api("section").post(path, {"action": "decide", "decisions": [
        {"item": row.pk, "outcome": "upheld", "reason": "核实"}]}), 422)  # upheld needs the new score
    assert_error_shape(api("section").post(path, {"action": "decide", "decisions": [
        {"item": row.pk, "outcome": "maybe", "reason": "核实"}]}), 422)
    body = api("section").post(path, {"action": "decide", "decisions": [
        {"item": row.pk, "outcome": "upheld", "score": "7", "reason": "核实"}]}).json()
    assert body["state"] == "appeal_decided" and body["rank"] == 1


def test_member_units_are_assessed_with_a_found_veto(demo_county):
    from django.core.management import call_command

    call_command("assessment_rubric", year=2025, target=Target.MEMBER_UNIT, user="section")
    staff = _user("section")
    rubric = Rubric.objects.get(year=2025, target=Target.MEMBER_UNIT)
    assert not rubric.items.filter(kind=ItemKind.MEASURED).exists()
    with pytest.raises(ValidationFailed):
        services.create_rubric_item(staff, {"rubric": rubric.pk, "section": "x", "name": "隐患整改率", "points": 5,
                                            "kind": ItemKind.MEASURED, "metric": "hazard_closure_rate",
                                            "rule": {"kind": "rate", "full_at": 0.9, "zero_at": 0.5}})
    services.publish_rubric(staff, rubric)
    opened = services.open_assessments(staff, rubric)
    assert opened and all(a.organisation.kind == "member_unit" for a in opened)
    a = services.score(staff, opened[0])
    for row in a.items.select_related("rubric_item"):
        if row.rubric_item.kind == ItemKind.ASSESSED:
            services.assess_item(staff, row, {"score": row.rubric_item.points, "reason": "齐全"})
        else:
            services.assess_item(staff, row, {"triggered": True, "reason": "负有监管责任"})
    a = services.act(staff, a, "publish")
    assert a.total == 100 and a.vetoed and a.grade == "fail"
    assert services.open_assessments(staff, rubric) == []  # every unit already has its assessment
    veto = a.items.get(rubric_item__kind=ItemKind.VETO)
    a = services.act(staff, a, "appeal", {"items": [veto.pk], "reason": "书面申诉：非监管范围"})
    a = services.act(_user("admin"), a, "decide", {"decisions": [
        {"item": veto.pk, "outcome": "upheld", "reason": "经核实不属于其监管范围"}]})
    assert not a.vetoed and a.grade == "excellent"
