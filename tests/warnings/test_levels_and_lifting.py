"""Warning levels in their real colours, and a lifted (解除) warning never shown as in force (issue 11 §3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.warnings.conftest import payload, publish
from yingji.core import pdf
from yingji.core.models import User
from yingji.monitoring.choices import AlarmLevel
from yingji.prevention.choices import RiskColour
from yingji.warnings import services
from yingji.warnings.choices import MessageType, WarningLevel, WarningState
from yingji.warnings.models import Warning

LEVELS_CSS = Path(pdf.LEVELS_STYLESHEET)
COLOURS = {"red", "orange", "yellow", "blue"}


def _rule(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_level_choice_set_names_its_real_colour():
    for choice_set in (WarningLevel, AlarmLevel, RiskColour):
        for value in choice_set.values():
            assert choice_set.colour(value) == value, (choice_set, value)


@pytest.mark.parametrize("colour", sorted(COLOURS))
def test_one_css_definition_readable_on_white(colour):
    css = LEVELS_CSS.read_text()
    rule = _rule(css, f".text-bg-{colour}")
    text = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{6}|#fff)\b", rule).group(1)
    variable = re.search(r"background-color:\s*var\((--yj-level-[a-z]+)\)", rule).group(1)
    background = re.search(re.escape(variable) + r":\s*(#[0-9a-fA-F]{6})", _rule(css, ":root")).group(1)
    text = "#ffffff" if text == "#fff" else text
    lighter, darker = sorted((_luminance(text), _luminance(background)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (colour, text, background)
    if colour in ("yellow", "orange"):
        assert _luminance(text) < 0.1  # dark text on the light colours
    # Orange is orange, not Bootstrap's yellow "warning".
    assert background.lower() not in ("#ffc107", "#fd7e14") or colour != "orange"
    # Nowhere else defines these classes.
    root = LEVELS_CSS.parents[2]
    for other in root.rglob("*.css"):
        if other != LEVELS_CSS and "vendor" not in other.parts:
            assert f".text-bg-{colour}" not in other.read_text(), other


def test_pages_and_pdfs_load_the_level_colours(web):
    html = web("duty").get("/warnings/").content.decode()
    assert "yingji/levels.css" in html
    from inspect import getsource

    assert "LEVELS_STYLESHEET" in getsource(pdf.render) and LEVELS_CSS.is_file()


def _badges(html: str) -> list[str]:
    return re.findall(r'class="badge text-bg-([a-z]+)"', html)


def test_warning_list_and_public_page_colour_each_level(web, client):
    listed = web("duty").get("/warnings/").content.decode()
    for warning in Warning.objects.exclude(msg_type=MessageType.CANCEL):
        row = listed.split(f'href="/warnings/{warning.pk}/"', 1)
        if len(row) == 2:
            assert f"text-bg-{warning.level}" in row[1].split("</tr>", 1)[0]
    assert "text-bg-yellow" in listed and "text-bg-orange" in listed
    public = client.get("/public/warnings/")
    assert public.status_code == 200
    html = public.content.decode()
    assert "yingji/levels.css" in html
    in_force = services.warnings_in_force()
    assert in_force.exists()
    for warning in in_force:
        card = html.split(f'href="/public/warnings/{warning.pk}/"', 1)[1].split("</div></div></div>", 1)[0]
        assert f"text-bg-{warning.level}" in card
    # Nothing else on the cards wears a level-like colour (Bootstrap's yellow "warning" or red "danger").
    cards = html.split('id="yj-public-warnings"', 1)[1]
    assert "text-bg-warning" not in cards and "text-bg-danger" not in cards


def test_lifting_notice_is_never_in_force(web, client):
    cancel = Warning.objects.get(msg_type=MessageType.CANCEL, state=WarningState.PUBLISHED)
    lifted = cancel.references
    assert lifted.state == WarningState.CANCELLED
    assert not cancel.is_current and not lifted.is_current
    assert cancel not in services.warnings_in_force() and lifted not in services.warnings_in_force()
    assert cancel in services.public_warnings()  # the CAP feed still carries it, so readers learn of the lifting
    html = client.get("/public/warnings/").content.decode()
    current = html.split('id="yj-public-warnings"', 1)[1].split('id="yj-lifted-warnings"', 1)[0]
    assert cancel.headline not in current and lifted.headline not in current
    assert cancel.headline in html.split('id="yj-lifted-warnings"', 1)[1]
    # The staff list can be cut to the warnings in force.
    page = web("duty").get("/warnings/", {"in_force": "true"})
    shown = {w.pk for w in page.context["page"].object_list}
    assert shown == set(Warning.objects.filter(services.in_force_q()).values_list("pk", flat=True))
    assert cancel.pk not in shown and lifted.pk not in shown
    # Their own pages say so, and a lifting notice shows no level colour and repeats no guidance.
    for warning in (cancel, lifted):
        page = client.get(f"/public/warnings/{warning.pk}/").content.decode()
        assert 'id="yj-not-in-force"' in page
        assert warning.instruction == "" or warning.instruction not in page
    notice = client.get(f"/public/warnings/{cancel.pk}/").content.decode()
    assert f"text-bg-{cancel.level}" not in notice


def test_a_cancel_does_not_repeat_the_warning_or_its_guidance(demo_county):
    duty = User.objects.get(username="duty")
    original = publish(payload(description="山区累计降雨已超过 80 毫米，山洪风险高。",
                               instruction="立即转移沟道内人员。"))
    assert original.state == WarningState.PUBLISHED and original.is_current
    cancel = services.derive(duty, original, MessageType.CANCEL, {})
    assert cancel.instruction == ""
    assert original.description not in cancel.description and original.headline in cancel.description
    from tests.warnings.conftest import drive

    drive(cancel)
    original.refresh_from_db()
    assert original.state == WarningState.CANCELLED and not original.is_current
    assert not Warning.objects.get(pk=cancel.pk).is_current
    # A lifting notice cannot itself be updated or cancelled.
    from yingji.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.derive(duty, Warning.objects.get(pk=cancel.pk), MessageType.CANCEL, {})


def test_daily_report_pdf_prints_alarm_levels_in_their_colours(demo_county):
    """Printouts too: the daily report's PDF draws an orange alarm's badge in the one orange of levels.css."""
    import datetime
    import zlib

    from django.utils import timezone

    from tests.duty.conftest import alarm
    from yingji.duty import report as daily_report

    if not pdf.available():
        pytest.skip("WeasyPrint's system libraries are not installed")
    day = timezone.localdate() - datetime.timedelta(days=10)
    start, _end = daily_report.period(day)
    alarm(demo_county["township"], start + datetime.timedelta(hours=2), level="orange", message="水位超警戒")
    report = daily_report.build(User.objects.get(username="duty"), day)
    assert 'class="badge text-bg-orange"' in daily_report.render_body(report)
    document = daily_report.render_pdf(report)
    fills = set()
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", document, re.S):
        try:
            fills |= set(re.findall(rb"([0-9.]+ [0-9.]+ [0-9.]+) rg", zlib.decompress(stream)))
        except zlib.error:
            continue
    orange = tuple(int("f76b00"[i:i + 2], 16) / 255 for i in (0, 2, 4))
    assert any(all(abs(float(v) - o) < 0.01 for v, o in zip(fill.split(), orange, strict=True)) for fill in fills), \
        fills
