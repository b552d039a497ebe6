"""Drills: one record per drill, scope by organiser, the problem workflow (action × state × role), reminders with
time travel, compliance with time travel, team history, API and pages."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import AuditRecord, User
from yingji.core.notifications import Notification
from yingji.enterprises.models import Enterprise
from yingji.preparedness.choices_drills import ProblemState
from yingji.preparedness.models import Drill, DrillProblem
from yingji.preparedness.services import drills as services
from yingji.resources.models import Team
from yingji.standards import drills as rules

pytestmark = pytest.mark.django_db


def u(name):
    return User.objects.get(username=name)


def _drill(actor, **extra):
    data = {"title": "汛前演练", "kind": "live", "plan_type": "special", "scenario": "山洪", "place": "河道",
            "date": timezone.localdate() - dt.timedelta(days=3), "participants": 30, **extra}
    return services.create_drill(actor, data)


def test_one_record_however_many_teams(demo_county):
    teams = list(Team.objects.order_by("id")[:3])
    drill = _drill(u("admin"), teams=[t.pk for t in teams])
    assert drill.organiser_level == "county" and drill.teams.count() == 3
    assert Drill.objects.filter(title="汛前演练").count() == 1
    assert AuditRecord.objects.filter(object_type="preparedness.drill", object_id=str(drill.pk)).exists()
    # each team's page lists it once, through the resources history registry
    from yingji.resources import history

    for team in teams:
        titles = [e.title for e in history.entries(team, u("admin"))]
        assert titles.count("汛前演练") == 1


def test_organiser_follows_the_account_and_scope(demo_county):
    township = _drill(u("township1"), organiser_level="county")
    assert township.organiser_level == "township" and township.region_code == demo_county["township"]
    mine = _drill(u("enterprise1"), organiser_level="county")
    assert mine.organiser_level == "enterprise" and mine.enterprise_id == u("enterprise1").enterprise_id
    other = Enterprise.objects.exclude(pk=mine.enterprise_id).exclude(
        region_code__startswith=demo_county["township"]).first()
    theirs = _drill(u("admin"), organiser_level="enterprise", enterprise=other.pk)
    assert theirs.region_code == other.region_code
    visible = set(Drill.objects.for_user(u("enterprise1")).values_list("pk", flat=True))
    assert mine.pk in visible and theirs.pk not in visible and township.pk not in visible
    assert theirs.pk not in set(Drill.objects.for_user(u("township1")).values_list("pk", flat=True))
    assert township.pk not in set(Drill.objects.for_user(u("township2")).values_list("pk", flat=True))
    # a team outside the township's scope cannot be named
    far = Team.objects.exclude(region_code__startswith=demo_county["township"]).filter(
        region_code__startswith=demo_county["township2"]).first()
    with pytest.raises(ValidationFailed):
        _drill(u("township1"), teams=[far.pk])
    with pytest.raises(ValidationFailed):
        _drill(u("admin"), date=timezone.localdate() + dt.timedelta(days=2))
    with pytest.raises(NotAllowed):
        _drill(u("observer"))


# --- the problem workflow --------------------------------------------------------------------------------------

STATES = [ProblemState.OPEN, ProblemState.SUBMITTED, ProblemState.CLOSED]
ROLES = ["admin", "section", "township1", "township2", "enterprise1", "observer", "duty"]
PAYLOAD = {"submit": {"rectification": "已整改"}, "accept": {"note": "到位"}, "return": {"reason": "不到位"}}


def _problem(enterprise_drill: bool, state: str):
    actor = u("enterprise1") if enterprise_drill else u("township1")
    drill = _drill(actor)
    problem = services.add_problem(actor, drill, {"description": "通讯不畅", "owner": "综合组",
                                                  "deadline": timezone.localdate() + dt.timedelta(days=20)})
    DrillProblem.objects.filter(pk=problem.pk).update(state=state)
    problem.refresh_from_db()
    return problem


def _expected(action, state, who, enterprise_drill):
    source = {"submit": ProblemState.OPEN, "accept": ProblemState.SUBMITTED, "return": ProblemState.SUBMITTED}
    if state != source[action]:
        return "conflict"
    if action == "submit":
        owners = {"enterprise1"} if enterprise_drill else {"admin", "section", "township1"}
        return "ok" if who in owners else "denied"
    return "ok" if who in {"admin", "section", "township1"} else "denied"


@pytest.mark.parametrize("enterprise_drill", [False, True])
@pytest.mark.parametrize("action", ["submit", "accept", "return"])
def test_action_state_role_matrix(demo_county, action, enterprise_drill):
    for state in STATES:
        for who in ROLES:
            problem = _problem(enterprise_drill, state)
            actor = u(who)
            if not services.policy.in_scope(actor, problem):
                with pytest.raises(services.NotFound):
                    services.act_on_problem(actor, problem, action, PAYLOAD[action])
                continue
            expected = _expected(action, state, who, enterprise_drill)
            if expected == "ok":
                done = services.act_on_problem(actor, problem, action, PAYLOAD[action])
                assert done.state == {"submit": "submitted", "accept": "closed", "return": "open"}[action]
                assert done.events.filter(kind=action).exists()
                assert AuditRecord.objects.filter(object_type="preparedness.drillproblem",
                                                  object_id=str(problem.pk), action="transition").exists()
            else:
                with pytest.raises(Conflict if expected == "conflict" else NotAllowed):
                    services.act_on_problem(actor, problem, action, PAYLOAD[action])


def test_submitter_cannot_verify_and_stale_version_conflicts(demo_county):
    problem = _problem(False, ProblemState.OPEN)
    stale = DrillProblem.objects.get(pk=problem.pk)
    services.act_on_problem(u("township1"), problem, "submit", {"rectification": "已整改"})
    with pytest.raises(NotAllowed):
        services.act_on_problem(u("township1"), DrillProblem.objects.get(pk=problem.pk), "accept", {})
    with pytest.raises(Conflict):
        services.act_on_problem(u("section"), stale, "submit", {"rectification": "again"})
    with pytest.raises(ValidationFailed):
        services.act_on_problem(u("section"), DrillProblem.objects.get(pk=problem.pk), "return", {"reason": ""})
    done = services.act_on_problem(u("section"), DrillProblem.objects.get(pk=problem.pk), "accept", {})
    assert done.state == "closed" and done.closed_at is not None


def test_reminders_with_time_travel_are_idempotent(demo_county):
    problem = _problem(False, ProblemState.OPEN)
    deadline = problem.deadline
    before = Notification.objects.filter(object_type="preparedness.drillproblem", object_id=str(problem.pk)).count()
    services.remind_problems(deadline - dt.timedelta(days=10))
    problem.refresh_from_db()
    assert problem.reminder_level == 0
    services.remind_problems(deadline - dt.timedelta(days=2))
    problem.refresh_from_db()
    assert problem.reminder_level == 1
    assert services.remind_problems(deadline - dt.timedelta(days=2)) == 0  # the same day again: nobody told twice
    services.remind_problems(deadline + dt.timedelta(days=1))
    problem.refresh_from_db()
    assert problem.reminder_level == 2 and problem.overdue_since == deadline + dt.timedelta(days=1)
    told = Notification.objects.filter(object_type="preparedness.drillproblem", object_id=str(problem.pk)).count()
    assert told > before
    services.remind_problems(deadline + dt.timedelta(days=5))
    assert Notification.objects.filter(object_type="preparedness.drillproblem",
                                       object_id=str(problem.pk)).count() == told
    assert list(problem.events.filter(kind__in=["remind", "overdue"]).values_list("kind", flat=True)) == [
        "remind", "overdue"]
    # a return with a new deadline starts the reminders again
    services.act_on_problem(u("township1"), problem, "submit", {"rectification": "已整改"})
    problem = services.act_on_problem(u("section"), DrillProblem.objects.get(pk=problem.pk), "return",
                                      {"reason": "不到位", "deadline": deadline + dt.timedelta(days=30)})
    assert problem.reminder_level == 0 and problem.overdue_since is None


# --- compliance ---------------------------------------------------------------------------------------------------


def test_enterprise_compliance_with_time_travel(demo_county):
    enterprise = u("enterprise1").enterprise
    Drill.objects.filter(enterprise=enterprise).delete()
    qs = Enterprise.objects.filter(pk=enterprise.pk)
    kind = services.enterprise_compliance(u("admin"), 2026, dt.date(2026, 12, 31), enterprises=qs)[0]["unit_kind"]
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), tick=False):
        _drill(u("enterprise1"), plan_type="comprehensive", date=dt.date(2026, 3, 9))
        _drill(u("enterprise1"), plan_type="on_site", date=dt.date(2026, 3, 9))
    row = services.enterprise_compliance(u("admin"), 2026, dt.date(2026, 6, 1), enterprises=qs)[0]
    assert row["status"] == rules.PENDING if kind in rules.HIGH_RISK_KINDS else True
    row = services.enterprise_compliance(u("admin"), 2026, dt.date(2026, 7, 2), enterprises=qs)[0]
    assert row["status"] == rules.PENDING  # second half-year begun, nothing missed yet
    row = services.enterprise_compliance(u("admin"), 2026, dt.date(2027, 1, 1), enterprises=qs)[0]
    assert row["status"] == rules.MISSED  # no on-site drill in the second half
    with time_machine.travel(dt.datetime(2026, 9, 10, 10, tzinfo=dt.UTC), tick=False):
        _drill(u("enterprise1"), plan_type="on_site", date=dt.date(2026, 9, 9))
        if kind in rules.HIGH_RISK_KINDS:
            _drill(u("enterprise1"), plan_type="special", date=dt.date(2026, 9, 9))
    row = services.enterprise_compliance(u("admin"), 2026, dt.date(2027, 1, 1), enterprises=qs)[0]
    assert row["status"] == rules.MET


def test_unit_kind_from_industry_and_licences(demo_county):
    enterprise = Enterprise.objects.filter(hazchem_production=False, hazchem_business=False, fireworks=False,
                                           non_coal_mine=False, tailings_pond=False, metallurgy=False).exclude(
        sector__in=["hazardous_chemicals", "fireworks", "non_coal_mining", "metallurgy"]).first()
    enterprise.industry_division = "61"
    assert services.unit_kind_of(enterprise, []) == rules.CROWDED_PLACE
    assert services.unit_kind_of(enterprise, ["hazchem_business"]) == rules.HAZARDOUS_GOODS


def test_township_compliance_and_statistics(demo_county):
    rows = {r["township"].code: r for r in services.township_compliance(u("admin"), 2026, dt.date(2027, 1, 1))}
    assert demo_county["township"] in rows
    mine = services.township_compliance(u("township1"), 2026, dt.date(2027, 1, 1))
    assert [r["township"].code for r in mine] == [demo_county["township"]]
    stats = services.statistics(u("admin"), timezone.localdate().year)
    levels = {r["level"]: r for r in stats["by_level"]}
    assert set(levels) == {"county", "township", "industry", "enterprise"}
    assert levels["township"]["required"] == len(rows)
    assert stats["held"] == Drill.objects.filter(date__year=timezone.localdate().year).count()
    assert services.statistics(u("enterprise1"), 2026)["enterprises"]["total"] == 1
    assert services.township_compliance(u("enterprise1"), 2026) == []


# --- API and pages --------------------------------------------------------------------------------------------------


def test_api_create_problem_transition_and_compliance(api, demo_county):
    client = api("township1")
    team = Team.objects.filter(region_code__startswith=demo_county["township"]).first()
    body = {"title": "防汛演练", "kind": "live", "plan_type": "special", "scenario": "山洪", "place": "河道",
            "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "teams": [team.pk]}
    created = client.post("/api/v1/drills", body)
    assert created.status_code == 201, created.content
    drill = created.json()
    assert drill["organiser_level"] == "township" and drill["team_ids"] == [team.pk]
    bad = client.post("/api/v1/drills", {**body, "kind": "party"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"
    problem = client.post(f"/api/v1/drills/{drill['id']}/problems",
                          {"description": "通讯不畅", "owner": "综合组",
                           "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat()})
    assert problem.status_code == 201, problem.content
    pid = problem.json()["id"]
    assert [a["action"] for a in client.get(f"/api/v1/drill-problems/{pid}/transitions").json()] == ["submit"]
    done = client.post(f"/api/v1/drill-problems/{pid}/transitions", {"action": "submit", "rectification": "已整改"})
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    assert client.post(f"/api/v1/drill-problems/{pid}/transitions", {"action": "submit"}).status_code == 409
    assert api("township2").get(f"/api/v1/drills/{drill['id']}").status_code == 404
    assert api("enterprise1").get(f"/api/v1/drill-problems/{pid}").status_code == 404
    compliance = api("enterprise1").get("/api/v1/drill-compliance", year=2026).json()
    assert len(compliance["enterprises"]) == 1 and compliance["townships"] == []
    assert api("admin").get("/api/v1/drill-compliance", year=1900).status_code == 422


def test_pages(web, demo_county):
    client = web("township1")
    for url in ["/preparedness/drills/", "/preparedness/drill-plans/", "/preparedness/drill-problems/",
                "/preparedness/drills/compliance/", "/preparedness/drills/new/", "/preparedness/drill-plans/new/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    drill = Drill.objects.for_user(u("township1")).filter(organiser_level="township").first()
    page = client.get(f"/preparedness/drills/{drill.pk}/").content.decode()
    assert drill.title in page
    team = drill.teams.first()
    if team is not None:
        assert drill.title in client.get(f"/resources/teams/{team.pk}/").content.decode()
    response = client.post(f"/preparedness/drills/{drill.pk}/problems/",
                           {"description": "标识缺失", "owner": "办公室",
                            "deadline": (timezone.localdate() + dt.timedelta(days=9)).isoformat()})
    assert response.status_code == 302
    problem = DrillProblem.objects.get(description="标识缺失")
    assert client.post(f"/preparedness/drill-problems/{problem.pk}/act/submit/",
                       {"text": "已设置"}).status_code == 302
    problem.refresh_from_db()
    assert problem.state == "submitted"
    created = client.post("/preparedness/drills/new/", {
        "title": "页面录入演练", "kind": "tabletop", "plan_type": "comprehensive", "scenario": "桌面推演",
        "place": "会议室", "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "participants": "12"})
    assert created.status_code == 302, created.content.decode()[:2000]
    assert Drill.objects.get(title="页面录入演练").organiser_level == "township"
    assert web("enterprise1").get(f"/preparedness/drills/{drill.pk}/").status_code == 404


def test_compliance_page_pages_and_filters_the_enterprises(web, demo_county):
    import re

    from django.utils import timezone

    from yingji.preparedness.views_drills import ENTERPRISES_PER_PAGE

    year = timezone.localdate().year
    rows = services.enterprise_compliance(u("admin"), year)
    assert len(rows) > ENTERPRISES_PER_PAGE  # the demo county has more than one page of enterprises
    client = web("admin")

    def names(query: str) -> list[str]:
        html = client.get(f"/preparedness/drills/compliance/?{query}").content.decode()
        table = html.split('id="yj-enterprise-compliance"')[1].split("</table>")[0]
        return re.findall(r'/enterprises/\d+/">([^<]+)</a>', table)

    everyone = [r["enterprise"].name for r in rows]
    assert names(f"year={year}") == everyone[:ENTERPRISES_PER_PAGE]
    assert names(f"year={year}&page=2") == everyone[ENTERPRISES_PER_PAGE:2 * ENTERPRISES_PER_PAGE]
    for status in ("met", "pending", "missed"):
        wanted = [r["enterprise"].name for r in rows if r["status"] == status][:ENTERPRISES_PER_PAGE]
        assert names(f"year={year}&result={status}") == wanted
    assert names(f"year={year}&result=nonsense") == everyone[:ENTERPRISES_PER_PAGE]  # an unknown result: all
    # The townships' counts still cover every enterprise, whatever the page shows.
    html = client.get(f"/preparedness/drills/compliance/?year={year}&result=met").content.decode()
    assert "yj-township-compliance" in html
