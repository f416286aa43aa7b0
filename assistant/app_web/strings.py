"""The caregiver app's words in English and simplified Chinese; each caregiver reads their ``language``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

EN: dict[str, str] = {
    "title": "carehub",
    "inbox": "Alerts",
    "no_alerts": "No alerts. Everyone is fine as far as carehub knows.",
    "live": "Live",
    "offline": "Reconnecting…",
    "signed_in_as": "Signed in as {name}",
    "sign_out": "Sign out",
    "signed_out": "You are signed out.",
    "sign_in": "Sign in",
    "sign_in_title": "Sign in to carehub",
    "sign_in_intro": "This link signs this phone in as {name}. It works once.",
    "sign_in_button": "Sign in on this phone",
    "sign_in_failed": "Cannot sign in",
    "not_signed_in": "You are not signed in on this browser.",
    "not_signed_in_help": "Ask whoever runs carehub for a sign-in link: carehub caregivers link YOUR-ID",
    "open_inbox": "Open the alerts",
    "no_such_alert": "No such alert",
    "no_such_alert_help": "There is no alert here that you may see. It may be about someone you do not look after.",
    "status_open": "Open",
    "status_acknowledged": "Someone is on it",
    "status_acknowledged_by": "{who} is on it",
    "status_resolved": "Resolved",
    "priority_high": "Urgent",
    "priority_medium": "Attention",
    "priority_low": "For your information",
    "acknowledge": "Acknowledge: I'm on it",
    "on_my_way": "I'm on my way",
    "resolve": "Resolved",
    "note": "Note (optional)",
    "details": "Details",
    "back": "All alerts",
    "household": "The household",
    "times": "{count} times",
    "acked_by": "{who} took it on {when} ({via})",
    "resolved_at": "Resolved {when}: {reason}",
    "ladder": "Who was told, when",
    "why": "Why was I paged?",
    "why_unknown": "carehub has no record of what caused this alert.",
    "audit": "Seen and viewed",
    "no_steps": "Nobody has been told yet.",
    "at": "at {where}",
    # the alert's history, in plain words
    "h_raised": "The alert was raised ({priority}).",
    "h_folded": "It happened again ({detail} times in all).",
    "h_told": "{who} was told on {channel}.",
    "h_told_fail": "{who} could not be reached on {channel}: {detail}.",
    "h_escalated": "Nobody had acknowledged: the alert went wider (step {step}).",
    "h_exhausted": "No further step is planned.",
    "h_acknowledged": "{who} acknowledged ({channel}).",
    "h_resolved": "Resolved: {detail}.",
    "h_seen": "{who} saw it in the app.",
    "h_viewed": "{who} looked at this alert.",
    "h_on_my_way": "{who}: on my way. {detail}",
    "h_note": "{who} wrote: {detail}",
    "the_app": "the carehub app",
    "thanks_ack": "Acknowledged: thank you.",
    "already": "Already {status}.",
}

ZH: dict[str, str] = {
    "title": "carehub 照护",
    "inbox": "提醒",
    "no_alerts": "没有提醒。据 carehub 所知，大家都好。",
    "live": "实时",
    "offline": "正在重新连接…",
    "signed_in_as": "已登录：{name}",
    "sign_out": "退出登录",
    "signed_out": "您已退出登录。",
    "sign_in": "登录",
    "sign_in_title": "登录 carehub",
    "sign_in_intro": "此链接会以 {name} 的身份在这部手机上登录，只能使用一次。",
    "sign_in_button": "在这部手机上登录",
    "sign_in_failed": "无法登录",
    "not_signed_in": "您在此浏览器上尚未登录。",
    "not_signed_in_help": "请向管理 carehub 的人索取登录链接：carehub caregivers link 您的ID",
    "open_inbox": "打开提醒",
    "no_such_alert": "找不到这条提醒",
    "no_such_alert_help": "这里没有您可以查看的提醒，它可能与您不照护的人有关。",
    "status_open": "待处理",
    "status_acknowledged": "已有人处理",
    "status_acknowledged_by": "{who} 正在处理",
    "status_resolved": "已解决",
    "priority_high": "紧急",
    "priority_medium": "注意",
    "priority_low": "提示",
    "acknowledge": "确认：我来处理",
    "on_my_way": "我正在赶过去",
    "resolve": "已解决",
    "note": "备注（可选）",
    "details": "详情",
    "back": "全部提醒",
    "household": "全家",
    "times": "{count} 次",
    "acked_by": "{who} 于 {when} 接手（{via}）",
    "resolved_at": "{when} 已解决：{reason}",
    "ladder": "通知了谁、何时通知",
    "why": "为什么通知我？",
    "why_unknown": "carehub 没有记录引起这条提醒的原因。",
    "audit": "查看记录",
    "no_steps": "还没有通知任何人。",
    "at": "在{where}",
    "h_raised": "发出提醒（{priority}）。",
    "h_folded": "又发生了一次（共 {detail} 次）。",
    "h_told": "已通过{channel}通知 {who}。",
    "h_told_fail": "无法通过{channel}联系到 {who}：{detail}。",
    "h_escalated": "无人确认：提醒扩大到更多人（第 {step} 步）。",
    "h_exhausted": "没有后续步骤了。",
    "h_acknowledged": "{who} 已确认（{channel}）。",
    "h_resolved": "已解决：{detail}。",
    "h_seen": "{who} 在应用中看到了提醒。",
    "h_viewed": "{who} 查看了这条提醒。",
    "h_on_my_way": "{who}：正在赶过去。{detail}",
    "h_note": "{who} 写道：{detail}",
    "the_app": "carehub 应用",
    "thanks_ack": "已确认，谢谢。",
    "already": "已经是：{status}。",
}

KINDS = {
    "en": {"sos": "SOS button pressed", "fall": "A fall", "vital_signs": "Vital signs out of range",
           "missed_dose": "A missed medication", "inactivity": "Unusual inactivity", "device_offline": "A device went "
           "offline", "battery_low": "Low battery", "broker_lost": "carehub lost its broker"},
    "zh": {"sos": "按下了求助按钮", "fall": "跌倒", "vital_signs": "生命体征异常", "missed_dose": "漏服药物",
           "inactivity": "异常的长时间不活动", "device_offline": "设备离线", "battery_low": "电量低",
           "broker_lost": "carehub 与消息服务器断开"},
}


def family(language: str) -> str:
    """``zh`` for any Chinese, else ``en``."""
    return "zh" if language.lower().startswith("zh") else "en"


def words(language: str) -> dict[str, str]:
    return ZH if family(language) == "zh" else EN


def kind_name(kind: str, language: str) -> str:
    """What happened, in words (the alert's kind when there are none for it)."""
    return KINDS[family(language)].get(kind, kind.replace("_", " "))


def local_time(when: datetime, now: datetime, zone: ZoneInfo, language: str) -> str:
    """A time in the home's time zone: ``14:05`` today, ``Mon 2 Mar 14:05`` (``3月2日 14:05``) before."""
    local, today = when.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return clock
    if family(language) == "zh":
        return f"{local.month}月{local.day}日 {clock}"
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b')} {clock}"
