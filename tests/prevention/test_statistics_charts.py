"""Issue 12 §4: the hazard statistics and the four-colour distribution draw their tables as charts (the tables and
exports stay): the chart's numbers are the table's."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def _spec(html: str, spec_id: str) -> dict:
    match = re.search(rf'<script id="{spec_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, spec_id
    return json.loads(match.group(1))


@pytest.mark.parametrize("group_by", ["township", "month"])
def test_hazard_statistics_chart_is_the_table(web, demo_county, group_by):
    response = web("section").get("/hazards/statistics/", {"group_by": group_by})
    html = response.content.decode()
    table = response.context["table"]
    spec = _spec(html, "yj-hazard-chart")
    assert "vendor/echarts/echarts.min.js" in html and 'id="yj-statistics-table"' in html
    found = dict(zip(spec["categories"], spec["series"][0]["data"], strict=True))
    rows = {str(r["label"]): r for r in table.rows}
    assert found and all(rows[label]["found"] == n for label, n in found.items())
    assert [s["color"] for s in spec["series"]] == ["orange", "green", "red"]
    assert len(spec["categories"]) == min(len(table.rows), 20)


def test_risk_distribution_chart_stacks_the_four_colours(web, demo_county):
    response = web("section").get("/risks/distribution/")
    spec = _spec(response.content.decode(), "yj-risk-chart")
    total = response.context["total"]
    assert spec["type"] == "stacked_bar" and [s["color"] for s in spec["series"]] == ["red", "orange", "yellow",
                                                                                     "blue"]
    assert [sum(s["data"]) for s in spec["series"]] == [total[c] for c in ("red", "orange", "yellow", "blue")]
