"""Demo data of warnings: ~900 responsible persons (county, every township, every village; flood, forest fire,
geological hazards) and published warnings, including an Update and a Cancel of earlier ones, with deliveries
and confirmations. Deterministic from the demo rng; bulk inserts keep it fast."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from yingji.core.choices import RegionLevel
from yingji.core.demo import COUNTY_CODE, mobile, person_name
from yingji.core.models import Region

from . import cap, services
from .catalog import TEMPLATES
from .choices import Channel, DeliveryState, MessageType, PersonKind, WarningLevel, WarningState
from .models import Delivery, ResponsiblePerson, Warning, WarningEvent

COUNTY_PEOPLE = [(PersonKind.FLOOD, "县防汛抗旱指挥部总指挥"), (PersonKind.FLOOD, "县防汛抗旱指挥部副总指挥"),
                 (PersonKind.FLOOD, "县防办主任"), (PersonKind.FOREST_FIRE, "县森林防灭火指挥部总指挥"),
                 (PersonKind.FOREST_FIRE, "县森防办主任"), (PersonKind.GEOHAZARD, "县自然资源局地灾股长")]
TOWNSHIP_PEOPLE = [(PersonKind.FLOOD, "乡镇防汛行政责任人"), (PersonKind.FLOOD, "乡镇防汛技术责任人"),
                   (PersonKind.FLOOD, "乡镇应急办主任"), (PersonKind.FOREST_FIRE, "乡镇森林防火责任人"),
                   (PersonKind.FOREST_FIRE, "乡镇护林防火办主任"), (PersonKind.GEOHAZARD, "乡镇地灾防治责任人")]
VILLAGE_PEOPLE = [(PersonKind.FLOOD, "村防汛责任人（村支书）"), (PersonKind.FLOOD, "村防汛巡查员"),
                  (PersonKind.FLOOD, "转移避险责任人"), (PersonKind.FLOOD, "预警信息员"),
                  (PersonKind.FLOOD, "网格防汛责任人"),
                  (PersonKind.FOREST_FIRE, "护林员"), (PersonKind.FOREST_FIRE, "村森林防火责任人"),
                  (PersonKind.GEOHAZARD, "地灾隐患点监测员")]


def _people(rng: random.Random) -> None:
    regions = list(Region.objects.order_by("code").values_list("code", "level"))
    first_of: dict[tuple[str, str], ResponsiblePerson] = {}
    for wanted, roster in ((RegionLevel.COUNTY, COUNTY_PEOPLE), (RegionLevel.TOWNSHIP, TOWNSHIP_PEOPLE),
                           (RegionLevel.VILLAGE, VILLAGE_PEOPLE)):
        batch = []
        for code, level in regions:
            if level != wanted:
                continue
            extra = rng.randrange(0, 3) if wanted == RegionLevel.VILLAGE else 0
            for kind, title in roster + roster[1:2] * extra:
                parent = code[:6] if len(code) == 9 else code[:9]
                superior = first_of.get((parent, kind)) if wanted != RegionLevel.COUNTY else None
                email = f"{kind}.{code}.{len(batch)}@yjj.example.cn" if wanted != RegionLevel.VILLAGE else ""
                channels = [Channel.SMS, Channel.EMAIL] if email else [Channel.SMS]
                batch.append(ResponsiblePerson(name=person_name(rng), kind=kind, title=title, region_code=code,
                                               phone=mobile(rng), email=email, superior=superior,
                                               channels=channels))
        ResponsiblePerson.objects.bulk_create(batch)
        for p in ResponsiblePerson.objects.filter(region_code__in=[c for c, lv in regions if lv == wanted]
                                                  ).order_by("pk"):
            first_of.setdefault((p.region_code, p.kind), p)


def _warning(template_key: str, *, level: str, codes: list[str], names: str, sent, hours: float,
             state: str, msg_type: str = MessageType.ALERT, references: Warning | None = None,
             headline: str = "", description: str = "") -> Warning:
    fields = TEMPLATES[template_key].fields(COUNTY_CODE)
    fields.pop("area_codes", None)
    fields.update(level=level, headline=headline or fields["headline"],
                  description=description or fields["description"])
    targets = services.target_codes(codes, [], [])
    warning = Warning(**fields, identifier=services.new_identifier(services.sender_code(), sent),
                      sender=services.sender(), msg_type=msg_type, references=references, state=state,
                      effective=sent, expires=sent + timedelta(hours=hours), area_codes=codes, area_desc=names,
                      target_codes=targets, region_code=services.common_region(codes), created_at=sent,
                      sent=sent if state in (WarningState.PUBLISHED, WarningState.UPDATED, WarningState.CANCELLED,
                                             WarningState.EXPIRED) else None)
    warning.save()
    problems = cap.validate(cap.build(warning)) if warning.sent else []
    if problems:
        raise RuntimeError(f"demo warning {warning.identifier} is not valid CAP: {problems}")
    WarningEvent.objects.create(warning=warning, time=sent, kind="publish" if warning.sent else "create")
    return warning


def _deliveries(rng: random.Random, warning: Warning, confirm_share: float) -> None:
    rows = services.recipients(warning).values_list("pk", "channels", "region_code")
    batch = []
    for pk, channels, region_code in rows:
        sent_at = warning.sent + timedelta(seconds=rng.randrange(5, 90))
        confirmed = rng.random() < confirm_share
        batch.append(Delivery(warning=warning, person_id=pk, channel=channels[0], attempts=1, created_at=warning.sent,
                              sent_at=sent_at, region_code=region_code,
                              state=DeliveryState.ACKNOWLEDGED if confirmed else DeliveryState.SENT,
                              acknowledged_at=sent_at + timedelta(minutes=rng.randrange(1, 40)) if confirmed else None,
                              ack_via="link" if confirmed else ""))
    Delivery.objects.bulk_create(batch, batch_size=2000)


def generate(rng: random.Random) -> None:
    _people(rng)
    now = timezone.now().replace(microsecond=0)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    hill = townships[-3:]
    forest = townships[5:8]
    rain = _warning("rainstorm_orange", level=WarningLevel.ORANGE, codes=[COUNTY_CODE], names="全县",
                    sent=now - timedelta(hours=3), hours=24, state=WarningState.UPDATED)
    _deliveries(rng, rain, 0.9)
    update = _warning("rainstorm_red", level=WarningLevel.RED, codes=[COUNTY_CODE], names="全县",
                      sent=now - timedelta(hours=1), hours=12, state=WarningState.PUBLISHED,
                      msg_type=MessageType.UPDATE, references=rain,
                      headline="暴雨橙色预警升级为暴雨红色预警")
    _deliveries(rng, update, 0.7)
    flood = _warning("flash_flood", level=WarningLevel.ORANGE, codes=[t.code for t in hill],
                     names="、".join(t.name for t in hill), sent=now - timedelta(hours=5), hours=24,
                     state=WarningState.CANCELLED)
    _deliveries(rng, flood, 0.95)
    cancel = _warning("flash_flood", level=WarningLevel.ORANGE, codes=[t.code for t in hill],
                      names="、".join(t.name for t in hill), sent=now - timedelta(minutes=30), hours=6,
                      state=WarningState.PUBLISHED, msg_type=MessageType.CANCEL, references=flood,
                      headline="解除山洪灾害预警", description="降雨已减弱，山洪风险解除。")
    _deliveries(rng, cancel, 0.5)
    fire = _warning("forest_fire", level=WarningLevel.YELLOW, codes=[t.code for t in forest],
                    names="、".join(t.name for t in forest), sent=now - timedelta(hours=2), hours=48,
                    state=WarningState.PUBLISHED, headline="森林火险黄色预警")
    _deliveries(rng, fire, 0.8)
    _warning("geohazard", level=WarningLevel.YELLOW, codes=[hill[0].code], names=hill[0].name,
             sent=now - timedelta(days=6), hours=24, state=WarningState.EXPIRED)
    _warning("geohazard", level=WarningLevel.YELLOW, codes=[hill[1].code], names=hill[1].name,
             sent=now, hours=24, state=WarningState.DRAFT)


def clear() -> None:
    Delivery.objects.all().delete()
    Warning.objects.update(references=None)
    Warning.objects.all().delete()
    ResponsiblePerson.objects.update(superior=None)
    ResponsiblePerson.objects.all().delete()
