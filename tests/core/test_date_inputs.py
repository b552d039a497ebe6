"""Date, datetime and time inputs hold ISO values in every language, and the fields parse them back to the same
value (datetimes in local time, the same instant). Pages' own pickers (filters, the duty report) do too."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from yingji.core.models import User

from .test_unchanged_save import BROWSER_VALUE_SYNTAX, FormParser

SHANGHAI = ZoneInfo("Asia/Shanghai")


class DatesForm(forms.Form):
    day = forms.DateField()
    moment = forms.DateTimeField()
    moment_with_seconds = forms.DateTimeField()
    clock = forms.TimeField()
    clock_with_seconds = forms.TimeField()
    optional_day = forms.DateField(required=False)
    explicit = forms.DateTimeField(widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M"))


STORED = {
    "day": dt.date(2026, 2, 22),
    # As read from the database: aware, in UTC. 23:30 UTC is 07:30 the next day in Shanghai.
    "moment": dt.datetime(2026, 2, 22, 23, 30, tzinfo=dt.UTC),
    "moment_with_seconds": dt.datetime(2026, 2, 22, 1, 2, 3, tzinfo=dt.UTC),
    "clock": dt.time(8, 30),
    "clock_with_seconds": dt.time(8, 30, 15),
    "optional_day": None,
    "explicit": dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC),
}

EXPECTED = {
    "day": ("date", "2026-02-22"),
    "moment": ("datetime-local", "2026-02-23T07:30"),
    "moment_with_seconds": ("datetime-local", "2026-02-22T09:02:03"),
    "clock": ("time", "08:30"),
    "clock_with_seconds": ("time", "08:30:15"),
    "optional_day": ("date", None),
    "explicit": ("datetime-local", "2027-01-01T00:00"),
}


def _render(form) -> str:
    template = Template("{% load yingji_tags %}{% for f in form %}{% form_field f %}{% endfor %}")
    return "<form method='post'>" + template.render(Context({"form": form})) + "</form>"


def _inputs(html: str) -> dict[str, tuple[str, str | None]]:
    parser = FormParser()
    parser.feed(html)
    return {name: (kind, value) for kind, name, value in parser.forms[0]["inputs"]}


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_inputs_are_iso_and_round_trip_in_every_language(language):
    with translation.override(language), timezone.override(SHANGHAI):
        html = _render(DatesForm(initial=STORED))
        inputs = _inputs(html)
        for name, (kind, value) in EXPECTED.items():
            assert inputs[name][0] == kind, (language, name, inputs[name])
            assert inputs[name][1] == value, (language, name, inputs[name])
        assert re.search(r'name="moment_with_seconds"[^>]*step="1"|step="1"[^>]*name="moment_with_seconds"', html)
        assert not re.search(r'step="1"[^>]*name="moment"|name="moment"[^>]*step="1"', html)

        submitted = {name: value or "" for name, (_kind, value) in inputs.items()}
        bound = DatesForm(submitted, initial=STORED)
        assert bound.is_valid(), (language, bound.errors)
        for name, stored in STORED.items():
            assert bound.cleaned_data[name] == stored, (language, name, bound.cleaned_data[name])
        assert bound.changed_data == []


def test_a_bound_form_shows_what_was_submitted():
    with translation.override("zh-hans"):
        form = DatesForm({"day": "2026-03-01", "moment": "2026-03-01T08:00", "clock": "xx"})
        inputs = _inputs(_render(form))
    assert inputs["day"] == ("date", "2026-03-01")
    assert inputs["moment"] == ("datetime-local", "2026-03-01T08:00")
    assert inputs["clock"] == ("time", "xx")  # an invalid value is shown back with its error, not replaced
    with translation.override("zh-hans"):
        html = _render(DatesForm({"moment_with_seconds": "2026-03-01T08:00:05", "moment": "2026-03-01T08:00"}))
    # Shown back with its seconds, which the picker then accepts.
    assert re.search(r'step="1"[^>]*value="2026-03-01T08:00:05"|value="2026-03-01T08:00:05"[^>]*step="1"', html)


# --- every page's own pickers ---------------------------------------------------------------------------------


def _plain_pages():
    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if not str(entry.pattern).startswith(("api/", "i18n/")):
                    yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name and "<" not in str(entry.pattern):
                yield entry.name

    skip = {"logout", "healthz", "liveness", "notification_read"}
    return sorted(name for name in set(walk(get_resolver())) if name not in skip)


def _pickers(html: str):
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        for kind, name, value in form["inputs"]:
            if kind in BROWSER_VALUE_SYNTAX:
                yield form, kind, name, value


ISO_SAMPLE = {"date": "2026-02-22", "datetime-local": "2026-02-22T08:30", "time": "08:30"}


@pytest.mark.parametrize("username", ["admin", "duty"])
def test_every_page_picker_holds_iso_and_filters_take_it(demo_county, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    pickers_seen = 0
    for name in _plain_pages():
        url = reverse(name)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for form, kind, field, value in _pickers(html):
            pickers_seen += 1
            if value:
                assert BROWSER_VALUE_SYNTAX[kind].match(value), (url, field, value)
            if form["method"] == "get" and not form["action"].startswith(("http", "/api/")):
                # A filter: the ISO value a browser sends is accepted and shown back as sent.
                target = form["action"] or url
                echoed = client.get(target, {field: ISO_SAMPLE[kind]})
                assert echoed.status_code == 200, (target, field, echoed.status_code)
                shown = {(k, n): v for _f, k, n, v in _pickers(echoed.content.decode())}
                assert shown.get((kind, field)) == ISO_SAMPLE[kind], (target, field, shown.get((kind, field)))
    assert pickers_seen >= 5


def test_duty_report_picker_defaults_to_todays_iso_date(web):
    response = web("duty").get(reverse("duty_report"))
    assert response.status_code == 200
    dates = [value for _f, kind, name, value in _pickers(response.content.decode()) if name == "date"]
    assert dates, "the report has a date picker"
    # The duty day starts with the day shift: before it, the report defaults to yesterday's duty day.
    from yingji.duty.choices import Shift
    now = timezone.localtime()
    duty_day = now.date() - dt.timedelta(days=1 if now.hour < Shift.HOURS[Shift.DAY][0] else 0)
    assert dates[0] == duty_day.isoformat()


def test_a_datetime_filter_reads_the_picker_in_local_time(web):
    """``occurred_after=2026-02-22T08:30`` means 08:30 in Asia/Shanghai, not UTC: the boundary falls exactly on the
    incident's own local minute."""
    from yingji.incidents.models import Incident

    client = web("admin")
    incident = Incident.objects.exclude(occurred_at=None).order_by("pk").first()
    local = timezone.localtime(incident.occurred_at, SHANGHAI).replace(second=0, microsecond=0)
    link = f'href="{reverse("incident_detail", args=[incident.pk])}"'
    for after, shown in ((local, True), (local + dt.timedelta(minutes=1), False)):
        before = local + dt.timedelta(minutes=2)
        response = client.get(reverse("incident_list"), {"occurred_after": after.strftime("%Y-%m-%dT%H:%M"),
                                                         "occurred_before": before.strftime("%Y-%m-%dT%H:%M")})
        assert response.status_code == 200
        assert (link in response.content.decode()) is shown, (after, incident.occurred_at)
