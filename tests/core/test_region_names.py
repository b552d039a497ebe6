"""Regions are shown by name, never as raw codes (issue 11 §3): the duty console, the daily report (page and
Excel), the incident page, responsible persons, shelters, teams and warning areas all read one cached lookup
(``yingji.core.regions``); region filters pick a township or village by name; yes/no filters default to All."""

from __future__ import annotations

import datetime
import io
import re

import django_filters
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.duty.conftest import incident as make_incident
from yingji.core import regions
from yingji.core.filters import FilterSet, RegionFilter
from yingji.core.models import Region, User
from yingji.duty.models import DutyShift
from yingji.resources.models import Shelter, Team
from yingji.warnings.models import ResponsiblePerson, Warning


def _names(code: str) -> tuple[str, str]:
    region = Region.objects.get(code=code)
    return region.name, region.code


def _text(html: str) -> str:
    """The text a user reads: tags, attribute values and scripts removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_lookup_is_cached_and_follows_changes(demo_county):
    code = demo_county["township"]
    name = Region.objects.get(code=code).name
    regions.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        assert regions.region_name(code) == name
        assert regions.region_name(demo_county["township2"]) != name
        assert regions.region_name("999999") == "999999"  # unknown codes are shown as they are
        assert regions.region_name("") == ""
    assert len(queries) == 1
    village = Region.objects.get(code=demo_county["village"])
    assert regions.region_path(village.code) == f"{name} {village.name}"
    region = Region.objects.get(code=code)
    region.name = "改名镇"
    region.save()
    assert regions.region_name(code) == "改名镇"


def test_duty_console_shows_region_names(web, demo_county):
    now = timezone.now()
    code = demo_county["township"]
    DutyShift.objects.create(region_code=code, date=timezone.localdate(), shift="day",
                             starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=1),
                             leader_name="带班领导", officer_names="值班员")
    html = web("duty").get("/duty/").content.decode()
    panel = html if "yj-on-duty" in html else web("duty").get("/duty/panel/").content.decode()
    on_duty = _text(panel.split('id="yj-on-duty"', 1)[1].split("</ul>", 1)[0])
    name, _code = _names(code)
    assert name in on_duty and code not in on_duty


@pytest.fixture
def report_items(demo_county):
    day = timezone.localdate() - datetime.timedelta(days=10)
    from yingji.duty.report import period

    start, _end = period(day)
    at = start + datetime.timedelta(hours=2)
    DutyShift.objects.create(region_code=demo_county["township"], date=day, shift="day", starts_at=start,
                             ends_at=start + datetime.timedelta(hours=12), leader_name="带班领导",
                             officer_names="值班员")
    made = make_incident(demo_county["township"], at, "地名测试事故")
    return day, made


def test_daily_report_page_and_xlsx_show_names(web, report_items, demo_county):
    from openpyxl import load_workbook

    day, made = report_items
    name, code = _names(demo_county["township"])
    html = web("duty").get("/duty/report/", {"date": day.isoformat()}).content.decode()
    roster = _text(html.split('id="yj-report-roster"', 1)[1].split("</table>", 1)[0])
    incidents = _text(html.split('id="yj-report-incidents"', 1)[1].split("</table>", 1)[0])
    assert name in roster and code not in roster
    assert made.title in incidents and name in incidents and code not in incidents
    workbook = load_workbook(io.BytesIO(web("duty").get("/duty/report/", {"date": day.isoformat(),
                                                                         "format": "xlsx"}).content))
    cells = {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert name in cells and code not in cells


def test_incident_page_shows_the_region_name(web, report_items, demo_county):
    _day, made = report_items
    name, code = _names(demo_county["township"])
    html = web("duty").get(f"/incidents/{made.pk}/").content.decode()
    region = _text(html.split('id="yj-incident-region"', 1)[1].split("</dd>", 1)[0])
    assert name in region and code not in region


@pytest.mark.parametrize("path,model", [("/responsible-persons/", ResponsiblePerson),
                                        ("/resources/shelters/", Shelter), ("/resources/teams/", Team)])
def test_lists_show_region_names_not_codes(web, path, model):
    html = web("duty").get(path).content.decode()
    table = _text(html.split("<tbody>", 1)[1].split("</tbody>", 1)[0])
    shown = model.objects.exclude(region_code="").order_by("pk")[:5]
    assert shown
    codes = set(re.findall(r"\b\d{9}(?:\d{3})?\b", table))
    assert not codes, codes  # no township or village code in the rows
    assert any(regions.region_name(obj.region_code) in table for obj in shown)


@pytest.mark.parametrize("path", ["/resources/teams/{pk}/", "/resources/shelters/{pk}/",
                                  "/responsible-persons/{pk}/"])
def test_detail_pages_show_region_names(web, path):
    model = {"teams": Team, "shelters": Shelter}.get(path.split("/")[2], ResponsiblePerson)
    obj = model.objects.filter(region_code__regex=r"^\d{9}").order_by("pk").first()
    text = re.sub(r"\S+@\S+", " ", _text(web("duty").get(path.format(pk=obj.pk)).content.decode()))  # e-mails
    assert regions.region_name(obj.region_code) in text
    assert obj.region_code not in text


def test_warning_areas_are_named(web):
    warning = next(w for w in Warning.objects.order_by("pk") if w.area_codes)
    html = web("duty").get(f"/warnings/{warning.pk}/").content.decode()
    areas = _text(html.split('id="yj-warning-areas"', 1)[1].split("</span>", 1)[0])
    for code in warning.area_codes:
        assert regions.region_name(code) in areas and code not in areas


# --- filters ------------------------------------------------------------------------------------------------


def _all_filtersets(cls=django_filters.FilterSet):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("yingji."):
            yield sub
        yield from _all_filtersets(sub)


def _request(username: str):
    request = RequestFactory().get("/")
    request.user = User.objects.get(username=username)
    return request


def test_every_filterset_derives_from_the_shared_base(demo_county):
    import yingji.urls  # noqa: F401  (imports every app's views and so every FilterSet)

    found = set(_all_filtersets())
    assert len(found) > 15
    assert not {f.__qualname__ for f in found if not issubclass(f, FilterSet)}


def test_every_yes_no_filter_defaults_to_all(demo_county):
    import yingji.urls  # noqa: F401

    checked = 0
    for filterset_class in set(_all_filtersets()):
        model = filterset_class._meta.model
        if model is None:
            continue
        filterset = filterset_class(None, queryset=model._default_manager.none(), request=_request("admin"))
        for name, flt in filterset.filters.items():
            if not isinstance(flt, django_filters.BooleanFilter):
                continue
            html = str(filterset.form[name])
            options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
            assert options[0][0] == "" and 'selected' in html.split("</option>", 1)[0], (filterset_class, name)
            assert [value for value, _label in options] == ["", "true", "false"], (filterset_class, name, options)
            assert "unknown" not in html.lower() and "未知" not in html
            checked += 1
    assert checked >= 8


def test_boolean_filter_page_shows_all_first(web):
    html = web("duty").get("/resources/experts/").content.decode()
    select = html.split('name="available"', 1)[1].split("</select>", 1)[0]
    first = re.search(r"<option[^>]*>([^<]*)</option>", select).group(1)
    assert first == "全部"
    assert "未知" not in select


def test_region_filters_pick_places_by_name(web, demo_county):
    name, code = _names(demo_county["township"])
    html = web("duty").get("/resources/teams/").content.decode()
    select = html.split('name="region_code"', 1)[1].split("</select>", 1)[0]
    assert f'<optgroup label="{name}">' in select
    assert f'value="{code}"' in select and f">{name}</option>" in select
    assert "code prefix" not in html and "代码前缀" not in html
    # Still a region code for the API and links, matched as a prefix.
    filtered = web("duty").get("/resources/teams/", {"region_code": code})
    assert filtered.status_code == 200
    rows = filtered.context["page"].object_list
    assert rows and all(t.region_code.startswith(code) for t in rows)


def test_region_filter_choices_stay_inside_the_jurisdiction(web, demo_county):
    township = web("township1").get("/incidents/").context["filter"]
    codes = [code for _group, options in township.form.fields["township"].choices if _group
             for code, _label in options]
    assert codes and all(code.startswith(demo_county["township"]) for code in codes)


def test_filters_that_make_no_sense_for_the_role_are_hidden(web):
    # A village grid member: its jurisdiction is one village, so no township / village filter.
    grid = web("grid1").get("/hazards/")
    assert grid.status_code == 200
    form = grid.context["filter"].form
    assert form["township"].is_hidden
    assert 'name="township"' in grid.content.decode() and 'type="hidden" name="township"' in grid.content.decode()
    # An enterprise account: its own enterprise only, so neither an enterprise nor a region filter.
    enterprise = web("enterprise1").get("/hazards/")
    form = enterprise.context["filter"].form
    assert form["enterprise"].is_hidden and form["township"].is_hidden
    # The county sees both.
    county = web("duty").get("/hazards/").context["filter"].form
    assert not county["enterprise"].is_hidden and not county["township"].is_hidden


def test_region_filter_is_a_region_filter_everywhere(demo_county):
    import yingji.urls  # noqa: F401

    prefix_text_boxes = []
    for filterset_class in set(_all_filtersets()):
        for name, flt in filterset_class.base_filters.items():
            if (isinstance(flt, django_filters.CharFilter) and "region_code" in (flt.field_name or "")
                    and flt.extra.get("widget") is None):
                prefix_text_boxes.append((filterset_class.__name__, name))
            if name in ("region_code", "township") and not isinstance(flt, RegionFilter):
                prefix_text_boxes.append((filterset_class.__name__, name))
    assert not prefix_text_boxes


def test_exports_carry_the_region_name_beside_the_code(web):
    import csv

    response = web("duty").get("/resources/teams/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_name = {team.name: team for team in Team.objects.all()}
    for row in rows[1:]:
        team = by_name[row[0]]
        assert team.region_code in row and regions.region_name(team.region_code) in row
    assert len(rows) == Team.objects.count() + 1


def test_a_form_field_built_on_the_class_does_not_freeze_the_request_filters(demo_county):
    """``Filter.field`` is kept on the filter; one built on a FilterSet class's own filter (by an introspection) used
    to be deep-copied into every later FilterSet, freezing its widget and choices for the rest of the process."""
    from yingji.core.filters import _choice_count
    from yingji.enforcement.filters import EnforcementItemFilterSet
    from yingji.prevention.filters import HazardFilterSet
    from yingji.prevention.models import Hazard

    for filterset_class in (EnforcementItemFilterSet, HazardFilterSet):
        for flt in filterset_class.base_filters.values():
            flt.field  # noqa: B018 - built on the class's filter, as an introspection would
    try:
        items = EnforcementItemFilterSet(None, queryset=EnforcementItemFilterSet._meta.model.objects.none())
        assert '<option value="" selected>' in str(items.form["in_force"])
        hazards = HazardFilterSet(None, queryset=Hazard.objects.none(), request=_request("duty"))
        assert _choice_count(hazards.form.fields["township"].choices) >= 2
    finally:
        for filterset_class in (EnforcementItemFilterSet, HazardFilterSet):
            for flt in filterset_class.base_filters.values():
                flt.__dict__.pop("_field", None)
