"""What ties the enforcement areas together: a recorded inspection issues its documents (the site record and, with
findings, the rectification order) linked to it; a case can come from an inspection; the annual plan counts the
inspections done and the grading reads the penalties decided."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.enforcement.test_inspections import _plan, _record, _user, team  # noqa: F401  (the fixture)
from yingji.core.errors import Conflict
from yingji.enforcement import services
from yingji.enforcement.choices import CaseState, DocumentKind, InspectionState
from yingji.enforcement.models import (
    AnnualInspectionPlan,
    EnforcementDocument,
    EnforcementItem,
    Inspection,
    PenaltyCase,
)
from yingji.enforcement.services import plans


def test_recording_issues_the_site_record_and_the_rectification_order_once(team, web):  # noqa: F811
    inspection = _plan(team)
    record, files = _record(inspection, hazard_item="first")
    services.submit_field_record(_user("inspector"), inspection, uuid.uuid4(), record, files)
    documents = EnforcementDocument.objects.filter(inspection=inspection).order_by("id")
    assert [d.kind for d in documents] == [DocumentKind.SITE_INSPECTION_RECORD, DocumentKind.RECTIFICATION_ORDER]
    site, order = documents
    assert "消防通道被成品货物堵塞" in site.content["findings"] and site.content["present"] == "王强"
    hazard = inspection.findings.get(result="non_compliant").hazard
    assert order.content["deadline"] == timezone.localtime(hazard.due_at).date().isoformat()
    assert {e.params.get("number") for e in inspection.events.filter(kind="document")} == {site.number,
                                                                                            order.number}
    assert services.issue_inspection_documents(_user("section"), Inspection.objects.get(pk=inspection.pk)) == []
    page = web("inspector").get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert site.number in page and order.number in page and 'id="yj-issue-documents"' not in page


def test_a_record_by_an_officer_who_does_not_issue_waits_for_the_section(team, web, monkeypatch):  # noqa: F811
    inspection = _plan(team)
    record, files = _record(inspection)
    # A township officer records but does not issue the bureau's documents: the record waits for the section.
    monkeypatch.setattr(services.inspections, "may_issue_documents", lambda actor: actor.username != "inspector")
    services.submit_field_record(_user("inspector"), inspection, uuid.uuid4(), record, files)
    assert not EnforcementDocument.objects.filter(inspection=inspection).exists()
    page = web("section").get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert 'id="yj-issue-documents"' in page
    assert web("section").post(reverse("inspection_documents", args=[inspection.pk])).status_code == 302
    kinds = Counter(EnforcementDocument.objects.filter(inspection=inspection).values_list("kind", flat=True))
    assert kinds == {DocumentKind.SITE_INSPECTION_RECORD: 1, DocumentKind.RECTIFICATION_ORDER: 1}
    assert web("section").post(reverse("inspection_documents", args=[inspection.pk])).status_code == 302
    assert EnforcementDocument.objects.filter(inspection=inspection).count() == 2  # issued once


def test_a_planned_inspection_issues_nothing(team):  # noqa: F811
    inspection = _plan(team)
    with pytest.raises(Conflict):
        services.issue_inspection_documents(_user("section"), inspection)
    assert not EnforcementDocument.objects.filter(inspection=inspection).exists()


def test_a_case_opened_from_an_inspection_is_linked(team, api):  # noqa: F811
    inspection = _plan(team)
    record, files = _record(inspection)
    services.submit_field_record(_user("inspector"), inspection, uuid.uuid4(), record, files)
    item = EnforcementItem.objects.filter(in_force=True, kind="penalty").order_by("pk").first()
    body = {"enterprise": inspection.enterprise_id, "title": "未保持疏散通道畅通", "item": item.pk,
            "source": "other", "discovered_on": timezone.localdate().isoformat(),
            "officers": [o.pk for o in team["officers"]], "inspection_id": inspection.pk}
    created = api("section").post("/api/v1/penalty-cases", body)
    assert created.status_code == 201, created.content
    assert created.json()["inspection_id"] == inspection.pk and created.json()["source"] == "inspection"
    other = _plan(team, enterprise=team["other"])
    wrong = api("section").post("/api/v1/penalty-cases", {**body, "inspection_id": other.pk})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "inspection_id"


def test_plan_progress_counts_the_inspections_done(demo_county):
    plan = AnnualInspectionPlan.objects.order_by("-year").first()
    assert plan is not None
    done = plans.done_counts(plan)
    expected: Counter = Counter()
    enterprises = set(plan.items.values_list("enterprise_id", flat=True))
    for inspection in Inspection.objects.filter(state__in=(InspectionState.RECORDED, InspectionState.CLOSED),
                                                finished_at__isnull=False):
        finished = timezone.localtime(inspection.finished_at)
        if inspection.enterprise_id in enterprises and finished.year == plan.year:
            expected[(inspection.enterprise_id, finished.month)] += 1
    assert done == dict(expected) and sum(done.values()) > 0  # the demo year has inspections done


def test_the_grading_reads_the_penalties_decided(demo_county):
    since = timezone.now() - datetime.timedelta(days=365)
    decided = (CaseState.DECIDED, CaseState.SERVED, CaseState.PAID, CaseState.CLOSED)
    expected = Counter(c.enterprise_id for c in PenaltyCase.objects.filter(state__in=decided)
                       if c.decided_on and c.decided_on >= timezone.localtime(since).date())
    ids = set(PenaltyCase.objects.values_list("enterprise_id", flat=True))
    assert plans.penalty_counts(ids, since) == dict(expected) and expected
