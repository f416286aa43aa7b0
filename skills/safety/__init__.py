"""Immediate safety events: an SOS press pages caregivers at once, with where the person is.

"Help me", "I fell", "救命", "我摔倒了" said to carehub page caregivers at once, like an SOS press.
"I'm OK" / "我没事" from the person calls off their alerts that allow it (a fall they got up from).
An SOS is never second-guessed (no cancel window, unlike a detected fall): it raises a high-priority
alert to every tier-1 caregiver of the person, with the device's last GPS fix when it has one.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from skills.sdk import IntentMatch, Skill, SosPressed, intent, on


class SafetySettings(BaseModel):
    """Settings of the safety skill."""

    model_config = ConfigDict(extra="forbid")

    map_link: str = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    """Where a position is shown in an alert; ``{lat}`` / ``{lon}`` are filled in."""
    rough_fix_m: float = 100.0
    """A fix less accurate than this is marked "rough" in the alert (GPS indoors, or a cell fix)."""


class Safety(Skill[SafetySettings]):
    """SOS presses become high-priority alerts with the last known position."""

    @on(SosPressed)
    async def sos(self, event: SosPressed) -> None:
        person = self.ctx.person(event.person) if event.person else None
        name = person.name if person else (event.device or "someone")
        state = self.ctx.device_state(event.device) if event.device else {}
        where_en, where_zh = "", ""
        if "lat" in state and "lon" in state:
            link = self.settings.map_link.format(lat=state["lat"], lon=state["lon"])
            quality_en, quality_zh = [], []
            if state.get("accuracy") is not None:
                quality_en.append(f"±{state['accuracy']:.0f} m")
                quality_zh.append(f"误差约 {state['accuracy']:.0f} 米")
                if state["accuracy"] > self.settings.rough_fix_m:
                    quality_en[-1] += ", rough"
            if state.get("updated"):
                minutes = int((self.ctx.now() - datetime.fromisoformat(state["updated"])).total_seconds() // 60)
                quality_en.append("just now" if minutes < 1 else f"{minutes} min ago")
                quality_zh.append("刚刚" if minutes < 1 else f"{minutes} 分钟前")
            how_en = f" ({', '.join(quality_en)})" if quality_en else ""
            how_zh = f"（{'，'.join(quality_zh)}）" if quality_zh else ""
            where_en, where_zh = f" Last position{how_en}: {link}", f" 最后位置{how_zh}：{link}"
        await self.ctx.notify(
            {"en": f"{name} pressed SOS on {event.device}.{where_en}",
             "zh": f"{name} 按下了 {event.device} 的求救按钮。{where_zh}"},
            priority="high", person=event.person, kind="sos", device=event.device)

    @intent("CareHelp", en=["help [me]", "(please|somebody|someone) help [me]",
                            "i (fell|have fallen|'ve fallen) [down]", "i can('t| not|not) get up",
                            "call (for help|an ambulance|my family)", "emergency"],
            zh_CN=["救命[啊]", "(帮帮|帮|救救)我", "我摔倒了", "我(跌倒|摔跤)了", "我起不来[了]", "快叫救护车"])
    async def help_me(self, match: IntentMatch) -> str:
        zh = match.language.startswith("zh")
        person = self.ctx.person(match.person) if match.person else None
        name = person.name if person else "Someone"
        where = ""
        if match.room:
            where = f" in the {self.ctx.room_name(match.room, 'en')}"
        await self.ctx.notify(
            {"en": f"{name} asked for help{where}: \"{match.text}\"",
             "zh": f"{name} 呼救：“{match.text}”"},
            priority="high", person=match.person, kind="help_asked", self_cancel=True)
        return "我正在通知您的家人，请稍等。" if zh else "I'm calling your family now. Help is coming."

    @intent("CareImOk", en=["i'm (ok|okay|fine|alright)", "i am (ok|okay|fine|alright)", "(it's|it is) a false alarm"],
            zh_CN=["我没事[了]", "我很好", "[是]误报"])
    async def im_ok(self, match: IntentMatch) -> str:
        cancelled = await self.ctx.cancel_alerts(match.person, via="voice") if match.person else 0
        zh = match.language.startswith("zh")
        if cancelled:
            return "好的，我已经通知家人不用担心。" if zh else "Glad to hear it. I've told your family."
        return "好的。" if zh else "Good to hear."
