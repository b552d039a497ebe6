"""Template helpers that pages call row after row: the ``date`` filter of ``core.templatetags.fast_dates`` writes what
Django's writes; ``choice_badge`` keeps the badges it drew."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template, defaultfilters
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.core.templatetags import fast_dates

FORMATS = [*fast_dates.DATE_FORMATS, *fast_dates.TIME_FORMATS, "Y年n月j日", "l", "YEAR_MONTH_FORMAT", None]
moments = st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59))


@settings(max_examples=300, deadline=None)
@given(moment=moments, fmt=st.sampled_from(FORMATS), as_date=st.booleans())
def test_the_same_text_as_djangos_filter(moment, fmt, as_date):
    value = moment.date() if as_date else moment
    with translation.override("zh-hans"):
        try:
            expected = defaultfilters.date(value, fmt)
        except TypeError:  # Django refuses a time of day for a date: so must the fast filter
            with pytest.raises(TypeError):
                fast_dates.date(value, fmt)
            return
        assert fast_dates.date(value, fmt) == expected


def test_templates_use_it_with_the_local_time():
    """An aware time is made local by the template first (Asia/Shanghai): 2026-12-31 16:30 UTC is New Year."""
    moment = datetime.datetime(2026, 12, 31, 16, 30, 5, tzinfo=datetime.UTC)
    text = Template('{{ t|date:"Y-m-d H:i:s" }}|{{ t|date:"m-d H:i" }}|{{ t|date:"Y-m-d" }}|{{ d|date:"Y-m-d" }}|'
                    '{{ none|date:"Y-m-d" }}|{{ t|date:"Y年n月j日" }}').render(
        Context({"t": moment, "d": datetime.date(2026, 2, 3), "none": None}))
    assert text == "2027-01-01 00:30:05|01-01 00:30|2027-01-01|2026-02-03||2027年1月1日"
    assert timezone.localtime(moment).tzinfo == ZoneInfo("Asia/Shanghai")
    assert Template("{{ t|date:'Y-m-d' }}").engine.template_builtins[-1].filters["date"] is fast_dates.date


def test_a_badge_is_drawn_once_per_value_and_language(demo_county):
    from yingji.core.templatetags import yingji_tags
    from yingji.prevention.models import Hazard

    first, second = Hazard.objects.filter(state="closed")[:2]
    with translation.override("zh-hans"):
        chinese = yingji_tags.choice_badge(first, "state")
        assert yingji_tags.choice_badge(second, "state") is chinese  # the kept one
        assert "已销号" in chinese and "text-bg-" in chinese
    with translation.override("en"):
        english = yingji_tags.choice_badge(second, "state")
    assert english != chinese and "Closed" in english
    first.state = "no such state"
    assert yingji_tags.choice_badge(first, "state").count("no such state") == 1  # drawn as stored, not kept
    assert (Hazard, "state", "no such state", "zh-hans") not in yingji_tags._badges
