"""Fixtures of the dual-prevention tests: demo accounts, a helper that drives a fresh hazard of enterprise1's
enterprise to any state through the real services, and a throwaway upload directory."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingji.core.models import User
from yingji.prevention import services
from yingji.prevention.choices import AttachmentPurpose, HazardLevel, HazardState
from yingji.prevention.models import Hazard

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64
STEPS = [HazardState.REPORTED, HazardState.CONFIRMED, HazardState.RECTIFYING, HazardState.RECTIFIED,
         HazardState.VERIFIED, HazardState.CLOSED]


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def future(days: int = 14) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def local_day(iso: str) -> str:
    """The local calendar day of an API date-time (the API answers in UTC)."""
    from django.utils.dateparse import parse_datetime

    return timezone.localtime(parse_datetime(iso)).date().isoformat()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def users(demo_county):
    return {u.username: u for u in User.objects.filter(username__in=[
        "admin", "duty", "section", "inspector", "commander", "approver", "observer", "township1", "township2",
        "grid1", "enterprise1", "enterprise2"])}


@pytest.fixture
def make_hazard(users):
    """``make_hazard(state, level="general", **overrides)`` → a hazard of enterprise1's enterprise in ``state``,
    driven there through the services (enterprise1 reports and rectifies, the inspector confirms and verifies,
    the section staff close)."""

    def make(state: str = HazardState.REPORTED, level: str = HazardLevel.GENERAL, *, enterprise=None,
             reporter=None, rectifier=None, responsible_user=None, title: str = "消防通道被物料堵塞") -> Hazard:
        reporter = reporter or users["enterprise1"]
        enterprise = enterprise or users["enterprise1"].enterprise
        hazard = services.report_hazard(reporter, {"enterprise": enterprise.pk, "title": title,
                                                   "description": "仓库东侧消防通道堆放物料", "location": "仓库"})
        target = STEPS.index(state)
        if target >= 1:
            payload = {"level": level, "due_at": future(), "responsible_person": "王强"}
            if responsible_user is not None:
                payload["responsible_user_id"] = responsible_user.pk
            if level == HazardLevel.MAJOR:
                payload.update(measures="停产整改，加装报警装置", funds="200000")
            hazard = services.perform(users["inspector"], hazard, "confirm", payload)
        rectifier = rectifier or users["enterprise1"]
        if target >= 2:
            hazard = services.perform(rectifier, hazard, "start", {})
            services.add_attachment(rectifier, hazard, png("after.png"), AttachmentPurpose.EVIDENCE)
        if target >= 3:
            hazard = services.perform(rectifier, hazard, "rectify", {"description": "物料已清走，通道畅通"})
        if target >= 4:
            hazard = services.perform(users["township1"], hazard, "verify", {})
        if target >= 5:
            hazard = services.perform(users["section"], hazard, "close", {})
        assert hazard.state == state
        return Hazard.objects.get(pk=hazard.pk)

    return make
