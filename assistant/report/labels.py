"""The report's own fixed words (headings, labels, table headers, the sentences of the page and the
timeline) in English and Simplified Chinese; ``labels(language)`` gives a reader's."""

from __future__ import annotations

from assistant.report.words import chinese

EN = {
    "title": "Daily report: {name}, {day}",
    "meta": "{home} · times in {zone} · made {made} by carehub from the home's event log.",
    "so_far": " The day is still going on: this covers it up to {time}.",
    "no_data": "No data was recorded for {name} on this day.",
    "failed": "The {skill} skill's section failed and is left out ({error}).",
    "timeline": "Timeline", "time": "time", "what": "what",
    "no_timeline": "Nothing notable was recorded.",
    "nothing": "Nothing was recorded.",
    "activity": "Activity", "no_activity": "No activity was recorded.",
    "first_activity": "first activity", "last_activity": "last activity",
    "longest_quiet": "longest quiet spell", "motion_events": "motion events", "opened": "{name} opened",
    "bed_chair": "bed / chair changes", "steps": "steps", "location_reports": "location reports",
    "motion_chart": "motion per room per hour", "room": "room", "busiest_hour": "busiest hour",
    "alerts": "Alerts", "no_alerts": "No alerts were raised.",
    "raised": "raised", "priority": "priority", "kind": "kind", "message": "message", "status": "status",
    "acknowledged": "acknowledged", "by": "by", "time_to_ack": "time to acknowledge",
    "escalations": "escalations", "sent_to": "sent to", "times": "times",
    "not_acknowledged": "not acknowledged", "by_via": "{who} via {via}", "themselves": "{name} (themselves)",
    "median_ack": "Median time for a caregiver to acknowledge: <strong>{time}</strong>.",
    "list": ", ",
}
ZH = {
    "title": "每日报告：{name}，{day}",
    "meta": "{home} · 时间均为 {zone} 时区 · carehub 于 {made} 根据家中的事件记录生成。",
    "so_far": "今天还没有结束：本报告截至 {time}。",
    "no_data": "这一天没有记录到{name}的任何数据。",
    "failed": "{skill} 技能的部分出错，未列入报告（{error}）。",
    "timeline": "时间线", "time": "时间", "what": "事件",
    "no_timeline": "没有值得注意的记录。",
    "nothing": "没有记录。",
    "activity": "活动", "no_activity": "没有记录到活动。",
    "first_activity": "首次活动", "last_activity": "最后一次活动",
    "longest_quiet": "最长的安静时段", "motion_events": "移动感应次数", "opened": "{name}打开",
    "bed_chair": "上下床 / 起坐次数", "steps": "步数", "location_reports": "位置报告次数",
    "motion_chart": "各房间每小时的移动感应次数", "room": "房间", "busiest_hour": "最活跃的时段",
    "alerts": "警报", "no_alerts": "没有发出警报。",
    "raised": "发出时间", "priority": "优先级", "kind": "类型", "message": "内容", "status": "状态",
    "acknowledged": "确认时间", "by": "确认人", "time_to_ack": "确认用时",
    "escalations": "升级次数", "sent_to": "已通知", "times": "次数",
    "not_acknowledged": "未确认", "by_via": "{who}（{via}）", "themselves": "{name}（本人）",
    "median_ack": "照护者确认警报的中位用时：<strong>{time}</strong>。",
    "list": "，",
}

PRIORITY_ZH = {"high": "高", "medium": "中", "low": "低"}
STATUS_ZH = {"open": "未处理", "acknowledged": "已确认", "resolved": "已解决"}
KIND_ZH = {"sos": "求助按钮", "fall": "跌倒", "inactivity": "长时间不活动", "device_offline": "设备离线",
           "battery_low": "电量低", "broker_lost": "消息服务器断开"}
"""The core's alert kinds in Chinese; a skill's kind shows as it is (its message is in the reader's words)."""
SEAT_ZH = {"seat": "座位", "chair": "椅子", "sofa": "沙发", "couch": "沙发", "armchair": "扶手椅"}


def labels(language: str | None) -> dict[str, str]:
    """The page's words for a reader of ``language``."""
    return ZH if chinese(language) else EN


def priority(value: str, language: str | None) -> str:
    return PRIORITY_ZH.get(value, value) if chinese(language) else value


def status(value: str, language: str | None) -> str:
    return STATUS_ZH.get(value, value) if chinese(language) else value


def kind(value: str, language: str | None) -> str:
    return KIND_ZH.get(value, value) if chinese(language) else value
