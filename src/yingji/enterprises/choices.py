from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class EnterpriseStatus(ChoiceSet):
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    CHOICES = (
        (OPERATING, _("Operating"), "success"),
        (SUSPENDED, _("Production suspended"), "warning"),
        (CLOSED, _("Closed"), "secondary"),
    )


class EnterpriseScale(ChoiceSet):
    """规上/规下: whether the enterprise is above the statistical designated size (规模以上)."""

    ABOVE = "above"
    BELOW = "below"
    CHOICES = (
        (ABOVE, _("Above designated size"), "primary"),
        (BELOW, _("Below designated size"), "secondary"),
    )


class Sector(ChoiceSet):
    """The supervision sector (监管行业) that decides which section of the bureau watches the enterprise: the
    high-risk sectors, and the eight industry-and-trade sectors (工贸行业) named in the bureau's duties."""

    HAZARDOUS_CHEMICALS = "hazardous_chemicals"
    FIREWORKS = "fireworks"
    NON_COAL_MINING = "non_coal_mining"
    METALLURGY = "metallurgy"
    NONFERROUS = "nonferrous"
    BUILDING_MATERIALS = "building_materials"
    MACHINERY = "machinery"
    LIGHT_INDUSTRY = "light_industry"
    TEXTILE = "textile"
    TOBACCO = "tobacco"
    COMMERCE = "commerce"
    OTHER = "other"
    CHOICES = (
        (HAZARDOUS_CHEMICALS, _("Hazardous chemicals"), "danger"),
        (FIREWORKS, _("Fireworks"), "danger"),
        (NON_COAL_MINING, _("Non-coal mining"), "warning"),
        (METALLURGY, _("Metallurgy"), "primary"),
        (NONFERROUS, _("Non-ferrous metals"), "primary"),
        (BUILDING_MATERIALS, _("Building materials"), "primary"),
        (MACHINERY, _("Machinery"), "primary"),
        (LIGHT_INDUSTRY, _("Light industry"), "info"),
        (TEXTILE, _("Textiles"), "info"),
        (TOBACCO, _("Tobacco"), "info"),
        (COMMERCE, _("Commerce and trade"), "info"),
        (OTHER, _("Other"), "secondary"),
    )


class UnitKind(ChoiceSet):
    """GB 18218-2018 §3: identification is done per production unit (生产单元) or storage unit (储存单元)."""

    PRODUCTION = "production"
    STORAGE = "storage"
    CHOICES = (
        (PRODUCTION, _("Production unit"), "primary"),
        (STORAGE, _("Storage unit"), "info"),
    )


class MajorHazardLevel(ChoiceSet):
    """GB 18218-2018 Table 6: level 1 (一级) is the highest."""
    FIELDS = (("enterprises.enterprise", "major_hazard_level"), ("enterprises.unit", "level"),
              ("enterprises.majorhazardassessment", "level"))

    CHOICES = (
        (1, _("Level 1"), "danger"),
        (2, _("Level 2"), "warning"),
        (3, _("Level 3"), "primary"),
        (4, _("Level 4"), "info"),
    )


class LicenceKind(ChoiceSet):
    """Licences and certificates an enterprise must hold and keep valid."""

    SAFETY_PRODUCTION = "safety_production"
    HAZCHEM_BUSINESS = "hazchem_business"
    HAZCHEM_USE = "hazchem_use"
    FIREWORKS_BUSINESS = "fireworks_business"
    MINE_SAFETY = "mine_safety"
    STANDARDISATION = "standardisation"
    PRINCIPAL_TRAINING = "principal_training"
    SAFETY_MANAGER_TRAINING = "safety_manager_training"
    SPECIAL_OPERATION = "special_operation"
    OTHER = "other"
    CHOICES = (
        (SAFETY_PRODUCTION, _("Work safety licence"), "danger"),
        (HAZCHEM_BUSINESS, _("Hazardous chemicals business licence"), "danger"),
        (HAZCHEM_USE, _("Hazardous chemicals safe-use licence"), "danger"),
        (FIREWORKS_BUSINESS, _("Fireworks business licence"), "danger"),
        (MINE_SAFETY, _("Non-coal mine work safety licence"), "warning"),
        (STANDARDISATION, _("Work safety standardisation certificate"), "primary"),
        (PRINCIPAL_TRAINING, _("Principal's safety qualification certificate"), "info"),
        (SAFETY_MANAGER_TRAINING, _("Safety manager's qualification certificate"), "info"),
        (SPECIAL_OPERATION, _("Special operation certificate"), "info"),
        (OTHER, _("Other"), "secondary"),
    )


