"""Uploaded evidence (photos, PDFs): type checked by content, size-limited, stored under the data directory (never
under a public static path) and served only through a view that checks the owning object's scope."""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.translation import gettext

from . import audit
from .choices import AuditAction
from .errors import ValidationFailed
from .models import Attachment
from .policy import object_scope

MAX_BYTES = 10 * 1024 * 1024
#: Magic numbers of the accepted types (the client's content type and file name are not trusted).
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def attach(actor, owner: models.Model, uploaded, *, purpose: str = "") -> Attachment:
    """Store one uploaded file for ``owner`` (the caller has checked the actor may change the owner)."""
    size = getattr(uploaded, "size", None)
    if size is None or size <= 0:
        raise ValidationFailed.from_dict({"file": [gettext("The file is empty")]})
    if size > MAX_BYTES:
        raise ValidationFailed.from_dict({"file": [f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB"]})
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed.from_dict({"file": [f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB"]})
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationFailed.from_dict(
            {"file": [gettext("Only JPEG, PNG or WebP images and PDF files are accepted")]})
    content_type, ext = kind
    region_code, enterprise_id = object_scope(owner)
    name = str(getattr(uploaded, "name", "") or f"upload.{ext}")[-200:]
    with transaction.atomic():
        attachment = Attachment(
            object_type=owner._meta.label_lower, object_id=str(owner.pk), original_name=name,
            content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor, region_code=region_code, enterprise_id=enterprise_id, purpose=purpose[:50],
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
        attachment.save()
        audit.record(AuditAction.CREATE, attachment, actor=actor,
                     after={"owner": f"{owner._meta.label_lower}:{owner.pk}", "name": name, "size": len(data),
                            "sha256": attachment.sha256})
    return attachment


def for_object(owner: models.Model):
    return Attachment.objects.filter(object_type=owner._meta.label_lower, object_id=str(owner.pk))
