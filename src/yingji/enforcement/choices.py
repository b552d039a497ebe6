"""Choice sets of supervision and enforcement (values English, labels translated, colours for badges)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class PowerKind(ChoiceSet):
    """The kinds of power on the bureau's 权责清单."""

    NAME = "enforcement_power_kind"
    FIELDS = (("enforcement.enforcementitem", "kind"),)
    PENALTY = "penalty"
    COERCION = "coercion"
    INSPECTION = "inspection"
    CHOICES = (
        (PENALTY, _("Administrative penalty"), "danger"),
        (COERCION, _("Administrative coercion"), "warning"),
        (INSPECTION, _("Administrative inspection"), "primary"),
    )


class CertificateStatus(ChoiceSet):
    """An enforcement certificate on a given day (computed, never stored)."""

    NAME = "certificate_status"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    CHOICES = (
        (VALID, pgettext_lazy("certificate", "Valid"), "success"),
        (EXPIRING, _("Expires within 60 days"), "warning"),
        (EXPIRED, pgettext_lazy("certificate", "Expired"), "danger"),
    )


class TierStage(ChoiceSet):
    """When a tier of an article's liability applies."""

    NAME = "enforcement_tier_stage"
    FIRST = "first"
    OVERDUE = "overdue"
    REFUSED = "refused"
    AGGRAVATED = "aggravated"
    ACCIDENT = "accident"
    CHOICES = (
        (FIRST, _("On finding"), "primary"),
        (OVERDUE, _("Not corrected in time"), "warning"),
        (REFUSED, _("Refused to correct"), "danger"),
        (AGGRAVATED, _("Serious circumstances"), "danger"),
        (ACCIDENT, _("Led to an accident"), "dark"),
    )


class FineParty(ChoiceSet):
    """Who a fine falls on."""

    NAME = "enforcement_fine_party"
    UNIT = "unit"
    PRINCIPAL = "principal"
    MANAGERS = "managers"
    RESPONSIBLE_PERSONS = "responsible_persons"
    INVESTOR = "investor"
    CHOICES = (
        (UNIT, _("The unit"), "primary"),
        (PRINCIPAL, _("Its principal"), "warning"),
        (MANAGERS, _("Other heads and safety managers"), "warning"),
        (RESPONSIBLE_PERSONS, _("Directly responsible persons"), "warning"),
        (INVESTOR, _("The investor of a sole proprietorship"), "secondary"),
    )


class Measure(ChoiceSet):
    """Measures other than a fine that a tier orders."""

    NAME = "enforcement_measure"
    ORDER_CORRECTION = "order_correction"
    SUSPEND_PRODUCTION = "suspend_production"
    STOP_PRODUCTION = "stop_production"
    STOP_CONSTRUCTION_OR_SUSPEND = "stop_construction_or_suspend"
    WITHDRAW_WORKERS = "withdraw_workers"
    CONFISCATE_GAINS = "confiscate_gains"
    SUSPEND_OR_REVOKE_QUALIFICATION = "suspend_or_revoke_qualification"
    SEAL_OR_SEIZE = "seal_or_seize"
    STOP_POWER_SUPPLY = "stop_power_supply"
    STOP_EXPLOSIVES_SUPPLY = "stop_explosives_supply"
    INSPECT = "inspect"
    CHOICES = (
        (ORDER_CORRECTION, _("Order to correct within a time limit"), "primary"),
        (SUSPEND_PRODUCTION, _("Suspend production for rectification"), "warning"),
        (STOP_PRODUCTION, _("Stop production or business"), "danger"),
        (STOP_CONSTRUCTION_OR_SUSPEND, _("Stop construction or suspend use"), "danger"),
        (WITHDRAW_WORKERS, _("Withdraw the workers"), "danger"),
        (CONFISCATE_GAINS, _("Confiscate illegal gains"), "danger"),
        (SUSPEND_OR_REVOKE_QUALIFICATION, _("Suspend or revoke the qualification"), "danger"),
        (SEAL_OR_SEIZE, _("Seal up or seize"), "danger"),
        (STOP_POWER_SUPPLY, _("Stop the power supply"), "danger"),
        (STOP_EXPLOSIVES_SUPPLY, _("Stop the supply of explosives"), "danger"),
        (INSPECT, _("Enter, inspect and gather evidence"), "primary"),
    )


