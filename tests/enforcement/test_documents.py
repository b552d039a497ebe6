"""Enforcement documents (执法文书): numbers per series and year that are never reused or skipped (also under
concurrency), immutability of issued documents, corrections, the per-kind body, scope, and the PDF drawn with the
bundled CJK font."""

from __future__ import annotations

import datetime
import io
import re
import threading
import time
import zlib

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord, User
from yingji.enforcement import services
from yingji.enforcement.models import DocumentCounter, EnforcementDocument, ImmutableDocument
from yingji.enforcement.services import documents as document_services
from yingji.enterprises.models import Enterprise
from yingji.standards import documents as numbering

ORDER = {"problems": "一号车间配电箱未接地；二号库房安全出口堵塞。",
         "legal_basis": "《中华人民共和国安全生产法》第四十一条", "deadline": "2026-12-31"}

SAMPLES = {
    "site_inspection_record": {"place": "一号生产车间、二号库房", "inspected_from": "2026-03-02T09:30",
                               "inspected_to": "2026-03-02T11:00",
                               "officers": "王建国（豫应急执12345678）、李华",
                               "present": "安全员赵敏",
                               "findings": "配电箱未接地，安全出口堵塞，现场作业人员未佩戴防护用品。"},
    "rectification_order": ORDER,
    "rectification_review": {"order_number": "舞钢应急责改〔2026〕第1号", "reviewed_on": "2026-03-20",
                             "opinion": "经复查，上述问题已整改完毕，同意销号。"},
    "coercive_measure_decision": {"facts": "存放的危险化学品无合法来源证明",
                                  "legal_basis": "《中华人民共和国安全生产法》第六十五条",
                                  "measure": "查封存放危险化学品的仓库", "period": "三十日"},
    "penalty_notice": {"facts": "未按规定对从业人员进行安全生产教育和培训",
                       "legal_basis": "《中华人民共和国安全生产法》第九十七条",
                       "proposed_penalty": "罚款人民币三万元", "fine": "30000", "hearing_right": True,
                       "statement_due": "2026-04-03", "hearing_request_due": "2026-04-08"},
    "penalty_decision": {"facts": "未按规定对从业人员进行安全生产教育和培训",
                         "evidence": "现场检查记录、询问笔录、培训档案",
                         "legal_basis": "《中华人民共和国安全生产法》第九十七条", "penalty": "罚款人民币三万元",
                         "fine": 30000, "payment": "缴至财政指定银行，注明决定书文号。"},
    "service_receipt": {"served_document": "行政处罚决定书 舞钢应急罚决〔2026〕第1号", "recipient": "赵敏",
                        "method": "direct", "served_at": "2026-04-10T10:00", "place": "企业办公室"},
}


def _enterprise(user: User) -> Enterprise:
    return Enterprise.objects.for_user(user).order_by("pk").first()


def _issue(username="inspector", kind="rectification_order", content=None, **kwargs):
    user = User.objects.get(username=username)
    return services.issue_document(user, kind, kwargs.pop("enterprise", None) or _enterprise(user),
                                   content or SAMPLES[kind], **kwargs)


def test_numbers_follow_the_series_and_year_consecutively(demo_county):
    first = _issue()
    second = _issue()
    year = timezone.localdate().year
    assert first.prefix == "舞钢应急" and first.issuer == "舞钢市应急管理局"
    assert first.number == f"舞钢应急责改〔{year}〕第{first.serial}号"
    assert second.serial == first.serial + 1
    assert numbering.parse_number(second.number).n == second.serial
    # Another series counts on its own.
    record = _issue(kind="site_inspection_record")
    assert record.number.startswith("舞钢应急检记") and record.serial == DocumentCounter.objects.get(
        prefix="舞钢应急", kind="site_inspection_record", year=year).last
    assert AuditRecord.objects.filter(object_type="enforcement.enforcementdocument", object_id=str(second.pk),
                                      action="create").exists()