class LicenceState(ChoiceSet):
    """Whether a licence is still valid, due for renewal soon, or expired (computed from its expiry date)."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    CHOICES = (
        (VALID, _("Valid"), "success"),
        (EXPIRING, _("Expiring soon"), "warning"),
        (EXPIRED, _("Expired"), "danger"),
    )


#: The flags that say which special supervision an enterprise falls under (set by hand), in display order.
#: ``major_hazard`` is not among them: it is derived from the units' GB 18218 assessments.
FLAG_FIELDS = (
    "hazchem_production", "hazchem_business", "hazchem_use", "fireworks", "non_coal_mine", "tailings_pond",
    "metallurgy", "ammonia_refrigeration", "combustible_dust", "confined_space",
)


class AssessmentReason(ChoiceSet):
    """Why a unit's GB 18218 assessment was computed."""

    CREATED = "created"
    INPUTS_CHANGED = "inputs_changed"
    RECOMPUTED = "recomputed"
    CHOICES = (
        (CREATED, _("Unit recorded"), "primary"),
        (INPUTS_CHANGED, _("Chemicals or exposed population changed"), "warning"),
        (RECOMPUTED, _("Recomputed"), "secondary"),
    )


class TailingsGrade(ChoiceSet):
    """尾矿库等别 (GB 50863-2013 Table 3.3.1): 一等 is the highest."""

    FIELDS = (("enterprises.tailingspond", "grade"),)
    CHOICES = (
        (1, _("Grade 1"), "danger"),
        (2, _("Grade 2"), "danger"),
        (3, _("Grade 3"), "warning"),
        (4, _("Grade 4"), "primary"),
        (5, _("Grade 5"), "info"),
    )


class TailingsStatus(ChoiceSet):
    """Where a tailings pond is in its life: in use, stopped, closed (闭库) and finally closed out (销库: no longer
    a tailings pond)."""

    FIELDS = (("enterprises.tailingspond", "status"),)
    OPERATING = "operating"
    STOPPED = "stopped"
    CLOSED = "closed"
    CLOSED_OUT = "closed_out"
    CHOICES = (
        (OPERATING, _("In operation"), "success"),
        (STOPPED, _("Stopped"), "warning"),
        (CLOSED, _("Closed (闭库)"), "secondary"),
        (CLOSED_OUT, _("Closed out (销库)"), "dark"),
    )
    #: Still a tailings pond (counted in the register's total).
    EXISTING = (OPERATING, STOPPED, CLOSED)


class MiningMethod(ChoiceSet):
    FIELDS = (("enterprises.mine", "method"),)
    OPEN_PIT = "open_pit"
    UNDERGROUND = "underground"
    BOTH = "both"
    CHOICES = (
        (OPEN_PIT, _("Open pit"), "primary"),
        (UNDERGROUND, _("Underground"), "warning"),
        (BOTH, _("Open pit and underground"), "info"),
    )


class MineScale(ChoiceSet):
    FIELDS = (("enterprises.mine", "scale"),)
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    CHOICES = (
        (LARGE, pgettext_lazy("mine scale", "Large"), "danger"),
        (MEDIUM, pgettext_lazy("mine scale", "Medium"), "warning"),
        (SMALL, pgettext_lazy("mine scale", "Small"), "info"),
    )


class MineStatus(ChoiceSet):
    FIELDS = (("enterprises.mine", "status"),)
    PRODUCING = "producing"
    CONSTRUCTION = "construction"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    CHOICES = (
        (PRODUCING, _("Producing"), "success"),
        (CONSTRUCTION, _("Under construction"), "info"),
        (SUSPENDED, _("Suspended"), "warning"),
        (CLOSED, pgettext_lazy("mine", "Closed"), "dark"),
    )


class CustodianRole(ChoiceSet):
    """The three custodians of a major hazard source (包保责任人, 应急厅〔2021〕12号)."""

    FIELDS = (("enterprises.custodiancheck", "role"),)
    PRINCIPAL = "principal"
    TECHNICAL = "technical"
    OPERATIONAL = "operational"
    CHOICES = (
        (PRINCIPAL, _("Principal custodian (quarterly check)"), "danger"),
        (TECHNICAL, _("Technical custodian (monthly check)"), "warning"),
        (OPERATIONAL, _("Operational custodian (weekly check)"), "primary"),
    )


class CustodianDuty(ChoiceSet):
    """Whether a custodian's periodic check is done (``standards.custodians.status``)."""

    DONE = "done"
    DUE = "due"
    MISSED = "missed"
    CHOICES = (
        (DONE, pgettext_lazy("custodian check", "Done"), "success"),
        (DUE, pgettext_lazy("custodian check", "Due"), "warning"),
        (MISSED, pgettext_lazy("custodian check", "Missed"), "danger"),
    )