class FineBasis(ChoiceSet):
    """What a fine's figures count."""

    NAME = "enforcement_fine_basis"
    AMOUNT = "amount"
    INCOME_PERCENT = "income_percent"
    GAINS_MULTIPLE = "gains_multiple"
    FINE_MULTIPLE = "fine_multiple"
    ORIGINAL_FINE_PER_DAY = "original_fine_per_day"
    CHOICES = (
        (AMOUNT, _("yuan"), "secondary"),
        (INCOME_PERCENT, _("per cent of last year's income"), "secondary"),
        (GAINS_MULTIPLE, _("times the illegal gains"), "secondary"),
        (FINE_MULTIPLE, _("times the fine"), "secondary"),
        (ORIGINAL_FINE_PER_DAY, _("the original fine per day"), "secondary"),
    )


class Circumstance(ChoiceSet):
    """情节 bands of the discretion benchmark."""

    NAME = "enforcement_circumstance"
    MINOR = "minor"
    ORDINARY = "ordinary"
    SERIOUS = "serious"
    SEVERE = "severe"
    CHOICES = (
        (MINOR, pgettext_lazy("circumstance", "Minor"), "success"),
        (ORDINARY, pgettext_lazy("circumstance", "Ordinary"), "primary"),
        (SERIOUS, pgettext_lazy("circumstance", "Serious"), "warning"),
        (SEVERE, pgettext_lazy("circumstance", "Severe"), "danger"),
    )


# --- documents and penalty cases (执法文书, 行政处罚案件) ----------------------------------------------------------


class DocumentKind(ChoiceSet):
    """The kinds of enforcement document (《安全生产监管监察执法文书式样》); values are ``standards.documents``'
    kinds, whose series abbreviations number them."""

    NAME = "enforcement_document_kind"
    FIELDS = (("enforcement.enforcementdocument", "kind"),)
    SITE_INSPECTION_RECORD = "site_inspection_record"
    RECTIFICATION_ORDER = "rectification_order"
    RECTIFICATION_REVIEW = "rectification_review"
    COERCIVE_MEASURE_DECISION = "coercive_measure_decision"
    PENALTY_NOTICE = "penalty_notice"
    PENALTY_DECISION = "penalty_decision"
    SERVICE_RECEIPT = "service_receipt"
    CHOICES = (
        (SITE_INSPECTION_RECORD, _("Site inspection record"), "primary"),
        (RECTIFICATION_ORDER, _("Order to rectify within a time limit"), "warning"),
        (RECTIFICATION_REVIEW, _("Rectification review opinion"), "info"),
        (COERCIVE_MEASURE_DECISION, _("Coercive measure decision"), "danger"),
        (PENALTY_NOTICE, _("Administrative penalty notice"), "warning"),
        (PENALTY_DECISION, _("Administrative penalty decision"), "danger"),
        (SERVICE_RECEIPT, _("Service receipt"), "secondary"),
    )


class ServiceMethod(ChoiceSet):
    """How a document was served (行政处罚法 第六十一条, 民事诉讼法's 送达 methods)."""

    NAME = "enforcement_service_method"
    DIRECT = "direct"
    LEFT = "left"
    MAIL = "mail"
    ELECTRONIC = "electronic"
    ANNOUNCEMENT = "announcement"
    CHOICES = (
        (DIRECT, _("Handed over in person"), "primary"),
        (LEFT, _("Left at the address"), "secondary"),
        (MAIL, _("By post"), "secondary"),
        (ELECTRONIC, _("Electronically (with consent)"), "info"),
        (ANNOUNCEMENT, _("By public announcement"), "warning"),
    )


class CaseSource(ChoiceSet):
    """Where a penalty case came from."""

    NAME = "penalty_case_source"
    FIELDS = (("enforcement.penaltycase", "source"),)
    INSPECTION = "inspection"
    COMPLAINT = "complaint"
    REFERRAL = "referral"
    OTHER = "other"
    CHOICES = (
        (INSPECTION, _("Inspection"), "primary"),
        (COMPLAINT, _("Complaint or report"), "warning"),
        (REFERRAL, _("Referral"), "info"),
        (OTHER, pgettext_lazy("source", "Other"), "secondary"),
    )


