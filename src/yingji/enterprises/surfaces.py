"""The declared surfaces of the enterprise registry, rendered by core's generic pages and API (``core.generic``,
``core.crud``): the enterprises' list (table, filters, export), form and API with the one-page archive (一档) as
the detail page; the licences' list and API (a licence is added and edited from its enterprise's archive); the
county's major hazard sources (the units assessed S ≥ 1 under GB 18218) with their list API. The QR code, the Excel
import and the unit's form with its chemicals stay bespoke."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _l

from yingji.core import policy
from yingji.core.models import AuditRecord
from yingji.core.surfaces import EMPTY, Badge, Column, Computed, Coordinates, Phone, Region, Surface, When, register

from . import archive, filters, forms, qrcodes, registers, services
from .choices import (
    CustodianDuty,
    CustodianRole,
    EnterpriseScale,
    EnterpriseStatus,
    LicenceKind,
    LicenceState,
    MajorHazardLevel,
    MineScale,
    MineStatus,
    MiningMethod,
    Sector,
    TailingsGrade,
    TailingsStatus,
    UnitKind,
)
from .models import CustodianCheck, Enterprise, Licence, MajorHazardFiling, Mine, TailingsPond, Unit
from .templatetags.enterprise_tags import licence_state_badge

HISTORY_ROWS = 20


def history(user, obj) -> list | None:
    """The latest audit records of ``obj`` for a page's History card; None when the viewer may not read the audit."""
    if not policy.can(user, "view", AuditRecord):
        return None
    return list(AuditRecord.objects.for_user(user).filter(object_type=obj._meta.label_lower,
                                                          object_id=str(obj.pk))[:HISTORY_ROWS])


# --- enterprises -----------------------------------------------------------------------------------------------


class _Supervisor(Column):
    """The supervising department by its short name in the table; its full name in the export."""

    def text(self, obj, view):
        unit = obj.supervising_unit
        return (unit.short_name or unit.name) if unit is not None else EMPTY


LEGAL_PHONE = Phone("legal_representative_phone", _l("Legal representative phone"), table=False)
PRINCIPAL_PHONE = Phone("principal_phone", _l("Principal responsible person phone"), table=False)
SAFETY_PHONE = Phone("safety_manager_phone", _l("Safety manager phone"), table=False)


def _enterprise_links(request) -> dict:
    return {"links": [(reverse("major_hazard_list"), _l("Major hazard sources")),
                      (reverse("licence_list") + "?state=expiring", _l("Licences expiring"))],
            "import_url": reverse("enterprise_import")}


def _archive(request, enterprise, view) -> dict:
    """The one-page safety archive that the enterprise's QR code opens: responsible persons (numbers through the
    Phone columns, so masked or revealed and audited like every surface), units, licences, registered sections."""
    user = request.user
    units = list(Unit.objects.for_user(user).filter(enterprise=enterprise).prefetch_related("chemicals")
                 .order_by("-is_major", "level", "kind", "name"))
    people = ((_l("Legal representative"), "legal_representative", LEGAL_PHONE),
              (_l("Principal responsible person"), "principal", PRINCIPAL_PHONE),
              (_l("Safety manager"), "safety_manager", SAFETY_PHONE))
    return {
        "enterprise": enterprise,
        "responsible": [(label, getattr(enterprise, name),
                         phone.html(enterprise, view) if phone.value(enterprise) else "")
                        for label, name, phone in people],
        "licences": Licence.objects.for_user(user).filter(enterprise=enterprise).order_by("expires_on", "id"),
        "units": units,
        "major_units": [u for u in units if u.is_major],
        "extra_sections": archive.extra_sections(enterprise, request),
        "archive_url": qrcodes.archive_url(request, enterprise.pk),
        "history": history(user, enterprise),
        "can_add_licence": policy.can(user, "add", Licence),
        "can_change_licence": policy.can(user, "change", Licence),
        "can_add_unit": policy.can(user, "add", Unit),
    }


