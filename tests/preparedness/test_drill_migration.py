"""The data step of preparedness 0003: each real drill recorded per team in the resources app becomes one Drill
with all its teams; deployments stay; the reverse gives the team rows back."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from yingji.preparedness.models import Drill
from yingji.resources.models import Team, TeamActivity

pytestmark = pytest.mark.django_db
step = importlib.import_module("yingji.preparedness.migrations.0003_drills")


def test_team_drill_rows_become_one_drill_each(demo_county):
    township_teams = list(Team.objects.filter(region_code__startswith=demo_county["township"]).order_by("id")[:2])
    county_team = Team.objects.filter(region_code=demo_county["county"]).first()
    other = Team.objects.filter(region_code__startswith=demo_county["township2"]).first()
    day = dt.date(2026, 5, 12)
    rows = [TeamActivity(team=t, kind="drill", date=day, notes="汛前抢险演练", region_code=t.region_code)
            for t in township_teams]
    rows += [TeamActivity(team=t, kind="drill", date=day, notes="森林火灾扑救演练", region_code=t.region_code)
             for t in (county_team, other)]
    rows.append(TeamActivity(team=other, kind="deployment", date=day, notes="山火扑救", region_code=other.region_code))
    TeamActivity.objects.bulk_create(rows)
    before = Drill.objects.count()
    step.drills_from_team_activities(apps, None)
    assert Drill.objects.count() == before + 2
    flood = Drill.objects.get(title="汛前抢险演练", date=day)
    assert flood.organiser_level == "township" and flood.region_code == demo_county["township"]
    assert set(flood.teams.values_list("pk", flat=True)) == {t.pk for t in township_teams}
    fire = Drill.objects.get(title="森林火灾扑救演练", date=day)
    assert fire.organiser_level == "county" and fire.region_code == demo_county["county"]
    assert not TeamActivity.objects.filter(kind="drill").exists()
    assert TeamActivity.objects.filter(kind="deployment", notes="山火扑救").exists()
    step.team_activities_from_drills(apps, None)
    assert TeamActivity.objects.filter(kind="drill", date=day, notes="汛前抢险演练").count() == len(township_teams)
