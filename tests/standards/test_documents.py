"""执法文书文号 (《安全生产监管监察执法文书式样》 series, GB/T 9704 〔〕 brackets): format and parse."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards import documents
from yingji.standards.documents import DocumentNumber


def test_worked_example():
    assert documents.format_number("舞应急", "rectification_order", 2026, 12) == "舞应急责改〔2026〕第12号"
    assert documents.parse_number("舞应急责改〔2026〕第12号") == DocumentNumber("舞应急", "rectification_order", 2026,
                                                                             12)


def test_every_required_kind_has_a_distinct_series():
    titles = {documents.title(k) for k in documents.KINDS}
    assert titles == {"现场检查记录", "责令限期整改指令书", "整改复查意见书", "强制措施决定书", "行政处罚告知书",
                      "行政处罚决定书", "送达回证"}
    abbrs = [documents.abbreviation(k) for k in documents.KINDS]
    assert len(set(abbrs)) == len(abbrs)
    assert documents.abbreviation("penalty_notice") == "罚告" and documents.abbreviation("penalty_decision") == "罚决"
    assert documents.abbreviation("rectification_review") == "复查"


@pytest.mark.parametrize("text, expected", [
    ("舞应急罚决〔2026〕第1号", ("舞应急", "penalty_decision", 2026, 1)),
    ("舞应急罚告[2026]3号", ("舞应急", "penalty_notice", 2026, 3)),
    ("漯舞应急强措【2025】第204号", ("漯舞应急", "coercive_measure_decision", 2025, 204)),
    (" 舞应急送达（2026）第7号 ", ("舞应急", "service_receipt", 2026, 7)),
    ("舞应急检记〔2026〕第100000号", ("舞应急", "site_inspection_record", 2026, 100000)),
])
def test_parse_accepts_common_variants(text, expected):
    parsed = documents.parse_number(text)
    assert (parsed.prefix, parsed.kind, parsed.year, parsed.n) == expected
    assert str(parsed) == documents.format_number(*expected)


@pytest.mark.parametrize("text", [
    "", "舞应急〔2026〕第1号", "责改〔2026〕第1号", "舞应急责改〔26〕第1号", "舞应急责改〔2026〕第0号",
    "舞应急责改〔2026〕第01号", "舞应急责改2026第1号", "舞应急责改〔2026〕第1", "舞应急某某〔2026〕第1号",
    "舞应急责改〔1999〕第1号", "舞 应急责改〔2026〕第1号", None,
])
def test_parse_rejects_malformed(text):
    with pytest.raises(ValueError):
        documents.parse_number(text)


@pytest.mark.parametrize("args", [
    ("", "rectification_order", 2026, 1), ("舞 应急", "rectification_order", 2026, 1),
    ("舞应急〔", "rectification_order", 2026, 1), ("舞应急1", "rectification_order", 2026, 1),
    ("舞应急", "fine", 2026, 1), ("舞应急", "rectification_order", 26, 1), ("舞应急", "rectification_order", 2026, 0),
    ("舞应急", "rectification_order", 2026, True), ("舞应急", "rectification_order", 2026.0, 1),
])
def test_format_rejects_bad_parts(args):
    with pytest.raises(ValueError):
        documents.format_number(*args)


def test_custom_series():
    series = dict(documents.SERIES, penalty_decision=("行政处罚决定书", "罚"))
    text = documents.format_number("舞应急", "penalty_decision", 2026, 5, series=series)
    assert text == "舞应急罚〔2026〕第5号"
    # Both 罚 and 罚告 could end "舞应急罚告": the longer abbreviation is tried first.
    assert documents.parse_number("舞应急罚告〔2026〕第5号", series=series).kind == "penalty_notice"
    assert documents.parse_number(text, series=series).kind == "penalty_decision"


@given(prefix=st.text(alphabet="舞阳县应急管理局安监漯河XYZ", min_size=1, max_size=8),
       kind=st.sampled_from(documents.KINDS), year=st.integers(2000, 2999), n=st.integers(1, 10**6))
def test_round_trip(prefix, kind, year, n):
    text = documents.format_number(prefix, kind, year, n)
    assert documents.parse_number(text) == DocumentNumber(prefix, kind, year, n)
