"""The home pages' cross-area panels and trend (issue 12 §2), from the same functions as the big screen
(``statistics.screen``): open incidents with their reporting clocks, who is on duty now, and hazards found vs
closed by month. The counts with links are the areas' own tiles (each app's ``home.py``)."""

from __future__ import annotations

from yingji.core.home import list_url, register_chart, register_panel

from . import screen


def incidents_panel(user, now):
    data = screen.incidents(user, now)
    if not data["rows"]:
        return None
    return {**data, "more_url": list_url("incident_list", open=True)}


def duty_panel(user, now):
    rows = screen.duty(user, now)
    return {"rows": rows} if rows else None


def hazards_chart(user, now):
    months = screen.hazards(user, now)["by_month"]
    return screen.hazards_chart(months) if months else None


def register() -> None:
    register_panel("incidents", incidents_panel, template="statistics/home_incidents.html",
                   audiences=("desk", "local"), order=10)
    register_panel("duty", duty_panel, template="statistics/home_duty.html", audiences=("desk", "local"), order=40)
    register_chart("hazards_by_month", hazards_chart, audiences=("desk", "section", "local", "enterprise"), order=20)
