"""Stored records (audit messages, warning timeline events, delivery errors, plan conditions, sensor keys) keep
their data language-neutral or English, and read in the reader's language on pages."""

from __future__ import annotations

from django.utils import translation

from yingji.core.audit import describe_message
from yingji.core.models import AuditRecord
from yingji.incidents import plans
from yingji.monitoring.choices import sensor_key_label
from yingji.warnings.channels import describe_error
from yingji.warnings.models import WarningEvent


def _record(object_type: str, message: str) -> AuditRecord:
    return AuditRecord(object_type=object_type, message=message)


def test_audit_messages_read_in_the_active_language(db):
    with translation.override("zh-hans"):
        assert describe_message(_record("warnings.warning", "publish")) == "发布"
        assert describe_message(_record("incidents.incident", "reopen: 补充调查")) == "重新打开(说明原因)：补充调查"
        assert describe_message(_record("enterprises.enterprise", "full contact numbers shown")) == "查看了完整联系电话"
        assert describe_message(_record("incidents.incident", "plan activated: 某预案 level III")) == \
            "启动预案:某预案,Ⅲ级响应"
        assert describe_message(_record("core.user", "something else")) == "something else"
        # An action name of another model is not translated as if it were this model's.
        assert describe_message(_record("core.user", "publish")) == "publish"
    with translation.override("en"):
        assert describe_message(_record("warnings.warning", "publish")) == "Publish"


def test_warning_events_render_their_parameters():
    event = WarningEvent(kind="escalate", note="张三: no confirmation, superior 李四 told (all channels tried)",
                         params={"text": "superior_told", "person": "张三", "superior": "李四",
                                 "step": "all_channels", "step_person": ""})
    nudge = WarningEvent(kind="escalate", note="x", params={"text": "next_channel", "person": "张三",
                                                               "channel": "webhook"})
    note = WarningEvent(kind="reject", note="措辞需修改")
    with translation.override("zh-hans"):
        assert event.kind_label == "升级通知"
        assert event.text == "张三:未确认,已通知上级 李四(所有渠道均已尝试)"
        assert "群机器人" in nudge.text
        assert note.kind_label == "退回修改" and note.text == "措辞需修改"
    with translation.override("en"):
        assert event.text == "张三: no confirmation, superior 李四 told (all channels tried)"


def test_delivery_errors_and_sensor_keys():
    with translation.override("zh-hans"):
        assert describe_error("HTTP 502") == "网关返回 HTTP 502"
        assert describe_error("no URL configured") == "未配置网关地址"
        assert describe_error("gateway said: quota") == "gateway said: quota"
        assert sensor_key_label("water_level") == "水位" and sensor_key_label("displacement") == "位移"
        assert sensor_key_label("custom_key") == "custom_key"


def test_plan_conditions_read_and_parse_in_chinese():
    with translation.override("zh-hans"):
        assert plans.describe_condition({"field": "grade", "min": "especially_serious"}) == "事故等级≥特别重大"
        assert plans.describe_condition({"field": "deaths", "min": 30}) == "死亡人数≥30"
        assert plans.describe_condition({"field": "alarm_level", "min": "orange"}) == "报警级别≥橙色"
        assert plans.parse_field("死亡人数") == "deaths" and plans.parse_field("deaths") == "deaths"
        assert plans.parse_field("伤亡") is None
        assert plans.parse_rank("grade", "重大") == "serious" and plans.parse_rank("alarm_level", "red") == "red"