class PartyKind(ChoiceSet):
    """Who the penalty falls on (standards.penalty's party kinds)."""

    NAME = "penalty_party_kind"
    FIELDS = (("enforcement.penaltycase", "party_kind"),)
    UNIT = "unit"
    INDIVIDUAL = "individual"
    CHOICES = (
        (UNIT, _("A unit"), "primary"),
        (INDIVIDUAL, _("A natural person"), "secondary"),
    )


class Adjustment(ChoiceSet):
    """从轻 / 减轻 / 从重 / 不予处罚 (standards.penalty.ADJUSTMENTS)."""

    NAME = "penalty_adjustment"
    FIELDS = (("enforcement.penaltycase", "adjustment"),)
    LIGHTER = "lighter"
    MITIGATED = "mitigated"
    HEAVIER = "heavier"
    EXEMPT = "exempt"
    CHOICES = (
        (LIGHTER, _("Lighter (below the midpoint)"), "success"),
        (MITIGATED, _("Mitigated (below the legal minimum)"), "info"),
        (HEAVIER, _("Heavier (above the midpoint)"), "danger"),
        (EXEMPT, _("No penalty"), "secondary"),
    )


class CaseState(ChoiceSet):
    """The stages of a penalty case (see ``services.cases.CASE_WORKFLOW``)."""

    NAME = "penalty_case_state"
    FIELDS = (("enforcement.penaltycase", "state"), ("enforcement.caseevent", "from_state"),
              ("enforcement.caseevent", "to_state"))
    PENDING = "pending"
    DECLINED = "declined"
    FILED = "filed"
    INVESTIGATING = "investigating"
    REVIEWING = "reviewing"
    LEGAL_REVIEW = "legal_review"
    REVIEWED = "reviewed"
    NOTIFIED = "notified"
    HEARING = "hearing"
    HEARD = "heard"
    DISCUSSED = "discussed"
    DECIDED = "decided"
    SERVED = "served"
    PAID = "paid"
    CLOSED = "closed"
    REVOKED = "revoked"
    TERMINATED = "terminated"
    CHOICES = (
        (PENDING, _("Awaiting filing"), "secondary"),
        (DECLINED, _("Not filed"), "light"),
        (FILED, _("Filed"), "primary"),
        (INVESTIGATING, _("Investigating"), "primary"),
        (REVIEWING, _("Case review"), "info"),
        (LEGAL_REVIEW, _("Legal review"), "warning"),
        (REVIEWED, _("Legal review passed"), "info"),
        (NOTIFIED, _("Party notified"), "warning"),
        (HEARING, _("Hearing requested"), "warning"),
        (HEARD, _("Hearing held"), "info"),
        (DISCUSSED, _("Collectively discussed"), "info"),
        (DECIDED, _("Decided"), "danger"),
        (SERVED, _("Served, being enforced"), "danger"),
        (PAID, _("Executed"), "success"),
        (CLOSED, _("Closed"), "dark"),
        (REVOKED, _("Filing revoked"), "light"),
        (TERMINATED, pgettext_lazy("case", "Terminated"), "light"),
    )
    OPEN = (PENDING, FILED, INVESTIGATING, REVIEWING, LEGAL_REVIEW, REVIEWED, NOTIFIED, HEARING, HEARD, DISCUSSED,
            DECIDED, SERVED, PAID)
    #: Before a decision: the 立案 → 决定 time limit runs.
    UNDECIDED = (FILED, INVESTIGATING, REVIEWING, LEGAL_REVIEW, REVIEWED, NOTIFIED, HEARING, HEARD, DISCUSSED)
    #: Decided: published on the public page.
    PUBLISHABLE = (DECIDED, SERVED, PAID, CLOSED)


