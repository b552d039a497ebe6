"""Resources in the figures by area (core.rollup): rescue teams and shelter places of each county or township."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from yingji.core import rollup

from .surfaces import SHELTERS, TEAMS


def register() -> None:
    rollup.register_indicator(rollup.surface_indicator("teams", gettext_lazy("Rescue teams"), TEAMS, order=80))
    rollup.register_indicator(rollup.surface_indicator("shelters", gettext_lazy("Emergency shelters"), SHELTERS,
                                                       order=81))
