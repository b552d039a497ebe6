"""Administrative penalty cases (行政处罚案件): 立案 → 调查取证 → 案件审理 → 法制审核 → 告知 (陈述、申辩, 听证) →
集体讨论 → 决定 → 送达 → 执行 → 结案, with 不予立案, 撤销立案 and 终止 (see ``services.cases.CASE_WORKFLOW``).

Deadlines are computed by ``standards.penalty`` and stored as due columns (the periodic job reminds and marks
overdue cases from them). Whether a hearing right, a legal review or a collective discussion is required is read
from ``standards.penalty`` each time from the case's fine and measures, never stored, so it cannot go stale."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import STAFF_ROLES, Scoped
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned
from yingji.standards import penalty

from ..choices import Adjustment, CaseAction, CaseExtension, CaseSource, CaseState, Circumstance, PartyKind
from .officers import EnforcementItem, Officer

#: Who works a case: the officers and the sections.
INVESTIGATORS = {Role.ADMIN, Role.SECTION_STAFF, Role.INSPECTOR}
#: Who approves (立案, 不予立案, 撤销, 终止, 决定, 结案, extensions) and reviews (法制审核): the bureau's heads and
#: its legal section, represented by the section staff and the administrator.
HEADS = {Role.ADMIN, Role.SECTION_STAFF}


class PenaltyCase(Scoped, Versioned):
    """One administrative penalty case against an enterprise (or a natural person of it)."""

    SCOPE_REGION_FIELD = "region_code"
    SCOPE_ENTERPRISE_FIELD = "enterprise"

    title = models.CharField(_("cause of action"), max_length=200)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="penalty_cases")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    party_kind = models.CharField(_("party"), max_length=16, choices=PartyKind.choices(), default=PartyKind.UNIT)
    #: The party as named on the documents (the enterprise's name, or the natural person's).
    party_name = models.CharField(_("party's name"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=CaseSource.choices(), db_index=True)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    #: The inspection the case came from (source "inspection").
    inspection = models.ForeignKey("enforcement.Inspection", verbose_name=_("inspection"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="cases")
    item = models.ForeignKey(EnforcementItem, verbose_name=_("enforcement item"), on_delete=models.PROTECT,
                             related_name="cases")
    #: The powers-list item's code and version the case is decided under (kept when the item is adjusted).
    item_code = models.CharField(_("item code"), max_length=32, editable=False)
    item_version = models.PositiveSmallIntegerField(_("item version"), editable=False)
    tier = models.PositiveSmallIntegerField(_("liability tier"), default=0)
    facts = models.TextField(_("facts"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    discovered_on = models.DateField(_("discovered on"))
    officers = models.ManyToManyField(Officer, verbose_name=_("officers"), related_name="cases")

    circumstance = models.CharField(_("circumstance"), max_length=16, choices=Circumstance.choices(),
                                    default=Circumstance.ORDINARY)
    adjustment = models.CharField(_("adjustment"), max_length=16, choices=Adjustment.choices(), blank=True)
    legal_min = models.DecimalField(_("legal minimum fine"), max_digits=14, decimal_places=2, null=True, blank=True)
    legal_max = models.DecimalField(_("legal maximum fine"), max_digits=14, decimal_places=2, null=True, blank=True)
    proposed_low = models.DecimalField(_("benchmark from"), max_digits=14, decimal_places=2, null=True, blank=True)
    proposed_high = models.DecimalField(_("benchmark to"), max_digits=14, decimal_places=2, null=True, blank=True)
    fine = models.DecimalField(_("fine (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    #: Why the fine leaves the benchmark's range (required then; the legal reviewer sees it).
    fine_reason = models.TextField(_("reason for departing from the benchmark"), blank=True)
    #: Measures beyond the fine that carry a hearing right (standards.penalty.HEARING_MEASURES keys).
    measures = models.JSONField(_("other measures"), default=list, blank=True)
    penalty_text = models.TextField(_("penalty"), blank=True)
    complex_case = models.BooleanField(_("complex case"), default=False)
    major_public_interest = models.BooleanField(_("touches a major public interest"), default=False)

    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices(), default=CaseState.PENDING,
                             db_index=True)
    filing_due = models.DateField(_("file by"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    extension = models.CharField(_("time limit"), max_length=16, choices=CaseExtension.choices(),
                                 default=CaseExtension.NONE)
    decision_due = models.DateField(_("decide by"), null=True, blank=True, db_index=True)
    legal_reviewed_at = models.DateTimeField(_("legal review passed"), null=True, blank=True)
    legal_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("legal reviewer"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    legal_review_opinion = models.TextField(_("legal review opinion"), blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    statement_due = models.DateField(_("statements until"), null=True, blank=True)
    hearing_request_due = models.DateField(_("hearing may be requested until"), null=True, blank=True)
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    hearing_report = models.TextField(_("hearing report"), blank=True)
    statements = models.TextField(_("party's statements and defence"), blank=True)
    discussed_on = models.DateField(_("collectively discussed on"), null=True, blank=True)
    discussion_record = models.TextField(_("collective discussion record"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    service_due = models.DateField(_("serve by"), null=True, blank=True)
    disclosure_due = models.DateField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    #: The published text of the decision (personal data removed, standards.disclosure).
    published_text = models.TextField(_("published text"), blank=True)
    served_on = models.DateField(_("served on"), null=True, blank=True)
    payment_due = models.DateField(_("pay by"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    amount_paid = models.DecimalField(_("amount paid (CNY)"), max_digits=14, decimal_places=2, null=True,
                                      blank=True)
    surcharge = models.DecimalField(_("late-payment surcharge (CNY)"), max_digits=14, decimal_places=2, null=True,
                                    blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    #: The deadlines past due, by name (``services.cases.DEADLINES``), as the periodic job last marked them.
    overdue = models.JSONField(_("overdue"), default=list, blank=True)
    #: The deadlines already reminded of (one reminder each).
    reminded = models.JSONField(_("reminded"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES - {Role.GRID_MEMBER}}
              | {role: {"view", "add", "change"} for role in INVESTIGATORS})

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        indexes = [models.Index(fields=["state", "decision_due"], name="case_state_due_idx")]

    def __str__(self) -> str:
        return f"{self.party_name}：{self.title}"

    # --- what the law requires of this case (standards.penalty, read each time) ---------------------------------

    def _fine(self) -> Decimal:
        return self.fine or Decimal(0)

    def hearing_right(self) -> penalty.Requirement:
        return penalty.hearing_required(party=self.party_kind, fine=self._fine(), measures=self.measures or ())

    def legal_review(self) -> penalty.Requirement:
        return penalty.legal_review_required(party=self.party_kind, fine=self._fine(), measures=self.measures or (),
                                             hearing_held=self.hearing_held_on is not None,
                                             major_public_interest=self.major_public_interest,
                                             complex_case=self.complex_case)

    def collective_discussion(self) -> penalty.Requirement:
        return penalty.collective_discussion_required(party=self.party_kind, fine=self._fine(),
                                                      measures=self.measures or (), complex_case=self.complex_case)

    @property
    def needs_hearing_notice(self) -> bool:
        return self.hearing_right().required

    @property
    def needs_legal_review(self) -> bool:
        return self.legal_review().required

    @property
    def needs_collective_discussion(self) -> bool:
        return self.collective_discussion().required

    def proposed_range(self) -> penalty.FineRange | None:
        if self.proposed_low is None or self.proposed_high is None:
            return None
        adjustment = self.adjustment
        return penalty.FineRange(self.proposed_low, self.proposed_high,
                                 low_exclusive=adjustment == Adjustment.HEAVIER,
                                 high_exclusive=adjustment in (Adjustment.LIGHTER, Adjustment.MITIGATED))

    @property
    def fine_outside_range(self) -> bool:
        proposed = self.proposed_range()
        return proposed is not None and self.fine is not None and penalty.fine_outside_range(self.fine, proposed)

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue)


class CaseEvent(TimelineEvent):
    """One entry of a case's timeline (执法全过程记录): who did what, when, the stage before and after."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=32, choices=CaseAction.choices())
    from_state = models.CharField(_("from"), max_length=16, choices=CaseState.choices(), blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=CaseState.choices(), blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "time"], name="case_event_idx")]