ENTERPRISES = Surface(
    model=Enterprise, prefix="enterprise", title=_l("Enterprises"), singular=_l("Enterprise"),
    export_name="enterprises",
    subtitle=_l("Enterprises under safety supervision: one code and one file per enterprise."),
    filterset=filters.EnterpriseFilterSet, form=forms.EnterpriseForm,
    create=services.create_enterprise, update=services.update_enterprise,
    create_title=_l("Register an enterprise"), edit_title=_l("Edit enterprise"),
    queryset=lambda: Enterprise.objects.select_related("supervising_unit"),
    columns=[
        Column("name", _l("Name")), Column("credit_code", _l("Unified social credit code")), Region(),
        Column("address", _l("Address"), table=False), Coordinates(),
        Column("industry_section_label", _l("Industry section"), table=False),
        Column("industry_division_label", _l("Industry division"), table=False),
        Column("industry", _l("Industry"), table=False), Badge("sector", _l("Supervision sector"), Sector),
        _Supervisor("supervising_unit", _l("Supervising department"), export_path="supervising_unit.name"),
        Badge("scale", _l("Scale"), EnterpriseScale, table=False), Badge("status", _l("Status"), EnterpriseStatus),
        Badge("major_hazard_level", _l("Major hazard source"), MajorHazardLevel, export=False),
        Column("legal_representative", _l("Legal representative"), table=False), LEGAL_PHONE,
        Column("principal", _l("Principal responsible person"), table=False), PRINCIPAL_PHONE,
        Column("safety_manager", _l("Safety manager")), SAFETY_PHONE, Column("employee_count", _l("Employees")),
        *(Column(name, label, table=False) for name, label in (
            ("hazchem_production", _l("Produces hazardous chemicals")),
            ("hazchem_business", _l("Trades in hazardous chemicals")),
            ("hazchem_use", _l("Uses hazardous chemicals")), ("fireworks", _l("Fireworks")),
            ("non_coal_mine", _l("Non-coal mine")), ("tailings_pond", _l("Tailings pond")),
            ("metallurgy", _l("Metallurgy")), ("ammonia_refrigeration", _l("Ammonia refrigeration")),
            ("combustible_dust", _l("Combustible dust")), ("confined_space", _l("Confined spaces")),
            ("major_hazard", _l("Major hazard source")))),
        Badge("major_hazard_level", _l("Highest major hazard level"), MajorHazardLevel, table=False),
    ],
    list_context=_enterprise_links,
    detail_template="enterprises/enterprise_detail.html", detail_context=_archive,
)


# --- licences --------------------------------------------------------------------------------------------------


class _Validity(Column):
    """Valid, expiring soon (with the days left) or expired, as a coloured badge."""

    plain_export = False

    def text(self, obj, view):
        return LicenceState.label(obj.current_state)

    def html(self, obj, view):
        return licence_state_badge(obj)


LICENCES = Surface(
    model=Licence, prefix="licence", title=_l("Licences and certificates"), singular=_l("Licence or certificate"),
    export_name="licences",
    subtitle=_l("Soonest expiry first: renew before the date, stop operations that run on an expired licence."),
    filterset=filters.LicenceFilterSet, update=services.update_licence,
    queryset=lambda: Licence.objects.select_related("enterprise").order_by("expires_on", "id"),
    # A licence has no page of its own: its row leads to the enterprise's archive, where it is edited.
    row_url=lambda licence: reverse("enterprise_detail", args=[licence.enterprise_id]), detail_page=False,
    columns=[
        Column("enterprise.name", _l("Enterprise")), Column("enterprise.credit_code", _l("Credit code"), table=False),
        Badge("kind", _l("Kind"), LicenceKind), Column("number", _l("Number")), Column("issuer", _l("Issued by")),
        Column("holder", _l("Holder")), Column("issued_on", _l("Issued on"), table=False),
        Column("expires_on", _l("Expires on")), _Validity("state", _l("Validity"), export=False),
        Column("days_left", _l("Days left"), table=False),
    ],
    list_context=lambda request: {"links": [(reverse("enterprise_list"), _l("Enterprises"))],
                                  "table_id": "yj-licence-table"},
)


# --- major hazard sources -------------------------------------------------------------------------------------


def _level_counts(request) -> dict:
    counts = {level: 0 for level in MajorHazardLevel.values()}
    counts.update(MAJOR_HAZARDS.visible(request.user).order_by().values_list("level").annotate(n=Count("id")))
    return {"level_counts": sorted(counts.items()), "table_id": "yj-major-hazard-table",
            "links": [(reverse("major_hazard_calculator"), _l("Calculator")),
                      (reverse("filing_list"), _l("Major hazard filings and custodians"))]}


def _decimals(name: str, places: int):
    def value(unit):
        number = getattr(unit, name)
        return floatformat(number, places) if number is not None else None

    return value


