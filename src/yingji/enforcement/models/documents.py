"""Enforcement documents (执法文书): numbered per the bureau's series and year, immutable once issued.

A document's number comes from :class:`DocumentCounter`, one row per (prefix, kind, year) advanced inside the
issuing transaction (``services.documents``), so a number is never reused and none is skipped: a rolled-back issue
rolls its number back too. Issued documents are never changed or deleted: saving an existing one, deleting one,
or a bulk ``update()``/``delete()`` raises :class:`ImmutableDocument`. A correction is a new document whose
``corrects`` names the old one, which then reads as superseded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import STAFF_ROLES, Scoped, ScopedQuerySet
from yingji.standards import documents as numbering

from ..choices import DocumentKind

#: Who issues documents: the officers (inspectors) and the sections running enforcement.
ISSUERS = {Role.ADMIN, Role.SECTION_STAFF, Role.INSPECTOR}


class ImmutableDocument(PermissionError):
    """Raised on an attempt to change or remove an issued enforcement document."""

    def __init__(self, model):
        super().__init__(f"{model._meta.label}: issued documents are immutable; issue a correction instead")


class DocumentCounter(models.Model):
    """The last serial issued in one series (机关代字 + kind) and year. Written only by
    ``services.documents.next_serial`` (a compare-and-swap on ``last``)."""

    prefix = models.CharField(_("issuing body's prefix"), max_length=20)
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices())
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last serial issued"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [models.UniqueConstraint(fields=["prefix", "kind", "year"], name="document_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.kind} {self.year}: {self.last}"


class DocumentQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise ImmutableDocument(self.model)

    def delete(self):
        raise ImmutableDocument(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableDocument(self.model)


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    pass


class EnforcementDocument(Scoped):
    """One issued enforcement document: its kind, number, the enterprise it is addressed to, its body as structured
    fields (validated per kind by ``services.documents.LAYOUTS``), and what it belongs to (a penalty case, the
    document it corrects, the document a 送达回证 records the service of)."""

    SCOPE_REGION_FIELD = "region_code"
    SCOPE_ENTERPRISE_FIELD = "enterprise"

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices(), db_index=True)
    prefix = models.CharField(_("issuing body's prefix"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("document number"), max_length=64, unique=True)
    issuer = models.CharField(_("issuing body"), max_length=100)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="enforcement_documents")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    case = models.ForeignKey("enforcement.PenaltyCase", verbose_name=_("penalty case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="documents")
    #: The inspection the document was issued from (现场检查记录, 责令限期整改指令书, 整改复查意见书).
    inspection = models.ForeignKey("enforcement.Inspection", verbose_name=_("inspection"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="documents")
    corrects = models.ForeignKey("self", verbose_name=_("corrects"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")
    serves = models.ForeignKey("self", verbose_name=_("service of"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="receipts")
    content = models.JSONField(_("content"), default=dict)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_by_name = models.CharField(_("issued by"), max_length=150, blank=True)

    objects = DocumentManager()

    GRANTS = ({role: {"view"} for role in STAFF_ROLES - {Role.GRID_MEMBER}}
              | {role: {"view", "add"} for role in ISSUERS}
              # An enterprise reads the documents addressed to it (they were served on it).
              | {Role.ENTERPRISE_USER: {"view"}})

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("enforcement document")
        verbose_name_plural = _("enforcement documents")
        constraints = [models.UniqueConstraint(fields=["prefix", "kind", "year", "serial"],
                                               name="document_serial_unique")]

    def __str__(self) -> str:
        return self.number

    @property
    def title(self) -> str:
        """The form's name as printed (责令限期整改指令书)."""
        return numbering.title(self.kind)

    @property
    def superseded_by(self):
        """The latest correction of this document, or None."""
        return self.corrections.order_by("-issued_at", "-id").first()

    @property
    def is_superseded(self) -> bool:
        annotated = getattr(self, "n_corrections", None)  # a list annotates it (one query for the page)
        return bool(annotated) if annotated is not None else self.corrections.exists()

    def save(self, *args, **kwargs):
        if self.pk is not None or not getattr(self, "_issuing", False):
            raise ImmutableDocument(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument(type(self))
