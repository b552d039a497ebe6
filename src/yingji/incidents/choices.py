"""Choice sets of incidents: states, accident grades, reporting levels, information sources, timeline kinds."""

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import ChoiceSet
from yingji.standards import events


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def event_type_label(key: str) -> str:
    """The incident type's name in the active language (the key itself when unknown)."""
    try:
        info = events.type_info(key)
    except ValueError:
        return key
    return info.name_zh if _chinese() else info.name_en


def event_type_choices() -> list[tuple[str, str]]:
    """Incident types as (key, name in the active language); callable so forms build it per request."""
    return [(t.key, t.name_zh if _chinese() else t.name_en) for t in events.types()]


def category_choices() -> list[tuple[str, str]]:
    """Incident categories as (key, name in the active language)."""
    return [(c.key, c.name_zh if _chinese() else c.name_en) for c in events.categories()]


class IncidentState(ChoiceSet):
    NAME = "incident_state"
    FIELDS = (("incidents.incident", "state"),)
    REPORTED = "reported"
    RESPONDING = "responding"
    CLOSED = "closed"
    OPEN = (REPORTED, RESPONDING)
    CHOICES = (
        (REPORTED, _("Reported"), "warning"),
        (RESPONDING, _("Responding"), "danger"),
        (CLOSED, pgettext_lazy("incident state", "Closed"), "secondary"),
    )


class AccidentGrade(ChoiceSet):
    """Grades of 《生产安全事故报告和调查处理条例》 Article 3 (values of ``standards.accidents.GRADES``)."""
    NAME = "accident_grade"
    FIELDS = (("incidents.incident", "grade"), ("incidents.incidentreport", "grade"),
              ("incidents.incident", "declared_grade"))

    ESPECIALLY_SERIOUS = "especially_serious"
    SERIOUS = "serious"
    RELATIVELY_LARGE = "relatively_large"
    ORDINARY = "ordinary"
    CHOICES = (
        (ESPECIALLY_SERIOUS, _("Especially serious"), "danger"),
        (SERIOUS, _("Serious"), "warning"),
        (RELATIVELY_LARGE, _("Relatively large"), "primary"),
        (ORDINARY, _("Ordinary"), "info"),
    )


class HealthKind(ChoiceSet):
    """Kinds of public-health event the grading tells apart (values of ``standards.public_events.HEALTH_KINDS``)."""
    NAME = "health_kind"
    FIELDS = (("incidents.incident", "health_kind"),)

    FOOD_POISONING = "food_poisoning"
    OCCUPATIONAL_POISONING = "occupational_poisoning"
    INFECTIOUS_DISEASE = "infectious_disease"
    OTHER = "other"
    CHOICES = (
        (FOOD_POISONING, _("Food poisoning"), "warning"),
        (OCCUPATIONAL_POISONING, _("Acute occupational poisoning"), "warning"),
        (INFECTIOUS_DISEASE, _("Infectious disease outbreak"), "danger"),
        (OTHER, _("Other public-health event"), "secondary"),
    )


class ReportingLevel(ChoiceSet):
    """Levels of the reporting chain (values of ``standards.accidents.REPORTING_LEVELS``)."""
    NAME = "reporting_level"

    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"
    STATE_COUNCIL = "state_council"
    CHOICES = (
        (COUNTY, _("County"), "info"),
        (CITY, _("City"), "primary"),
        (PROVINCE, _("Province"), "warning"),
        (STATE_COUNCIL, _("State Council"), "danger"),
    )


class InformationSource(ChoiceSet):
    """How information reached the duty desk (电话/短信/网络/上级通知/下级报告/监测报警)."""
    NAME = "information_source"
    FIELDS = (("incidents.incident", "source"),)

    PHONE = "phone"
    SMS = "sms"
    INTERNET = "internet"
    SUPERIOR = "superior"
    SUBORDINATE = "subordinate"
    MONITORING = "monitoring"
    CHOICES = (
        (PHONE, _("Phone call"), "primary"),
        (SMS, _("Text message"), "info"),
        (INTERNET, _("Internet"), "secondary"),
        (SUPERIOR, _("Notice from a higher level"), "warning"),
        (SUBORDINATE, _("Report from a lower level"), "primary"),
        (MONITORING, _("Monitoring alarm"), "danger"),
    )


class ReportKind(ChoiceSet):
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"
    CHOICES = (
        (INITIAL, _("Initial report"), "primary"),
        (FOLLOW_UP, _("Follow-up report"), "info"),
    )


class EventKind(ChoiceSet):
    FIELDS = (("incidents.incidentevent", "kind"),)
    CREATED = "created"
    FIGURES = "figures"
    REGRADED = "regraded"
    REPORTED_UP = "reported_up"
    TRANSITION = "transition"
    ACTIVATED = "activated"
    TASK = "task"
    LEVEL_CHANGED = "level_changed"
    SITREP = "sitrep"
    EDITED = "edited"
    ATTACHMENT = "attachment"
    CHOICES = (
        (CREATED, _("Incident logged"), "primary"),
        (FIGURES, _("Figures reported"), "info"),
        (REGRADED, _("Grade changed"), "danger"),
        (REPORTED_UP, _("Reported to a higher level"), "success"),
        (TRANSITION, _("State changed"), "warning"),
        (ACTIVATED, _("Plan activated"), "danger"),
        (TASK, _("Task"), "primary"),
        (LEVEL_CHANGED, _("Response level changed"), "danger"),
        (SITREP, _("Situation report issued"), "success"),
        (EDITED, _("Details corrected"), "secondary"),
        (ATTACHMENT, _("File attached"), "info"),
    )