MAJOR_HAZARDS = Surface(
    model=Unit, prefix="major_hazard", title=_l("Major hazard sources"), singular=_l("Major hazard source"),
    export_name="major-hazard-sources",
    subtitle=_l("Units whose hazardous chemicals reach GB 18218-2018 critical quantities, highest level first."),
    filterset=filters.MajorHazardFilterSet,
    queryset=lambda: (Unit.objects.filter(is_major=True).select_related("enterprise")
                      .order_by("level", "enterprise__region_code", "enterprise__name", "name")),
    # A major hazard source is a unit whose assessment says S ≥ 1: its row leads to the unit's page.
    row_url=lambda unit: reverse("unit_detail", args=[unit.pk]), detail_page=False,
    columns=[
        Badge("level", _l("Level"), MajorHazardLevel),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"), Region(),
        Column("name", _l("Unit")), Badge("kind", _l("Kind"), UnitKind),
        Computed("r", "R", _decimals("r_value", 2), export=False), Column("r_value", _l("R value"), table=False),
        Computed("s", "S", _decimals("sum_ratio", 3), export=False),
        Column("sum_ratio", _l("Sum of q/Q"), table=False),
        Column("exposed_population", _l("People exposed within 500 m"), table=False),
        When("assessed_at", _l("Assessed")),
    ],
    list_template="enterprises/major_hazard_list.html", list_context=_level_counts,
)


# --- high-risk registers: tailings ponds and non-coal mines ----------------------------------------------------


def _baseline(request) -> datetime.date:
    """The date the register is compared with (``?baseline=``), by default the first day of this year."""
    raw = request.GET.get("baseline", "")
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate().replace(month=1, day=1)


def _tailings_context(request) -> dict:
    return {"figures": registers.tailings_figures(TAILINGS.visible(request.user), _baseline(request)),
            "table_id": "yj-tailings-table", "links": [(reverse("mine_list"), _l("Non-coal mines"))]}


def _mine_context(request) -> dict:
    return {"figures": registers.mine_figures(MINES.visible(request.user)), "table_id": "yj-mine-table",
            "links": [(reverse("tailings_list"), _l("Tailings ponds"))]}


TAILINGS = Surface(
    model=TailingsPond, prefix="tailings", title=_l("Tailings ponds"), singular=_l("Tailings pond"),
    export_name="tailings-ponds",
    subtitle=_l("Every tailings pond of the county: grade from its design capacity and dam height, its life from "
                "operation to close-out, the people downstream and online monitoring."),
    filterset=filters.TailingsPondFilterSet, form=forms.TailingsPondForm,
    queryset=lambda: TailingsPond.objects.select_related("enterprise").order_by("grade", "enterprise__name", "name"),
    columns=[
        Column("name", _l("Name"), link="self"),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Region("enterprise.region_code"), Badge("grade", _l("Grade"), TailingsGrade),
        Badge("status", _l("Status"), TailingsStatus),
        Column("design_capacity", _l("Design total capacity (10⁴ m³)"), table=False),
        Column("current_capacity", _l("Current stored volume (10⁴ m³)"), table=False),
        Column("design_dam_height", _l("Design dam height (m)")),
        Column("current_dam_height", _l("Current dam height (m)")),
        Column("head_top", _l("Head-top pond")), Column("downstream_villages", _l("Villages downstream"),
                                                        table=False),
        Column("downstream_population", _l("People downstream")),
        Column("online_monitoring", _l("Online monitoring")),
        Computed("monitoring_required", _l("Online monitoring required"),
                 lambda p: gettext("Yes") if p.monitoring_required else gettext("No"), table=False),
        Column("registered_on", _l("In use since"), table=False), Column("closed_on", _l("Closed (闭库) on"),
                                                                        table=False),
        Column("closed_out_on", _l("Closed out (销库) on"), table=False),
    ],
    list_template="enterprises/tailings_list.html", list_context=_tailings_context,
)

MINES = Surface(
    model=Mine, prefix="mine", title=_l("Non-coal mines"), singular=_l("Non-coal mine"), export_name="mines",
    subtitle=_l("Non-coal mines: mining licence, scale and method, design service life and online monitoring."),
    filterset=filters.MineFilterSet, form=forms.MineForm,
    queryset=lambda: Mine.objects.select_related("enterprise").order_by("enterprise__name", "name"),
    columns=[
        Column("name", _l("Name"), link="self"),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Region("enterprise.region_code"), Column("mineral", _l("Mineral")),
        Badge("method", _l("Mining method"), MiningMethod), Badge("scale", _l("Scale"), MineScale),
        Badge("status", _l("Status"), MineStatus), Column("licence_no", _l("Mining licence number"), table=False),
        Column("licence_expires", _l("Mining licence expires")),
        Badge("licence_state", _l("Validity"), LicenceState),
        Column("design_output", _l("Design output (10⁴ t/year)"), table=False),
        Column("service_life_years", _l("Design service life (years)"), table=False),
        Column("production_started", _l("Production started"), table=False),
        Column("service_ends", _l("Service life ends")), Column("online_monitoring", _l("Online monitoring")),
    ],
    list_template="enterprises/mine_list.html", list_context=_mine_context,
)


