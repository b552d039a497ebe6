"""Choice sets of dual prevention: accident types, assessment methods, risk colours and control tiers, hazard
states, levels and sources."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class AccidentType(ChoiceSet):
    """GB 6441-1986 《企业职工伤亡事故分类》 accident types (20 classes), the hazard type of a risk point."""
    FIELDS = (("prevention.riskpoint", "accident_type"),)

    STRUCK_BY_OBJECT = "struck_by_object"  # 物体打击
    VEHICLE = "vehicle"  # 车辆伤害
    MACHINERY = "machinery"  # 机械伤害
    LIFTING = "lifting"  # 起重伤害
    ELECTRIC_SHOCK = "electric_shock"  # 触电
    DROWNING = "drowning"  # 淹溺
    SCALD = "scald"  # 灼烫
    FIRE = "fire"  # 火灾
    FALL_FROM_HEIGHT = "fall_from_height"  # 高处坠落
    COLLAPSE = "collapse"  # 坍塌
    ROOF_FALL = "roof_fall"  # 冒顶片帮
    WATER_INRUSH = "water_inrush"  # 透水
    BLASTING = "blasting"  # 放炮
    EXPLOSIVE_EXPLOSION = "explosive_explosion"  # 火药爆炸
    GAS_EXPLOSION = "gas_explosion"  # 瓦斯爆炸
    BOILER_EXPLOSION = "boiler_explosion"  # 锅炉爆炸
    VESSEL_EXPLOSION = "vessel_explosion"  # 容器爆炸
    OTHER_EXPLOSION = "other_explosion"  # 其它爆炸
    POISONING = "poisoning"  # 中毒和窒息
    OTHER = "other"  # 其它伤害
    CHOICES = (
        (STRUCK_BY_OBJECT, _("Struck by object"), "secondary"),
        (VEHICLE, _("Vehicle injury"), "secondary"),
        (MACHINERY, _("Machinery injury"), "secondary"),
        (LIFTING, _("Lifting injury"), "secondary"),
        (ELECTRIC_SHOCK, _("Electric shock"), "warning"),
        (DROWNING, _("Drowning"), "info"),
        (SCALD, _("Burns and scalds"), "warning"),
        (FIRE, _("Fire"), "danger"),
        (FALL_FROM_HEIGHT, _("Fall from height"), "secondary"),
        (COLLAPSE, _("Collapse"), "secondary"),
        (ROOF_FALL, _("Roof and rib fall"), "secondary"),
        (WATER_INRUSH, _("Water inrush"), "info"),
        (BLASTING, _("Blasting"), "danger"),
        (EXPLOSIVE_EXPLOSION, _("Explosive explosion"), "danger"),
        (GAS_EXPLOSION, _("Firedamp explosion"), "danger"),
        (BOILER_EXPLOSION, _("Boiler explosion"), "danger"),
        (VESSEL_EXPLOSION, _("Pressure vessel explosion"), "danger"),
        (OTHER_EXPLOSION, _("Other explosion"), "danger"),
        (POISONING, _("Poisoning and asphyxiation"), "warning"),
        (OTHER, _("Other injury"), "light"),
    )


class AssessmentMethod(ChoiceSet):
    LEC = "LEC"  # 作业条件危险性评价法, D = L × E × C
    LS = "LS"  # 风险矩阵, R = L × S
    CHOICES = (
        (LEC, _("LEC (likelihood × exposure × consequence)"), "primary"),
        (LS, _("LS risk matrix (likelihood × severity)"), "info"),
    )


class RiskColour(ChoiceSet):
    """The four risk levels and their colours (standards.md §2.3): 重大 red, 较大 orange, 一般 yellow, 低 blue."""
    NAME = "risk_colour"
    FIELDS = (("prevention.riskpoint", "colour"),)

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"
    CHOICES = (
        (RED, _("Major risk (red)"), "red"),
        (ORANGE, _("Significant risk (orange)"), "orange"),
        (YELLOW, _("General risk (yellow)"), "yellow"),
        (BLUE, _("Low risk (blue)"), "blue"),
    )

    #: risk level number (1 = 重大 … 4 = 低) → colour
    BY_LEVEL = {1: RED, 2: ORANGE, 3: YELLOW, 4: BLUE}


class ControlTier(ChoiceSet):
    """Who controls a risk (分级管控): the higher the risk, the higher the tier (standards.md §2.3)."""
    FIELDS = (("prevention.riskpoint", "control_tier"),
              ("prevention.riskpoint", "responsible_tier"))

    COMPANY = "company"  # 公司
    DEPARTMENT = "department"  # 部门
    WORKSHOP = "workshop"  # 车间
    TEAM = "team"  # 班组/岗位
    CHOICES = (
        (COMPANY, _("Company"), "danger"),
        (DEPARTMENT, _("Department"), "orange"),
        (WORKSHOP, _("Workshop"), "warning"),
        (TEAM, _("Team / post"), "primary"),
    )

    #: risk level number → the lowest tier that may control it; rank: company 1 (highest) … team 4
    BY_LEVEL = {1: COMPANY, 2: DEPARTMENT, 3: WORKSHOP, 4: TEAM}
    RANK = {COMPANY: 1, DEPARTMENT: 2, WORKSHOP: 3, TEAM: 4}


class HazardState(ChoiceSet):
    NAME = "hazard_state"
    FIELDS = (("prevention.hazard", "state"),)
    REPORTED = "reported"
    CONFIRMED = "confirmed"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    VERIFIED = "verified"
    CLOSED = "closed"
    CHOICES = (
        (REPORTED, _("Reported"), "secondary"),
        (CONFIRMED, _("Confirmed"), "info"),
        (RECTIFYING, _("Being rectified"), "warning"),
        (RECTIFIED, _("Rectified, awaiting verification"), "primary"),
        (VERIFIED, _("Verified"), "success"),
        (CLOSED, pgettext_lazy("hazard state", "Closed"), "dark"),
    )

    #: States in which the rectification deadline runs (a hazard here past its due_at is overdue).
    DEADLINE_RUNNING = (CONFIRMED, RECTIFYING)
    OPEN = (REPORTED, CONFIRMED, RECTIFYING, RECTIFIED, VERIFIED)


class HazardLevel(ChoiceSet):
    """事故隐患 grade (安监总局令第16号 第三条): 一般 can be put right at once; 重大 needs a stop and time."""
    NAME = "hazard_level"
    FIELDS = (("prevention.hazard", "level"),)

    GENERAL = "general"
    MAJOR = "major"
    CHOICES = (
        (GENERAL, _("General hazard"), "warning"),
        (MAJOR, _("Major hazard"), "danger"),
    )


class HazardSource(ChoiceSet):
    FIELDS = (("prevention.hazard", "source"),)
    SELF_CHECK = "self_check"  # 企业自查
    INSPECTOR = "inspector"  # 执法检查
    TOWNSHIP = "township"  # 乡镇（街道）检查
    GRID = "grid"  # 网格员巡查
    INSPECTION = "inspection"  # 专项/双随机检查
    CHOICES = (
        (SELF_CHECK, _("Enterprise self-check"), "success"),
        (INSPECTOR, _("Inspector"), "primary"),
        (TOWNSHIP, _("Township check"), "info"),
        (GRID, _("Grid member patrol"), "secondary"),
        (INSPECTION, _("Inspection"), "dark"),
    )


class PlaceKind(ChoiceSet):
    """What kind of place a hazard without an enterprise belongs to: the flood-season and public places townships
    and member units check (汛前大排查, 公共场所排查)."""
    FIELDS = (("prevention.hazardplace", "kind"),)

    DIKE = "dike"  # 堤防段
    RESERVOIR = "reservoir"  # 水库、山塘
    CULVERT = "culvert"  # 涵闸、桥涵
    FLASH_FLOOD_GULLY = "flash_flood_gully"  # 山洪沟
    GEOHAZARD = "geohazard"  # 地质灾害隐患点
    VILLAGE_LANE = "village_lane"  # 村道、农村道路
    CONSTRUCTION_SITE = "construction_site"  # 无登记企业的施工工地
    PUBLIC_PLACE = "public_place"  # 公共场所
    OTHER = "other"
    CHOICES = (
        (DIKE, _("Dike section"), "primary"),
        (RESERVOIR, _("Reservoir or pond"), "info"),
        (CULVERT, _("Culvert or sluice"), "secondary"),
        (FLASH_FLOOD_GULLY, _("Flash-flood gully"), "warning"),
        (GEOHAZARD, _("Geological hazard point"), "danger"),
        (VILLAGE_LANE, _("Village road"), "secondary"),
        (CONSTRUCTION_SITE, _("Construction site without a registered enterprise"), "dark"),
        (PUBLIC_PLACE, _("Public place"), "success"),
        (OTHER, pgettext_lazy("kind", "Other"), "light"),
    )


class ProgrammeStage(ChoiceSet):
    """Where an enterprise stands in the county's dual-prevention programme: building its mechanism (创建), a pilot
    (试点) or a demonstration enterprise (示范)."""
    NAME = "programme_stage"
    FIELDS = (("prevention.programmestep", "stage"),)

    CREATING = "creating"  # 创建
    PILOT = "pilot"  # 试点
    DEMONSTRATION = "demonstration"  # 示范
    CHOICES = (
        (CREATING, _("Building the mechanism"), "info"),
        (PILOT, _("Pilot enterprise"), "primary"),
        (DEMONSTRATION, _("Demonstration enterprise"), "success"),
    )


class HazardAction(ChoiceSet):
    """What a hazard's timeline records: the workflow's actions plus report, extension, evidence and escalation."""
    NAME = "hazard_action"
    FIELDS = (("prevention.hazardevent", "action"),)

    REPORT = "report"
    CONFIRM = "confirm"
    START = "start"
    RECTIFY = "rectify"
    VERIFY = "verify"
    REJECT = "reject"
    CLOSE = "close"
    EXTEND = "extend"
    ATTACH = "attach"
    OVERDUE = "overdue"
    SAMPLED = "sampled"
    SAMPLE_PASSED = "sample_passed"
    REOPEN = "reopen"
    CHOICES = (
        (REPORT, _("Reported"), "secondary"),
        (CONFIRM, _("Confirmed"), "info"),
        (START, _("Rectification started"), "warning"),
        (RECTIFY, _("Rectification completed"), "primary"),
        (VERIFY, _("Verified"), "success"),
        (REJECT, _("Rejected"), "danger"),
        (CLOSE, pgettext_lazy("hazard state", "Closed"), "dark"),
        (EXTEND, _("Deadline extended"), "warning"),
        (ATTACH, _("File attached"), "light"),
        (OVERDUE, _("Overdue escalation"), "danger"),
        (SAMPLED, _("Drawn for a sample check"), "info"),
        (SAMPLE_PASSED, _("Sample check passed"), "success"),
        (REOPEN, _("Sample check failed, reopened"), "danger"),
    )


class SampleState(ChoiceSet):
    """A regulator's sample check (抽查) of a hazard the enterprise closed itself."""

    NAME = "hazard_sample_state"
    FIELDS = (("prevention.hazardsample", "state"),)
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    CHOICES = (
        (PENDING, _("To be checked"), "warning"),
        (PASSED, pgettext_lazy("sample check", "Passed"), "success"),
        (FAILED, pgettext_lazy("sample check", "Failed"), "danger"),
    )


