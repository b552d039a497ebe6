"""Choice sets of monitoring: station types and states, rule kinds, alarm levels and states."""

from django.utils.translation import gettext_lazy as _

from yingji.core.choices import ChoiceSet


class StationType(ChoiceSet):
    FIELDS = (("monitoring.station", "type"),)
    RAIN = "rain"
    WATER_LEVEL = "water_level"
    TAILINGS = "tailings"
    GAS = "gas"
    TANK = "tank"
    GEOHAZARD = "geohazard"
    WIND = "wind"
    VIDEO = "video"
    CHOICES = (
        (RAIN, _("Rain gauge"), "primary"),
        (WATER_LEVEL, _("River / reservoir water level"), "info"),
        (TAILINGS, _("Tailings pond"), "warning"),
        (GAS, _("Gas concentration"), "danger"),
        (TANK, _("Tank (major hazard source)"), "danger"),
        (GEOHAZARD, _("Geological hazard point"), "warning"),
        (WIND, _("Wind"), "secondary"),
        (VIDEO, _("Video (link only)"), "light"),
    )


class StationStatus(ChoiceSet):
    FIELDS = (("monitoring.station", "status"),)
    ACTIVE = "active"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"
    CHOICES = (
        (ACTIVE, _("Active"), "success"),
        (MAINTENANCE, _("Under maintenance"), "warning"),
        (RETIRED, _("Retired"), "secondary"),
    )


class RuleKind(ChoiceSet):
    ABOVE = "above"
    BELOW = "below"
    ROLLING_SUM = "rolling_sum"
    RAINSTORM = "rainstorm"
    RATE = "rate"
    NO_DATA = "no_data"
    CHOICES = (
        (ABOVE, _("Threshold: above"), "danger"),
        (BELOW, _("Threshold: below"), "info"),
        (ROLLING_SUM, _("Rolling accumulation"), "primary"),
        (RAINSTORM, _("Rainstorm signal (national thresholds)"), "danger"),
        (RATE, _("Rate of change"), "warning"),
        (NO_DATA, _("No data (station offline)"), "secondary"),
    )


class AlarmLevel(ChoiceSet):
    """Four colours of 突发事件预警级别: red most severe."""
    FIELDS = (("monitoring.alarm", "level"), ("monitoring.alarmevent", "level"))

    BLUE = "blue"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"
    CHOICES = (
        (BLUE, _("Blue"), "blue"),
        (YELLOW, _("Yellow"), "yellow"),
        (ORANGE, _("Orange"), "orange"),
        (RED, _("Red"), "red"),
    )
    RANK = {BLUE: 1, YELLOW: 2, ORANGE: 3, RED: 4}


class AlarmState(ChoiceSet):
    FIELDS = (("monitoring.alarm", "state"),)
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"
    CHOICES = (
        (OPEN, _("Open"), "danger"),
        (ACKNOWLEDGED, _("Acknowledged"), "warning"),
        (CLOSED, _("Closed"), "secondary"),
    )
    ACTIVE = (OPEN, ACKNOWLEDGED)


class AlarmEventKind(ChoiceSet):
    FIELDS = (("monitoring.alarmevent", "kind"),)
    RAISED = "raised"
    ESCALATED = "escalated"
    ACKNOWLEDGE = "acknowledge"
    CLOSE = "close"
    INCIDENT = "incident"
    WARNING = "warning"
    CHOICES = (
        (RAISED, _("Raised"), "danger"),
        (ESCALATED, _("Escalated"), "danger"),
        (ACKNOWLEDGE, _("Acknowledged"), "warning"),
        (CLOSE, _("Closed"), "secondary"),
        (INCIDENT, _("Incident opened"), "dark"),
        (WARNING, _("Warning drafted"), "primary"),
    )


#: Names of the common sensor keys, for sensors and rules that do not carry a name of their own.
SENSOR_KEY_LABELS = {
    "rain": _("Rainfall"), "water_level": _("Water level"), "phreatic_depth": _("Phreatic line depth"),
    "displacement": _("Displacement"), "pond_level": _("Pond water level"), "gas": _("Combustible gas"),
    "pressure": _("Pressure"), "temperature": _("Temperature"), "level": _("Liquid level"),
    "wind_speed": _("Wind speed"),
}


def sensor_key_label(key: str) -> str:
    """A sensor key as a reader sees it (水位 for ``water_level``); an unknown key is shown as it is."""
    return str(SENSOR_KEY_LABELS.get(key, key or ""))
