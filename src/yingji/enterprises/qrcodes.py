"""The enterprise's code (一企一码): a QR code that opens its one-page safety archive."""

from __future__ import annotations

import io

import segno
from django.urls import reverse


def archive_url(request, enterprise_id: int) -> str:
    """The absolute address of the enterprise's archive page, as the request reached this server."""
    return request.build_absolute_uri(reverse("enterprise_detail", args=[enterprise_id]))


def make(url: str) -> segno.QRCode:
    # Error correction M survives a smudged print on a door or a licence board; never a Micro QR (phones skip it).
    return segno.make(url, error="m", micro=False)


def png(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    make(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
