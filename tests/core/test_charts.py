"""The chart spec builders (core.charts): the contract the chart helper draws."""

from __future__ import annotations

import pytest
from django.utils import translation

from yingji.core import charts


def test_line_and_bar_specs():
    spec = charts.line(["01", "02"], [charts.series("报警", [3, None], color="orange")], title="趋势", unit="次")
    assert spec == {"type": "line", "title": "趋势", "unit": "次", "categories": ["01", "02"],
                    "series": [{"name": "报警", "data": [3, None], "color": "orange"}], "empty": spec["empty"]}
    assert charts.bar(["a"], [charts.series("x", [1])], stacked=True)["type"] == "stacked_bar"
    assert charts.bar(["a"], [charts.series("x", [1])], horizontal=True)["type"] == "hbar"


def test_thresholds_links_and_level_pie():
    spec = charts.line(["t1", "t2"], [charts.series("水位", [1.5, 2.25])], time=True,
                       thresholds=[{"name": "警戒", "value": 2.0, "color": "orange"}])
    assert spec["time"] is True and spec["thresholds"] == [{"name": "警戒", "value": 2.0, "color": "orange"}]
    pie = charts.level_pie(["重大", "较大", "一般", "低"], [1, 2, 3, 4], links=["/r", "/o", "/y", "/b"])
    assert pie["type"] == "donut" and pie["colors"] == ["red", "orange", "yellow", "blue"]
    assert pie["series"][0]["data"] == [1, 2, 3, 4] and pie["links"][0] == "/r"


def test_empty_placeholder_is_chinese():
    with translation.override("zh-hans"):
        assert charts.line([], [])["empty"] == "暂无数据"


@pytest.mark.parametrize("bad", [
    lambda: charts.chart("radar", [], []),
    lambda: charts.line(["a", "b"], [charts.series("x", [1])]),
    lambda: charts.pie(["a"], [1], links=["/1", "/2"]),
    lambda: charts.series("x", [1], kind="area"),
])
def test_bad_specs_are_refused(bad):
    with pytest.raises(ValueError):
        bad()
