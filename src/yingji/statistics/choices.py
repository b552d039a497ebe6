"""The indicators of the annual statistics a figure may be entered for by hand (years before the platform)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class Indicator(ChoiceSet):
    """``section.figure`` of the annual answer, with its label; the order is the report's."""

    NAME = "annual_indicator"
    FIELDS = (("statistics.historicalfigure", "indicator"),)
    CHOICES = (
        ("teams.count", _("Rescue teams"), "primary"),
        ("teams.headcount", _("Rescue team members"), "primary"),
        ("drills.count", _("Drills held"), "primary"),
        ("drills.participants", _("Drill participants"), "primary"),
        ("training.sessions", _("Training sessions"), "primary"),
        ("training.trainees", _("People trained"), "primary"),
        ("publicity.events", _("Publicity activities"), "primary"),
        ("publicity.participants", _("Publicity participants"), "primary"),
        ("publicity.materials", _("Publicity materials handed out"), "primary"),
        ("inspections.planned", _("Inspections planned"), "primary"),
        ("inspections.done", _("Inspections done"), "primary"),
        ("hazards.found", _("Hazards found"), "primary"),
        ("hazards.closed", _("Hazards closed"), "primary"),
        ("hazards.major", _("Major hazards"), "primary"),
        ("enforcement.cases", _("Penalty cases filed"), "primary"),
        ("enforcement.fines_yuan", _("Fines decided (CNY)"), "primary"),
        ("incidents.count", pgettext_lazy("annual statistics", "Incidents"), "primary"),
        ("incidents.deaths", _("Deaths in incidents"), "primary"),
        ("warnings.published", _("Warnings published"), "primary"),
        ("warnings.recipients", _("Warning recipients"), "primary"),
        ("alarms.count", _("Alarms raised"), "primary"),
        ("shelters.count", _("Emergency shelters"), "primary"),
        ("shelters.capacity", _("Shelter capacity (persons)"), "primary"),
    )


def flat(result: dict) -> dict[str, int | None]:
    """The computed answer's figures by indicator (``None`` where the section is not available; sections not
    computed are left out)."""
    out: dict[str, int | None] = {}
    for key in Indicator.values():
        section, figure = key.split(".")
        if section in result:
            block = result[section]
            out[key] = None if block is None else block.get(figure)
    return out
