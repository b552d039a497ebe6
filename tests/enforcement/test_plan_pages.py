"""The pages of the plan, campaigns and orders as section staff and as a township user: the plan page and its
export, drawing up a plan, issuing an order and replying with a file, a report from the task page."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yingji.core import attachments
from yingji.core.models import User
from yingji.enforcement.models import AnnualInspectionPlan, CampaignTask, SupervisionOrder
from yingji.enforcement.services import campaigns

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_the_demo_plan_page_and_its_export(web, demo_county):
    plan = AnnualInspectionPlan.objects.get(year=timezone.localdate().year, region_code=demo_county["county"])
    page = web("section").get(reverse("inspection_plan_detail", args=[plan.pk])).content.decode()
    assert "A类（重点监管）" in page and "分乡镇逐月计划/完成" in page and 'id="yj-plan-progress"' in page
    assert page.count("data-township=") == 14
    own = web("township1").get(reverse("inspection_plan_detail", args=[plan.pk])).content.decode()
    assert own.count("data-township=") == 1 and f'data-township="{demo_county["township"]}"' in own
    assert 'id="yj-plan-approve"' not in own
    export = web("township1").get(reverse("inspection_plan_detail", args=[plan.pk]), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "乡镇（街道）" and rows[1][2] == "1月计划" and rows[-1][0] == "合计"
    assert len(rows) == 4  # title, header, the township, total
    assert web("enterprise1").get(reverse("inspection_plan_detail", args=[plan.pk])).status_code == 404


def test_drawing_up_a_plan_from_the_page(web, demo_county):
    client = web("section")
    response = client.post(reverse("inspection_plan_create"), {"year": timezone.localdate().year + 1,
                                                               "region_code": demo_county["township2"]})
    plan = AnnualInspectionPlan.objects.get(year=timezone.localdate().year + 1, region_code=demo_county["township2"])
    assert response.status_code == 302 and response["Location"] == reverse("inspection_plan_detail", args=[plan.pk])
    again = client.post(reverse("inspection_plan_create"), {"year": plan.year, "region_code": plan.region_code})
    assert again.status_code == 400 and "该地区该年度已有计划" in again.content.decode()
    client.post(reverse("inspection_plan_act", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert plan.state == "approved"
    assert web("township2").post(reverse("inspection_plan_act", args=[plan.pk, "publish"])).status_code == 403


def test_issuing_an_order_and_replying_with_a_file(web, demo_county):
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    response = web("section").post(reverse("supervision_order_create"), {
        "kind": "assignment", "title": "核查液化气钢瓶", "matter": "请核查", "township": demo_county["township"],
        "deadline": deadline.isoformat()})
    order = SupervisionOrder.objects.latest("pk")
    assert response.status_code == 302 and order.title == "核查液化气钢瓶" and order.state == "issued"
    page = web("township1").get(reverse("supervision_order_detail", args=[order.pk])).content.decode()
    assert 'id="yj-order-reply"' in page and 'id="yj-order-accept"' not in page
    reply = web("township1").post(reverse("supervision_order_act", args=[order.pk, "reply"]), {
        "text": "已核查，无违规存放", "file": SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")})
    order.refresh_from_db()
    assert reply.status_code == 302 and order.state == "replied" and order.reply == "已核查，无违规存放"
    assert [a.original_name for a in attachments.for_object(order)] == ["现场照片.png"]
    assert web("township2").get(reverse("supervision_order_detail", args=[order.pk])).status_code == 404
    section_page = web("section").get(reverse("supervision_order_detail", args=[order.pk])).content.decode()
    assert 'id="yj-order-accept"' in section_page and "现场照片.png" in section_page


def test_a_report_from_the_task_page(web, demo_county):
    task = CampaignTask.objects.filter(region_code=demo_county["township"], due_on__isnull=False).first()
    due = task.due_on
    response = web("township1").post(reverse("campaign_task_report", args=[task.pk]), {
        "enterprises_checked": 6, "hazards_found": 2, "hazards_rectified": 1, "major_hazards": 0,
        "text": "本期检查企业6家"})
    assert response.status_code == 302
    report = task.reports.get(due_on=due)
    assert report.submitted_by == User.objects.get(username="township1") and report.enterprises_checked == 6
    assert report.late is (timezone.localdate() > due)
    assert campaigns.may_report(task, User.objects.get(username="township2")) is False