class PlanKind(ChoiceSet):
    """Kinds of emergency plan (总体/专项/部门/乡镇/企业)."""
    FIELDS = (("incidents.plan", "kind"),)

    OVERALL = "overall"
    SPECIAL = "special"
    DEPARTMENT = "department"
    TOWNSHIP = "township"
    ENTERPRISE = "enterprise"
    CHOICES = (
        (OVERALL, _("Overall plan"), "danger"),
        (SPECIAL, _("Special plan"), "warning"),
        (DEPARTMENT, _("Department plan"), "primary"),
        (TOWNSHIP, _("Township plan"), "info"),
        (ENTERPRISE, _("Enterprise plan"), "secondary"),
    )


class ResponseLevel(ChoiceSet):
    """Response levels, I the highest."""
    NAME = "response_level"
    FIELDS = (("incidents.activation", "level"),)

    I = "I"  # noqa: E741
    II = "II"
    III = "III"
    IV = "IV"
    ORDER = (I, II, III, IV)
    CHOICES = (
        (I, _("Level I response"), "danger"),
        (II, _("Level II response"), "warning"),
        (III, _("Level III response"), "primary"),
        (IV, _("Level IV response"), "info"),
    )


class TaskState(ChoiceSet):
    FIELDS = (("incidents.task", "state"),)
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OPEN = (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS)
    CHOICES = (
        (ASSIGNED, _("Assigned"), "warning"),
        (ACKNOWLEDGED, _("Acknowledged"), "info"),
        (IN_PROGRESS, _("In progress"), "primary"),
        (DONE, _("Done"), "success"),
    )


class SitrepState(ChoiceSet):
    """A situation report (情况报告) is drafted, edited, then issued; issued reports never change."""

    DRAFT = "draft"
    ISSUED = "issued"
    CHOICES = (
        (DRAFT, _("Draft"), "secondary"),
        (ISSUED, _("Issued"), "success"),
    )


# --- plans: document life cycle (issue 15 §1) ---

class PlanLevel(ChoiceSet):
    """Whose plan it is: the county, a township, a department or an enterprise."""
    FIELDS = (("incidents.plan", "level"),)

    COUNTY = "county"
    TOWNSHIP = "township"
    DEPARTMENT = "department"
    ENTERPRISE = "enterprise"
    CHOICES = (
        (COUNTY, pgettext_lazy("plan level", "County"), "danger"),
        (TOWNSHIP, pgettext_lazy("plan level", "Township"), "info"),
        (DEPARTMENT, pgettext_lazy("plan level", "Department"), "primary"),
        (ENTERPRISE, pgettext_lazy("plan level", "Enterprise"), "secondary"),
    )


class PlanDocKind(ChoiceSet):
    """Document kind of a plan (总体/专项/部门/现场处置方案; 企业综合/专项/现场处置方案, 办法 第六条)."""
    FIELDS = (("incidents.plan", "doc_kind"),)

    OVERALL = "overall"
    SPECIAL = "special"
    DEPARTMENT = "department"
    ON_SITE = "on_site"
    ENTERPRISE_COMPREHENSIVE = "ent_comprehensive"
    ENTERPRISE_SPECIAL = "ent_special"
    ENTERPRISE_ON_SITE = "ent_on_site"
    CHOICES = (
        (OVERALL, _("Overall emergency plan"), "danger"),
        (SPECIAL, _("Special emergency plan"), "warning"),
        (DEPARTMENT, _("Department emergency plan"), "primary"),
        (ON_SITE, _("On-site response procedure"), "info"),
        (ENTERPRISE_COMPREHENSIVE, _("Enterprise comprehensive plan"), "secondary"),
        (ENTERPRISE_SPECIAL, _("Enterprise special plan"), "secondary"),
        (ENTERPRISE_ON_SITE, _("Enterprise on-site response procedure"), "secondary"),
    )


class PlanState(ChoiceSet):
    """Life-cycle state of a plan document: 编制 → 评审 → 签署发布 → 备案 → 评估 → 修订."""
    FIELDS = (("incidents.plan", "state"),)

    DRAFTING = "drafting"
    REVIEW = "review"
    PUBLISHED = "published"
    FILED = "filed"
    EVALUATION = "evaluation"
    REVISION = "revision"
    CHOICES = (
        (DRAFTING, _("Drafting"), "secondary"),
        (REVIEW, _("Under expert review"), "warning"),
        (PUBLISHED, _("Signed and published"), "success"),
        (FILED, pgettext_lazy("plan state", "Filed"), "success"),
        (EVALUATION, _("Under evaluation"), "info"),
        (REVISION, _("Under revision"), "danger"),
    )