# --- major hazard filings and their custodians ------------------------------------------------------------------


def _with_last_checks():
    last = {f"last_{role}": Max("checks__date", filter=Q(checks__role=role)) for role in CustodianRole.values()}
    return (MajorHazardFiling.objects.select_related("unit", "enterprise").annotate(**last)
            .order_by("unit__level", "enterprise__name", "unit__name"))



def _duty_counts(request) -> dict:
    # Each filing's date and its custodians' last checks only (not the joined unit and enterprise of the list).
    filings = list(FILINGS.visible(request.user).select_related(None).only("id", "filed_on"))
    today = timezone.localdate()
    missed = {role: sum(f.duty(role, today) == CustodianDuty.MISSED for f in filings)
              for role in CustodianRole.values()}
    unfiled = Unit.objects.filter(policy.scope_q(request.user, Unit), is_major=True, filing__isnull=True).count()
    return {"missed": [(CustodianRole.label(role), n) for role, n in missed.items()], "unfiled": unfiled,
            "table_id": "yj-filing-table", "links": [(reverse("custodian_check_list"), _l("Custodian checks")),
                                                     (reverse("major_hazard_list"), _l("Major hazard sources"))]}


FILINGS = Surface(
    model=MajorHazardFiling, prefix="filing", title=_l("Major hazard filings and custodians"),
    singular=_l("Major hazard filing"), export_name="major-hazard-filings",
    subtitle=_l("Each major hazard source filed with the bureau, its three custodians and whether each has made "
                "the check due this quarter, month and week."),
    filterset=filters.MajorHazardFilingFilterSet, form=forms.MajorHazardFilingForm, create=services.create_filing,
    queryset=_with_last_checks,
    columns=[
        Column("unit", _l("Major hazard source"), link="self", export_path="unit.name"),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Region("enterprise.region_code"), Badge("unit.level", _l("Level"), MajorHazardLevel),
        Column("filing_no", _l("Filing number")), Column("filed_on", _l("Filed on")),
        Column("principal", _l("Principal custodian")), Phone("principal_phone", _l("Principal custodian's phone"),
                                                                 table=False),
        Badge("principal_duty", _l("Quarterly check"), CustodianDuty),
        Column("technical", _l("Technical custodian")), Phone("technical_phone", _l("Technical custodian's phone"),
                                                                 table=False),
        Badge("technical_duty", _l("Monthly check"), CustodianDuty),
        Column("operational", _l("Operational custodian")),
        Phone("operational_phone", _l("Operational custodian's phone"), table=False),
        Badge("operational_duty", _l("Weekly check"), CustodianDuty),
    ],
    related={"checks": lambda: CustodianCheck.objects.order_by("-date", "-id")},
    detail_template="enterprises/filing_detail.html",
    detail_context=lambda request, filing, view: {"can_record": policy.can(request.user, "add", CustodianCheck)},
    list_template="enterprises/filing_list.html", list_context=_duty_counts,
)

CHECKS = Surface(
    model=CustodianCheck, prefix="custodian_check", title=_l("Custodian checks"), singular=_l("Custodian check"),
    export_name="custodian-checks",
    subtitle=_l("The checks the custodians of the major hazard sources record: quarterly, monthly and weekly."),
    filterset=filters.CustodianCheckFilterSet, form=forms.CustodianCheckForm, create=services.record_custodian_check,
    queryset=lambda: CustodianCheck.objects.select_related("filing__unit", "enterprise"),
    columns=[
        Column("date", _l("Date")), Column("filing.unit", _l("Major hazard source"), link="filing",
                                           export_path="filing.unit.name"),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Badge("role", _l("Custodian"), CustodianRole), Column("person", _l("Checked by")),
        Column("hazards_found", _l("Hazards found")), Column("findings", _l("Findings"), table=False),
    ],
    row_url=lambda check: reverse("filing_detail", args=[check.filing_id]), detail_page=False,
)


def register_all() -> None:
    register(ENTERPRISES, LICENCES, MAJOR_HAZARDS, TAILINGS, MINES, FILINGS, CHECKS)
