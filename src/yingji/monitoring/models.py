"""Monitoring data: stations and their sensors, readings (own table, append-only data), the latest value per
sensor, rolling-sum buckets (the incremental rule state), rules as data, alarms and their timeline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import ALL_ROLES, CRUD, Scoped, region_code_validator
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from .choices import AlarmEventKind, AlarmLevel, AlarmState, RuleKind, StationStatus, StationType, sensor_key_label

#: Roles that handle alarms (acknowledge, close) and may feed readings on behalf of gateways.
ALARM_HANDLERS = frozenset({Role.ADMIN, Role.DUTY_OFFICER, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF, Role.COMMANDER})
INGEST_ROLES = {Role.ADMIN, Role.DUTY_OFFICER, Role.SECTION_STAFF, Role.ENTERPRISE_USER}
#: Rolling accumulations are kept in buckets of this many seconds (the resolution of the rolling windows).
BUCKET_SECONDS = 300
WINDOW_HOURS = (1, 3, 6, 12, 24)


class Station(Scoped):
    """A monitoring station (监测站点): rain gauge, water level, tailings pond, gas, tank, geohazard point, wind,
    video. Enterprise stations are also visible to that enterprise's accounts."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    type = models.CharField(_("type"), max_length=16, choices=StationType.choices(), db_index=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("owner enterprise"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="stations")
    status = models.CharField(_("status"), max_length=16, choices=StationStatus.choices(),
                              default=StationStatus.ACTIVE, db_index=True)
    expected_interval = models.PositiveIntegerField(_("expected reporting interval (s)"), default=300,
                                                    validators=[MinValueValidator(10),
                                                                MaxValueValidator(7 * 86400)])
    last_reading_at = models.DateTimeField(_("last reading"), null=True, blank=True, db_index=True)
    video_url = models.URLField(_("video link"), blank=True)
    #: Characteristic levels of a river or reservoir station (m, the station's own datum): 警戒水位 and 保证水位 of
    #: a river, 汛限水位 of a reservoir; the flood situation page compares the latest level with them.
    warning_level = models.FloatField(_("warning level (m)"), null=True, blank=True)
    guarantee_level = models.FloatField(_("guaranteed level (m)"), null=True, blank=True)
    flood_limit_level = models.FloatField(_("flood-limit level (m)"), null=True, blank=True)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: CRUD | {"ingest"}, Role.SECTION_STAFF: {"view", "add", "change", "ingest"},
                 Role.DUTY_OFFICER: {"view", "ingest"}, Role.ENTERPRISE_USER: {"view", "ingest"}})

    class Meta:
        ordering = ["code"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        from yingji.core.models import Region

        errors = {}
        if self.region_code and not Region.objects.filter(code=self.region_code).exists():
            errors["region_code"] = _("No region has code %(code)s.") % {"code": self.region_code}
        ent_code = self.enterprise.region_code if self.enterprise_id else ""
        if ent_code and self.region_code and not (ent_code.startswith(self.region_code)
                                                  or self.region_code.startswith(ent_code)):
            errors["enterprise"] = _("The enterprise lies outside the station's region.")
        if (self.lat is None) != (self.lon is None):
            errors["lat" if self.lat is None else "lon"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)


class Sensor(models.Model):
    """One measured quantity of a station, with its unit and valid range (readings outside it are rejected)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="sensors")
    key = models.SlugField(_("key"), max_length=32)
    name = models.CharField(_("name"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    valid_min = models.FloatField(_("valid minimum"), null=True, blank=True)
    valid_max = models.FloatField(_("valid maximum"), null=True, blank=True)
    #: Values are increments to accumulate (rain per interval), so rolling sums are kept for this sensor.
    cumulative = models.BooleanField(_("accumulate over rolling windows"), default=False)

    class Meta:
        ordering = ["station_id", "key"]
        constraints = [models.UniqueConstraint(fields=["station", "key"], name="sensor_unique_key")]
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")

    def __str__(self) -> str:
        return f"{self.station.code}/{self.key}"

    @property
    def label(self) -> str:
        """The sensor's own name, else the common name of its key."""
        return self.name or sensor_key_label(self.key)


class Reading(models.Model):
    """One measurement. Data, not a domain edit: stored in bulk, never audited one by one. The unique keys make
    re-sent batches and broker redeliveries store nothing twice."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+", db_index=False)
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="readings", db_index=False)
    ts = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"))
    client_id = models.CharField(_("client message id"), max_length=64, null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sensor", "ts"], name="reading_unique_sensor_ts"),
            models.UniqueConstraint(fields=["client_id"], condition=Q(client_id__isnull=False),
                                    name="reading_unique_client_id"),
        ]
        indexes = [models.Index(fields=["station", "ts"], name="reading_station_ts_idx")]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.ts:%Y-%m-%d %H:%M:%S}={self.value}"


class LatestValue(models.Model):
    """The newest reading of each sensor (and the one before, for the rate of change), for dashboards."""

    sensor = models.OneToOneField(Sensor, on_delete=models.CASCADE, primary_key=True, related_name="latest")
    ts = models.DateTimeField()
    value = models.FloatField()
    prev_ts = models.DateTimeField(null=True, blank=True)
    prev_value = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.sensor_id}={self.value}"


class SensorBucket(models.Model):
    """Sum of a cumulative sensor's readings in one ``BUCKET_SECONDS`` bucket: the rolling windows are sums of at
    most 24 h of buckets, kept up to date as readings arrive (no re-scan of raw readings)."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="+", db_index=False)
    start = models.DateTimeField()
    total = models.FloatField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sensor", "start"], name="bucket_unique_sensor_start")]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.start:%Y-%m-%d %H:%M}={self.total}"


class Rule(Scoped):
    """An alarm rule (data, editable by staff). It applies to every sensor with ``sensor_key`` on stations of
    ``station_type`` (or one ``station``). A station's rule lies in the station's scope; a rule by station type
    applies county-wide, so every staff account sees it but only county-wide accounts change it."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices())
    station_type = models.CharField(_("station type"), max_length=16, choices=StationType.choices(), blank=True)
    station = models.ForeignKey(Station, verbose_name=_("station"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="rules")
    sensor_key = models.SlugField(_("sensor key"), max_length=32, blank=True)
    window_hours = models.PositiveSmallIntegerField(_("window (hours)"), null=True, blank=True,
                                                    choices=[(h, f"{h} h") for h in WINDOW_HOURS])
    threshold = models.FloatField(_("threshold"), null=True, blank=True,
                                  help_text=_("above/below: the value; rolling: the sum; rate: change per hour; "
                                              "no data: missed intervals"))
    level = models.CharField(_("level"), max_length=8, choices=AlarmLevel.choices(), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    SCOPE_REGION_FIELD = None
    # Rules are the bureau's configuration; a village grid member has no use for them.
    GRANTS = ({role: {"view"} for role in ALL_ROLES - {Role.ENTERPRISE_USER, Role.GRID_MEMBER}}
              | {Role.ADMIN: {"view", "add", "change"}, Role.SECTION_STAFF: {"view", "add", "change"},
                 Role.ENTERPRISE_USER: {"view"}})

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    @property
    def sensor_label(self) -> str:
        return sensor_key_label(self.sensor_key)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q_for(cls, user) -> Q:
        """County-wide rules (by station type) for every account; a station's rules within the station's scope."""
        if user.enterprise_id:
            return Q(station__enterprise_id=user.enterprise_id)
        if not user.scope_region_code:
            return Q(pk__in=[])
        return Q(station__isnull=True) | Q(station__region_code__startswith=user.scope_prefix)

    def clean(self) -> None:
        errors = {}
        if self.kind != RuleKind.NO_DATA and not self.sensor_key:
            errors["sensor_key"] = _("This kind of rule needs a sensor key.")
        if self.kind == RuleKind.ROLLING_SUM and self.window_hours not in WINDOW_HOURS:
            errors["window_hours"] = _("Choose a window of 1, 3, 6, 12 or 24 hours.")
        if self.kind != RuleKind.RAINSTORM:
            if self.threshold is None:
                errors["threshold"] = _("This kind of rule needs a threshold.")
            if not self.level:
                errors["level"] = _("This kind of rule needs a level.")
        if errors:
            raise ValidationError(errors)


class Alarm(Scoped, Versioned):
    """An alarm raised by a rule at a station. Repeated triggers update the open alarm; escalation to a higher
    level is recorded in its events; people acknowledge and close it (``services.ALARM_WORKFLOW``)."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE,
                                related_name="alarms")
    sensor = models.ForeignKey(Sensor, verbose_name=_("sensor"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="alarms")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    level = models.CharField(_("level"), max_length=8, choices=AlarmLevel.choices(), db_index=True)
    #: The level's rank (red 4 … blue 1), kept by the database: alarms are triaged by it, then by time.
    severity = models.GeneratedField(
        expression=Case(*(When(level=level, then=Value(rank)) for level, rank in AlarmLevel.RANK.items()),
                        default=Value(0)),
        output_field=models.PositiveSmallIntegerField(), db_persist=True, verbose_name=_("severity"))
    state = models.CharField(_("state"), max_length=16, choices=AlarmState.choices(), default=AlarmState.OPEN,
                             db_index=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    first_value = models.FloatField(_("first value"), null=True, blank=True)
    first_at = models.DateTimeField(_("first triggered"))
    last_value = models.FloatField(_("last value"), null=True, blank=True)
    last_at = models.DateTimeField(_("last triggered"))
    trigger_count = models.PositiveIntegerField(_("triggers"), default=1)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    #: The incident opened from this alarm (through the incidents services), if any.
    incident = models.ForeignKey("incidents.Incident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = {role: {"view"} for role in ALL_ROLES}

    class Meta:
        #: Triage order (list page, API, duty console): most severe first, then newest first.
        ordering = ["-severity", "-raised_at", "-id"]
        indexes = [models.Index(fields=["-severity", "-raised_at"], name="alarm_triage_idx")]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [models.UniqueConstraint(fields=["rule", "station"],
                                               condition=Q(state__in=list(AlarmState.ACTIVE)),
                                               name="alarm_one_active_per_rule_station")]

    def __str__(self) -> str:
        return f"{self.station.name}: {self.rule.name} ({self.level})"

    @property
    def value_text(self) -> str:
        """The last value with its unit, as the rule measures it (for lists and the console; select the rule and
        sensor with the alarm): "5.62 m", "0.84 m/h", "45.2 mm in 1 h", "12 min without data"."""
        from django.utils.translation import gettext

        value = self.last_value
        if value is None:
            return "—"
        number = f"{value:.3f}".rstrip("0").rstrip(".")
        unit = self.sensor.unit if self.sensor_id else ""
        kind = self.rule.kind
        if kind == RuleKind.NO_DATA:
            return gettext("%(minutes)s min without data") % {"minutes": f"{value:.0f}"}
        if kind == RuleKind.RATE:
            return gettext("%(value)s %(unit)s/h") % {"value": number, "unit": unit}
        if kind == RuleKind.ROLLING_SUM:
            return gettext("%(value)s %(unit)s in %(hours)s h") % {"value": number, "unit": unit,
                                                                  "hours": self.rule.window_hours}
        if kind == RuleKind.RAINSTORM:
            return gettext("%(value)s %(unit)s in 3 h") % {"value": number, "unit": unit or "mm"}
        return f"{number} {unit}".strip()


class AlarmEvent(TimelineEvent):
    """The alarm's timeline: raised, escalated, acknowledged, closed (with the person's note), with the level and
    the value at that moment."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=AlarmEventKind.choices())
    level = models.CharField(_("level"), max_length=8, choices=AlarmLevel.choices(), blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)

    class Meta(TimelineEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.kind}"


class HourlyAggregate(models.Model):
    """Hourly summary of one sensor's readings (count, min, max, sum, mean), kept after the raw readings are
    pruned (``retention``): years of history at 1/12 of the rows of 5-minute data."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="+", db_index=False)
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("readings"))
    min = models.FloatField(_("minimum"))
    max = models.FloatField(_("maximum"))
    sum = models.FloatField(_("sum"))

    class Meta:
        ordering = ["sensor_id", "hour"]
        constraints = [models.UniqueConstraint(fields=["sensor", "hour"], name="hourly_unique_sensor_hour")]
        indexes = [models.Index(fields=["hour"], name="hourly_hour_idx")]
        verbose_name = _("hourly aggregate")
        verbose_name_plural = _("hourly aggregates")

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.hour:%Y-%m-%d %H}h n={self.count}"

    @property
    def mean(self) -> float:
        return self.sum / self.count if self.count else 0.0
