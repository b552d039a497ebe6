"""Warning templates per event type: pre-filled text, level, CAP category and areas, and the fields each locks.

Kept as data in code (reviewed like code); a template answers ``fields(county_code)`` for a new draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from .choices import CapCategory, WarningLevel


@dataclass(frozen=True)
class WarningTemplate:
    key: str
    name: str
    event_type: str
    event: str
    category: str
    level: str
    headline: str
    description: str
    instruction: str
    #: "county" for the whole county; otherwise explicit codes are chosen by the author.
    predefined_area: str = ""
    locked: tuple[str, ...] = field(default=("event_type", "event", "category", "level"))

    def fields(self, county_code: str) -> dict:
        data = {"template": self.key, "event_type": self.event_type, "event": self.event,
                "category": self.category, "level": self.level, "headline": self.headline,
                "description": self.description, "instruction": self.instruction,
                "locked_fields": list(self.locked)}
        if self.predefined_area == "county":
            data["area_codes"] = [county_code]
        return data


TEMPLATES: dict[str, WarningTemplate] = {t.key: t for t in [
    WarningTemplate(
        "rainstorm_red", "暴雨红色预警", "rainstorm", "暴雨", CapCategory.MET, WarningLevel.RED,
        "暴雨红色预警",
        "过去3小时降雨量已达100毫米以上，且降雨可能持续。",
        "1. 停止集会、停课、停业（除特殊行业外）；2. 做好山洪、滑坡、泥石流等灾害的防御和抢险工作；"
        "3. 危险地带人员立即转移至安全场所。",
        predefined_area="county", locked=("event_type", "event", "category", "level", "instruction")),
    WarningTemplate(
        "rainstorm_orange", "暴雨橙色预警", "rainstorm", "暴雨", CapCategory.MET, WarningLevel.ORANGE,
        "暴雨橙色预警",
        "过去3小时降雨量已达50毫米以上，且降雨可能持续。",
        "1. 切断有危险的室外电源，暂停户外作业；2. 处于危险地带的单位应当停课、停业；"
        "3. 做好城市、农田的排涝，注意防范可能引发的山洪、滑坡、泥石流等灾害。",
        predefined_area="county"),
    WarningTemplate(
        "flash_flood", "山洪灾害预警", "flash_flood", "山洪", CapCategory.GEO, WarningLevel.ORANGE,
        "山洪灾害预警",
        "受强降雨影响，山区沟道可能发生山洪。",
        "1. 沿河、沟道两侧人员立即转移至安全区域；2. 村组责任人逐户通知到人；3. 严禁涉水过河。",
        locked=("event_type", "event", "category")),
    WarningTemplate(
        "forest_fire", "森林火险预警", "forest_fire", "森林火险", CapCategory.FIRE, WarningLevel.ORANGE,
        "森林火险橙色预警",
        "未来几天气温高、湿度小、风力大，森林火险等级高。",
        "1. 严禁一切野外用火；2. 护林员加强巡山；3. 扑火队伍进入待命状态。",
        locked=("event_type", "event", "category")),
    WarningTemplate(
        "geohazard", "地质灾害气象风险预警", "geohazard", "地质灾害", CapCategory.GEO, WarningLevel.YELLOW,
        "地质灾害气象风险黄色预警",
        "受持续降雨影响，地质灾害发生风险较高。",
        "1. 监测员加密巡查隐患点；2. 发现险情立即组织群众撤离。",
        locked=("event_type", "event", "category")),
]}