def test_a_failed_issue_gives_its_number_back(demo_county):
    before = _issue()
    with pytest.raises(RuntimeError), transaction.atomic():
        _issue()
        raise RuntimeError("the surrounding write failed")
    after = _issue()
    assert after.serial == before.serial + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_consecutive_numbers_none_skipped_or_reused(demo_county):
    """Six threads, each with its own connection, issue in the same series at once."""
    user = User.objects.get(username="inspector")
    enterprise = _enterprise(user)
    year = timezone.localdate().year
    counter = DocumentCounter.objects.filter(prefix="舞钢应急", kind="rectification_order", year=year).first()
    start = counter.last if counter else 0
    threads_n = 6
    barrier = threading.Barrier(threads_n)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def issue():
        try:
            barrier.wait()
            for _attempt in range(400):
                try:
                    document = services.issue_document(user, "rectification_order", enterprise, ORDER)
                except OperationalError as exc:
                    # The in-memory shared-cache test database answers "locked" at once where a database file
                    # (busy timeout) or PostgreSQL waits; the whole issue rolled back, so wait and retry.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
                    continue
                numbers.append(document.serial)
                break
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(numbers) == list(range(start + 1, start + threads_n + 1))
    stored = EnforcementDocument.objects.filter(kind="rectification_order", year=year, serial__gt=start)
    assert sorted(stored.values_list("serial", flat=True)) == sorted(numbers)
    assert DocumentCounter.objects.get(prefix="舞钢应急", kind="rectification_order", year=year).last == \
        start + threads_n


def test_every_way_of_changing_an_issued_document_raises(demo_county):
    document = _issue()
    document.content = {**document.content, "deadline": "2027-01-01"}
    with pytest.raises(ImmutableDocument):
        document.save()
    with pytest.raises(ImmutableDocument):
        document.delete()
    with pytest.raises(ImmutableDocument):
        EnforcementDocument.objects.filter(pk=document.pk).update(content={})
    with pytest.raises(ImmutableDocument):
        EnforcementDocument.objects.filter(pk=document.pk).delete()
    with pytest.raises(ImmutableDocument):
        EnforcementDocument.objects.bulk_update([document], ["content"])
    with pytest.raises(ImmutableDocument):
        EnforcementDocument.objects.for_user(User.objects.get(username="admin")).filter(pk=document.pk).update(
            number="x")
    # Only the service issues: a document built and saved directly is refused too.
    stray = EnforcementDocument(kind="rectification_order", prefix="x", year=2026, serial=999999, number="x",
                                issuer="x", enterprise=document.enterprise, region_code="410481", content={})
    with pytest.raises(ImmutableDocument):
        stray.save()
    stored = EnforcementDocument.objects.get(pk=document.pk)
    assert stored.content == document_services.validate_content("rectification_order", ORDER)


def test_a_correction_is_a_new_document_and_supersedes_the_old(api, demo_county):
    old = _issue()
    client = api("inspector")
    body = {"kind": "rectification_order", "enterprise_id": old.enterprise_id, "corrects_id": old.pk,
            "content": {**ORDER, "deadline": "2027-01-15"}}
    response = client.post("/api/v1/enforcement-documents", body)
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["corrects_id"] == old.pk and new["number"] != old.number and new["superseded"] is False
    assert client.get(f"/api/v1/enforcement-documents/{old.pk}").json()["superseded"] is True
    assert EnforcementDocument.objects.get(pk=old.pk).content["deadline"] == "2026-12-31"
    # The old one is not corrected twice: the latest correction is.
    assert_error_shape(client.post("/api/v1/enforcement-documents", body), 422)
    # A correction keeps kind and enterprise.
    other = {**body, "corrects_id": new["id"], "kind": "site_inspection_record",
             "content": SAMPLES["site_inspection_record"]}
    assert_error_shape(client.post("/api/v1/enforcement-documents", other), 422)


def test_the_body_is_checked_against_its_layout(api, demo_county):
    client = api("inspector")
    enterprise = _enterprise(client.user)
    bad = client.post("/api/v1/enforcement-documents", {"kind": "rectification_order", "enterprise_id": enterprise.pk,
                                                        "content": {"problems": "x", "deadline": "31/12/2026",
                                                                    "colour": "red"}})
    body = assert_error_shape(bad, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"content.legal_basis", "content.deadline", "content.colour"} <= fields
    unknown = client.post("/api/v1/enforcement-documents", {"kind": "memo", "enterprise_id": enterprise.pk,
                                                            "content": {}})
    assert_error_shape(unknown, 422)
    receipt = client.post("/api/v1/enforcement-documents", {"kind": "service_receipt", "enterprise_id": enterprise.pk,
                                                             "content": {**SAMPLES["service_receipt"],
                                                                         "method": "pigeon"}})
    assert {e["field"] for e in assert_error_shape(receipt, 422)["errors"]} == {"content.method"}