class AttachmentPurpose(ChoiceSet):
    NAME = "attachment_purpose"
    PHOTO = "photo"  # taken when the hazard was found
    EVIDENCE = "evidence"  # proof of rectification
    OTHER = "other"
    CHOICES = (
        (PHOTO, _("Photo of the hazard"), "secondary"),
        (EVIDENCE, _("Rectification evidence"), "success"),
        (OTHER, _("Other document"), "light"),
    )


class NotificationKind(ChoiceSet):
    OVERDUE = "overdue"
    ASSIGNED = "assigned"
    SUPERVISION = "supervision"
    TO_VERIFY = "to_verify"
    REJECTED = "rejected"
    EXTENDED = "extended"
    SAMPLED = "sampled"
    REOPENED = "reopened"
    CHOICES = (
        (OVERDUE, _("Overdue hazard"), "danger"),
        (ASSIGNED, _("Hazard to rectify"), "warning"),
        (SUPERVISION, _("Major hazard under county supervision"), "danger"),
        (TO_VERIFY, _("Rectification to verify"), "primary"),
        (REJECTED, _("Rectification rejected"), "danger"),
        (EXTENDED, _("Deadline extended"), "secondary"),
        (SAMPLED, _("Hazard drawn for a sample check"), "info"),
        (REOPENED, _("Hazard reopened after a failed sample check"), "danger"),
    )
