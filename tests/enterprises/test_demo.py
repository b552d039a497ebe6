"""The demo county's enterprises are realistic and consistent: sectors, places, codes, licences, units and major
hazard sources of every level, with stored assessments that agree with GB 18218."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from yingji.core.models import Region
from yingji.enterprises.choices import Sector
from yingji.enterprises.models import Enterprise, Licence, MajorHazardAssessment, Unit
from yingji.standards import gb18218
from yingji.standards.gb32100 import is_valid_credit_code


def test_about_three_hundred_enterprises_across_sectors_and_townships(demo_county):
    enterprises = list(Enterprise.objects.select_related("supervising_unit"))
    assert 280 <= len(enterprises) <= 320
    assert all(is_valid_credit_code(e.credit_code) for e in enterprises)
    assert len({e.credit_code for e in enterprises}) == len({e.name for e in enterprises}) == len(enterprises)
    sectors = Counter(e.sector for e in enterprises)
    for sector in (Sector.HAZARDOUS_CHEMICALS, Sector.NON_COAL_MINING, Sector.METALLURGY, Sector.BUILDING_MATERIALS,
                   Sector.MACHINERY, Sector.FIREWORKS):
        assert sectors[sector] >= 10, sector
    flags = Counter(flag for e in enterprises for flag in ("ammonia_refrigeration", "combustible_dust",
                                                           "confined_space", "hazchem_business", "tailings_pond")
                    if getattr(e, flag))
    assert all(flags[f] >= 5 for f in ("ammonia_refrigeration", "combustible_dust", "confined_space",
                                       "hazchem_business", "tailings_pond"))
    villages = set(Region.objects.filter(level="village").values_list("code", flat=True))
    assert all(e.region_code in villages for e in enterprises)
    townships = {e.region_code[:9] for e in enterprises}
    assert townships == set(Region.objects.filter(level="township").values_list("code", flat=True))
    assert all(e.supervising_unit.kind in ("member_unit", "bureau") for e in enterprises)
    assert all(e.industry_division and e.industry_section for e in enterprises)


def test_licences_include_expired_and_expiring_ones(demo_county):
    states = Counter(licence.current_state for licence in Licence.objects.all())
    assert states["expired"] >= 10 and states["expiring"] >= 10 and states["valid"] > states["expiring"]
    assert not Licence.objects.filter(expires_on__lt=timezone.localdate(), issued_on__gt=timezone.localdate()).exists()


def test_major_hazard_sources_of_every_level_agree_with_the_standard(demo_county):
    majors = Unit.objects.filter(is_major=True)
    assert set(majors.values_list("level", flat=True)) == {1, 2, 3, 4}
    for unit in Unit.objects.prefetch_related("chemicals"):
        result = gb18218.assess(unit.chemical_items(), unit.exposed_population)
        assert (unit.is_major, unit.level) == (result.is_major, result.level), unit
        assert unit.assessed_at is not None
    assert MajorHazardAssessment.objects.count() == Unit.objects.count()
    for enterprise in Enterprise.objects.filter(major_hazard=True):
        assert enterprise.major_hazard_level == min(enterprise.units.filter(is_major=True)
                                                    .values_list("level", flat=True))
    assert not Enterprise.objects.filter(major_hazard=False, units__is_major=True).exists()