class CaseAction(ChoiceSet):
    """What a case's timeline records: the workflow's actions, and the steps beside it."""

    NAME = "penalty_case_action"
    FIELDS = (("enforcement.caseevent", "kind"),)
    OPEN = "open"
    FILE = "file"
    DECLINE = "decline"
    INVESTIGATE = "investigate"
    SUBMIT = "submit"
    SEND_LEGAL_REVIEW = "send_legal_review"
    PASS_LEGAL_REVIEW = "pass_legal_review"
    RETURN_LEGAL_REVIEW = "return_legal_review"
    NOTIFY = "notify"
    REQUEST_HEARING = "request_hearing"
    HOLD_HEARING = "hold_hearing"
    DISCUSS = "discuss"
    DECIDE = "decide"
    SERVE = "serve"
    RECORD_PAYMENT = "record_payment"
    CLOSE = "close"
    REVOKE = "revoke"
    TERMINATE = "terminate"
    EXTEND = "extend"
    PUBLISH = "publish"
    REMIND = "remind"
    OVERDUE = "overdue"
    CHOICES = (
        (OPEN, _("Registered"), "secondary"),
        (FILE, pgettext_lazy("case", "File"), "primary"),
        (DECLINE, _("Decline to file"), "secondary"),
        (INVESTIGATE, _("Start the investigation"), "primary"),
        (SUBMIT, _("Submit for case review"), "info"),
        (SEND_LEGAL_REVIEW, _("Send to legal review"), "warning"),
        (PASS_LEGAL_REVIEW, _("Pass the legal review"), "success"),
        (RETURN_LEGAL_REVIEW, _("Return for further investigation"), "danger"),
        (NOTIFY, _("Notify the party"), "warning"),
        (REQUEST_HEARING, _("Record a hearing request"), "warning"),
        (HOLD_HEARING, _("Record the hearing"), "info"),
        (DISCUSS, _("Record the collective discussion"), "info"),
        (DECIDE, pgettext_lazy("case", "Decide"), "danger"),
        (SERVE, _("Record service"), "primary"),
        (RECORD_PAYMENT, _("Record payment"), "success"),
        (CLOSE, pgettext_lazy("case", "Close"), "dark"),
        (REVOKE, _("Revoke the filing"), "secondary"),
        (TERMINATE, pgettext_lazy("case", "Terminate"), "secondary"),
        (EXTEND, _("Time limit extended"), "warning"),
        (PUBLISH, _("Published"), "info"),
        (REMIND, _("Reminder"), "warning"),
        (OVERDUE, pgettext_lazy("deadline", "Overdue"), "danger"),
    )


class CaseExtension(ChoiceSet):
    """The 立案 → 决定 time limit (standards.penalty.WORK_SAFETY_DECISION_DAYS) and who approved extending it."""

    NAME = "penalty_case_extension"
    FIELDS = (("enforcement.penaltycase", "extension"),)
    NONE = "none"
    HEAD = "head"
    HIGHER_AUTHORITY = "higher_authority"
    CHOICES = (
        (NONE, _("Not extended (30 days)"), "secondary"),
        (HEAD, _("Extended by the head (90 days)"), "warning"),
        (HIGHER_AUTHORITY, _("Extended by the higher authority (180 days)"), "danger"),
    )


# --- annual plan, campaigns and supervision orders (分类分级, 专项整治/大检查, 交办/督办) ----------------------------


class SupervisionClassChoice(ChoiceSet):
    """An enterprise's supervision class (分类分级监管; ``standards.supervision_class``)."""

    NAME = "supervision_class"
    FIELDS = (("enforcement.supervisionclass", "computed_class"), ("enforcement.planitem", "supervision_class"))
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    CHOICES = (
        (A, _("Class A (key supervision)"), "danger"),
        (B, _("Class B (higher risk)"), "warning"),
        (C, _("Class C (general risk)"), "info"),
        (D, _("Class D (lower risk)"), "secondary"),
    )


class PlanState(ChoiceSet):
    """An annual inspection plan's state."""

    NAME = "inspection_plan_state"
    FIELDS = (("enforcement.annualinspectionplan", "state"),)
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    CHOICES = (
        (DRAFT, pgettext_lazy("plan", "Draft"), "secondary"),
        (APPROVED, pgettext_lazy("plan", "Approved"), "primary"),
        (PUBLISHED, pgettext_lazy("plan", "Published"), "success"),
    )


class CampaignKind(ChoiceSet):
    """The two kinds of campaign the bureau runs."""

    NAME = "campaign_kind"
    FIELDS = (("enforcement.campaign", "kind"),)
    SPECIAL_RECTIFICATION = "special_rectification"
    GENERAL_INSPECTION = "general_inspection"
    CHOICES = (
        (SPECIAL_RECTIFICATION, _("Special rectification campaign"), "warning"),
        (GENERAL_INSPECTION, _("Major safety inspection"), "primary"),
    )


