"""``yingji demo --reset``: reloading the demo county (about half a minute) is done once here and every property
of a reload is checked on it, instead of four tests each reloading the county."""

from __future__ import annotations

import os

from django.core.files.uploadedfile import SimpleUploadedFile

from yingji import cli
from yingji.core import attachments
from yingji.core.models import Region, User
from yingji.enterprises.models import Enterprise
from yingji.resources.models import Shelter, StockBatch, Team

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _resources():
    return (sorted(Team.objects.values_list("name", "lat", "lon", "headcount")),
            sorted(Shelter.objects.values_list("name", "region_code", "capacity", "lat")),
            sorted(StockBatch.objects.values_list("warehouse__name", "item__code", "batch_no", "quantity")))


def test_demo_reset_reloads_the_county_identically_clears_uploads_and_outside_demo_mode_forces_new_passwords(
        capsys, demo_county, settings, tmp_path):
    code = cli.main(["demo"])
    assert code == 2 and "--reset" in capsys.readouterr().err  # loaded already: a reload must be asked for

    regions = sorted(Region.objects.values_list("code", "name"))
    enterprises = sorted(Enterprise.objects.values_list("credit_code", flat=True))
    resources = _resources()
    assert regions and enterprises and all(resources)
    settings.MEDIA_ROOT = tmp_path
    upload = attachments.attach(User.objects.get(username="enterprise1"),
                                User.objects.get(username="enterprise1").enterprise,
                                SimpleUploadedFile("p.png", PNG))
    path = upload.file.path
    assert os.path.exists(path)
    settings.DEMO_MODE = False

    code = cli.main(["demo", "--reset"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "admin" in out and "Yjdemo@2026" in out
    # The same county again.
    assert sorted(Region.objects.values_list("code", "name")) == regions
    assert sorted(Enterprise.objects.values_list("credit_code", flat=True)) == enterprises
    assert _resources() == resources
    # Uploaded files are gone with their rows; only the files the demo makes anew remain (the signatures on its
    # inspection records).
    assert not attachments.Attachment.objects.exclude(object_type="enforcement.inspection").exists()
    assert not os.path.exists(path)
    # Outside demo mode, every account must choose its own password at first login.
    assert all(User.objects.values_list("must_change_password", flat=True))
