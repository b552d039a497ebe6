"""Choice sets of the pre-flood-season checks (汛前大排查)."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class CheckResult(ChoiceSet):
    NAME = "flood_check_result"
    FIELDS = (("disasters.floodcheckrecord", "result"),)
    PASSED = "passed"
    PROBLEMS = "problems"
    CHOICES = (
        (PASSED, pgettext_lazy("check result", "No problems found"), "success"),
        (PROBLEMS, pgettext_lazy("check result", "Problems found"), "danger"),
    )


class RoundState(ChoiceSet):
    NAME = "flood_check_round_state"
    FIELDS = ()
    PLANNED = "planned"
    RUNNING = "running"
    ENDED = "ended"
    CHOICES = (
        (PLANNED, pgettext_lazy("check round", "Not started"), "secondary"),
        (RUNNING, pgettext_lazy("check round", "Under way"), "warning"),
        (ENDED, pgettext_lazy("check round", "Ended"), "dark"),
    )