class CampaignSector(ChoiceSet):
    """The key sectors a campaign (or the supervision class) looks at: the enterprise archive's sector flags."""

    NAME = "campaign_sector"
    HAZARDOUS_CHEMICALS = "hazardous_chemicals"
    FIREWORKS = "fireworks"
    NON_COAL_MINE = "non_coal_mine"
    TAILINGS_POND = "tailings_pond"
    METALLURGY = "metallurgy"
    AMMONIA_REFRIGERATION = "ammonia_refrigeration"
    COMBUSTIBLE_DUST = "combustible_dust"
    CONFINED_SPACE = "confined_space"
    CHOICES = (
        (HAZARDOUS_CHEMICALS, _("Hazardous chemicals"), "danger"),
        (FIREWORKS, _("Fireworks"), "danger"),
        (NON_COAL_MINE, _("Non-coal mines"), "warning"),
        (TAILINGS_POND, _("Tailings ponds"), "warning"),
        (METALLURGY, _("Metallurgy"), "warning"),
        (AMMONIA_REFRIGERATION, _("Ammonia refrigeration"), "info"),
        (COMBUSTIBLE_DUST, _("Combustible dust"), "info"),
        (CONFINED_SPACE, _("Confined spaces"), "info"),
    )


class TaskState(ChoiceSet):
    """A campaign task's reporting state (kept by the overdue job and the reports)."""

    NAME = "campaign_task_state"
    FIELDS = (("enforcement.campaigntask", "state"),)
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    CHOICES = (
        (OPEN, pgettext_lazy("task", "In progress"), "primary"),
        (OVERDUE, pgettext_lazy("task", "Report overdue"), "danger"),
        (DONE, pgettext_lazy("task", "All reports in"), "success"),
    )


class OrderKind(ChoiceSet):
    """交办单 (a matter handed to a township or department) or 督办单 (a matter the bureau supervises closely)."""

    NAME = "supervision_order_kind"
    FIELDS = (("enforcement.supervisionorder", "kind"),)
    ASSIGNMENT = "assignment"
    SUPERVISION = "supervision"
    CHOICES = (
        (ASSIGNMENT, _("Assignment order"), "primary"),
        (SUPERVISION, _("Supervision order"), "danger"),
    )


class OrderState(ChoiceSet):
    NAME = "supervision_order_state"
    FIELDS = (("enforcement.supervisionorder", "state"),)
    ISSUED = "issued"
    REPLIED = "replied"
    RETURNED = "returned"
    VERIFIED = "verified"
    CLOSED = "closed"
    CHOICES = (
        (ISSUED, pgettext_lazy("order", "Issued"), "primary"),
        (REPLIED, pgettext_lazy("order", "Replied"), "info"),
        (RETURNED, pgettext_lazy("order", "Returned for more work"), "warning"),
        (VERIFIED, pgettext_lazy("order", "Verified"), "success"),
        (CLOSED, pgettext_lazy("order", "Closed"), "secondary"),
    )
    #: The assignee's turn: the deadline runs and overdue escalation applies.
    AWAITING_REPLY = (ISSUED, RETURNED)


class OrderAction(ChoiceSet):
    """What happened to a supervision order (its timeline)."""

    NAME = "supervision_order_action"
    FIELDS = (("enforcement.orderevent", "kind"),)
    ISSUE = "issue"
    REPLY = "reply"
    ACCEPT = "accept"
    RETURN = "return"
    CLOSE = "close"
    ATTACH = "attach"
    OVERDUE = "overdue"
    CHOICES = (
        (ISSUE, pgettext_lazy("order", "Issued"), "primary"),
        (REPLY, pgettext_lazy("order", "Replied"), "info"),
        (ACCEPT, pgettext_lazy("order", "Accepted"), "success"),
        (RETURN, pgettext_lazy("order", "Returned for more work"), "warning"),
        (CLOSE, pgettext_lazy("order", "Closed"), "secondary"),
        (ATTACH, _("File attached"), "secondary"),
        (OVERDUE, _("Overdue, escalated"), "danger"),
    )


# --- inspections (执法检查) ------------------------------------------------------------------------------------