def test_scope_of_documents(api, demo_county):
    township1 = User.objects.get(username="township1")
    own = _issue(enterprise=_enterprise(township1))
    other_township = Enterprise.objects.filter(region_code__startswith=demo_county["township2"]).order_by("pk").first()
    other = _issue(enterprise=other_township)
    t1 = api("township1")
    assert t1.get(f"/api/v1/enforcement-documents/{own.pk}").status_code == 200
    assert t1.get(f"/api/v1/enforcement-documents/{other.pk}").status_code == 404
    assert t1.get(f"/api/v1/enforcement-documents/{other.pk}/pdf").status_code == 404
    # Township staff read documents but do not issue them.
    assert t1.post("/api/v1/enforcement-documents", {"kind": "rectification_order", "enterprise_id": own.enterprise_id,
                                                     "content": ORDER}).status_code == 403
    # An inspector cannot address a document to an enterprise outside the jurisdiction (none here: county-wide);
    # an enterprise reads only the documents addressed to it.
    ent_user = User.objects.get(username="enterprise1")
    mine = _issue(enterprise=ent_user.enterprise)
    listed = api("enterprise1").get("/api/v1/enforcement-documents", page_size=200).json()
    assert mine.pk in {d["id"] for d in listed["items"]}
    assert {d["enterprise_id"] for d in listed["items"]} == {ent_user.enterprise_id}
    assert api("enterprise1").get(f"/api/v1/enforcement-documents/{other.pk}").status_code == 404
    assert api("grid1").get("/api/v1/enforcement-documents").status_code == 403


def _font_programs(pdf: bytes) -> list[bytes]:
    fonts = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            data = zlib.decompress(pdf[match.end():end])
        except zlib.error:
            continue
        if data[:4] in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
            fonts.append(data)
    return fonts


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_pdf_of_every_kind_draws_all_its_chinese_with_the_bundled_font(api, demo_county, kind):
    from fontTools.ttLib import TTFont

    from yingji.core import pdf as core_pdf

    if not core_pdf.available():
        pytest.skip("WeasyPrint is not installed here")
    document = _issue(kind=kind)
    response = api("inspector").get(f"/api/v1/enforcement-documents/{document.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Every character of the layout's fixed text and of the sample document's body.
    text = document_services.render_html(document)
    chinese = {ch for ch in text if ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef") and not ch.isspace()}
    assert set(document.title) <= chinese and set("舞钢市应急管理局") <= chinese
    # The layout's fixed text is Chinese too (the seal line, and the signature lines or the receipt's table).
    assert "（印章）" in text and ("执法人员（签名）" in text or "受送达人签名或者盖章" in text
                                 or "检查人员签名" in text), text
    covered, names = set(), []
    for program in _font_programs(response.content):
        font = TTFont(io.BytesIO(program))
        names.append(font["name"].getDebugName(4))
        covered |= {chr(c) for c in font.getBestCmap()}
    assert any("CJK" in (n or "") for n in names), names
    assert chinese <= covered, sorted(chinese - covered)[:20]
    assert AuditRecord.objects.filter(action="export", object_type="enforcement.enforcementdocument",
                                      object_id=str(document.pk)).exists()


def test_document_pages(web, demo_county):
    document = _issue()
    correction = services.correct_document(User.objects.get(username="inspector"), document,
                                           {**ORDER, "deadline": "2027-02-01"})
    page = web("section").get(reverse("document_detail", args=[document.pk])).content.decode()
    assert document.number in page and "责令限期整改指令书" in page and correction.number in page
    assert "yj-document-superseded" in page
    listing = web("inspector").get(reverse("document_list"), {"kind": "rectification_order"}).content.decode()
    assert correction.number in listing and "已更正" in listing
    assert web("grid1").get(reverse("document_list")).status_code == 403
    assert datetime.date.fromisoformat(correction.content["deadline"]) == datetime.date(2027, 2, 1)


def test_the_pdf_page_downloads_the_document(web, demo_county):
    from yingji.core import pdf as core_pdf

    if not core_pdf.available():
        pytest.skip("WeasyPrint is not installed here")
    document = _issue(kind="penalty_decision")
    response = web("township1" if document.region_code.startswith(demo_county["township"]) else "section").get(
        reverse("document_pdf", args=[document.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f"penalty_decision-{document.year}-{document.serial}.pdf" in response["Content-Disposition"]
    assert web("grid1").get(reverse("document_pdf", args=[document.pk])).status_code in (403, 404)
