"""Uploads: type by content, size limit, stored outside static paths, served only inside scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.core import attachments
from yingji.core.errors import ValidationFailed
from yingji.core.models import AuditRecord, User
from yingji.enterprises.models import Enterprise

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@pytest.fixture
def owner(demo_county):
    return User.objects.get(username="enterprise1").enterprise


def test_images_and_pdfs_are_accepted_by_content(owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = User.objects.get(username="enterprise1")
    png = attachments.attach(user, owner, SimpleUploadedFile("photo.jpg", PNG, content_type="image/jpeg"))
    assert png.content_type == "image/png"  # sniffed, not the client's claim
    pdf = attachments.attach(user, owner, SimpleUploadedFile("report.pdf", PDF))
    assert pdf.content_type == "application/pdf" and pdf.enterprise_id == owner.pk
    assert str(tmp_path) in pdf.file.path and str(settings.STATIC_ROOT) not in pdf.file.path
    assert list(attachments.for_object(owner)) == [png, pdf]
    assert AuditRecord.objects.filter(object_type="core.attachment", object_id=str(png.pk)).exists()


@pytest.mark.parametrize("content, name", [(b"<html>evil</html>", "x.png"), (b"", "empty.pdf"),
                                           (b"MZ\x90\x00", "tool.pdf")])
def test_other_content_is_refused(owner, content, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationFailed) as exc:
        attachments.attach(User.objects.get(username="admin"), owner, SimpleUploadedFile(name, content))
    assert exc.value.errors[0]["field"] == "file"
    assert not attachments.for_object(owner).exists()


def test_size_limit(owner, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    with pytest.raises(ValidationFailed, match="Validation failed"):
        attachments.attach(User.objects.get(username="admin"), owner, SimpleUploadedFile("a.png", PNG + b"0" * 100))


def test_download_only_inside_scope(owner, web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    att = attachments.attach(User.objects.get(username="enterprise1"), owner, SimpleUploadedFile("p.png", PNG))
    ok = web("enterprise1").get(f"/attachments/{att.pk}/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PNG
    assert web("admin").get(f"/attachments/{att.pk}/").status_code == 200
    other_township = Enterprise.objects.exclude(region_code__startswith=owner.region_code[:9]).first()
    assert other_township is not None
    assert web("township2").get(f"/attachments/{att.pk}/").status_code == 404
    assert not settings.MEDIA_URL or not settings.MEDIA_URL.startswith(settings.STATIC_URL)