class InspectionOrigin(ChoiceSet):
    """Why an inspection takes place."""

    NAME = "inspection_origin"
    FIELDS = (("enforcement.inspection", "origin"),)
    RANDOM_DRAW = "random_draw"
    PLAN = "plan"
    CAMPAIGN = "campaign"
    COMPLAINT = "complaint"
    AD_HOC = "ad_hoc"
    CHOICES = (
        (RANDOM_DRAW, _("Random draw (双随机)"), "primary"),
        (PLAN, _("Annual plan"), "info"),
        (CAMPAIGN, _("Campaign"), "warning"),
        (COMPLAINT, _("Complaint or tip-off"), "danger"),
        (AD_HOC, _("Ad hoc"), "secondary"),
    )


class InspectionState(ChoiceSet):
    """Where an inspection record stands (see ``services.inspections`` for the workflow)."""

    NAME = "inspection_state"
    FIELDS = (("enforcement.inspection", "state"),)
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    RECORDED = "recorded"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    CHOICES = (
        (PLANNED, pgettext_lazy("inspection", "Planned"), "secondary"),
        (IN_PROGRESS, pgettext_lazy("inspection", "On site"), "primary"),
        (RECORDED, pgettext_lazy("inspection", "Recorded"), "info"),
        (CLOSED, pgettext_lazy("inspection", "Closed"), "success"),
        (CANCELLED, pgettext_lazy("inspection", "Cancelled"), "dark"),
    )
    #: States in which the record may still be filled in.
    OPEN = (PLANNED, IN_PROGRESS)


class InspectionEventKind(ChoiceSet):
    """What an entry of an inspection's timeline records (执法全过程记录)."""

    NAME = "inspection_event"
    FIELDS = (("enforcement.inspectionevent", "kind"),)
    PLAN = "plan"
    START = "start"
    FINDING = "finding"
    PHOTO = "photo"
    HAZARD = "hazard"
    SIGNATURE = "signature"
    EXAM = "exam"
    SUBMISSION = "submission"
    RECORD = "record"
    CLOSE = "close"
    CANCEL = "cancel"
    DOCUMENT = "document"
    CHOICES = (
        (PLAN, pgettext_lazy("inspection event", "Planned"), "secondary"),
        (START, pgettext_lazy("inspection event", "Arrived on site"), "primary"),
        (FINDING, _("Item checked"), "light"),
        (PHOTO, _("Photo taken"), "light"),
        (HAZARD, _("Hazard handed to the closed loop"), "danger"),
        (SIGNATURE, _("Signed"), "info"),
        (EXAM, _("On-site exam"), "info"),
        (SUBMISSION, _("Field record received"), "secondary"),
        (RECORD, pgettext_lazy("inspection event", "Record completed"), "info"),
        (CLOSE, pgettext_lazy("inspection event", "Closed"), "success"),
        (CANCEL, pgettext_lazy("inspection event", "Cancelled"), "dark"),
        (DOCUMENT, _("Document issued"), "warning"),
    )


class FindingResult(ChoiceSet):
    """The result of one checklist item."""

    NAME = "finding_result"
    FIELDS = (("enforcement.inspectionfinding", "result"),)
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    NOT_APPLICABLE = "not_applicable"
    CHOICES = (
        (COMPLIANT, _("Compliant"), "success"),
        (NON_COMPLIANT, _("Non-compliant"), "danger"),
        (NOT_APPLICABLE, _("Not applicable"), "secondary"),
    )


class SignerRole(ChoiceSet):
    """Who signed an inspection record."""

    NAME = "inspection_signer"
    FIELDS = (("enforcement.inspectionsignature", "role"),)
    OFFICER = "officer"
    ENTERPRISE = "enterprise"
    CHOICES = (
        (OFFICER, _("Enforcement officer"), "primary"),
        (ENTERPRISE, _("Enterprise representative"), "info"),
    )


class ExamAudience(ChoiceSet):
    """Who sits the 逢查必考 exam (the bank's audiences a site visit examines)."""

    NAME = "exam_audience"
    FIELDS = (("enforcement.inspectionexam", "audience"),)
    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    CHOICES = (
        (PRINCIPAL, _("Principal responsible person"), "primary"),
        (SAFETY_MANAGER, _("Safety manager"), "info"),
    )
