"""Reminders by voice in English and Chinese: "remind me at three to call Anna", "remind me tomorrow at 8
in the morning to take my pills", "in 20 minutes remind me to check the bath", "明天早上八点提醒我吃药",
"二十分钟后提醒我关火"; "what reminders do I have" / "我有哪些提醒"; "cancel the reminder about the
hairdresser" / "把理发那个提醒取消了".

Times and durations are read by pure functions (``when_en``, ``when_zh``, ``when.resolve``) in the home's
time zone on the hub's clock. A reminder is said on its person's speaker, in the language it was asked in,
logged (``reminder_set``, ``reminder_due``, ``reminder_cancelled``), kept across restarts, and listed in
the caregiver's daily report.
"""

from skills.reminders.skill import Reminders

__all__ = ["Reminders"]
