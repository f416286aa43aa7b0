"""Messages to the family: "tell Anna I'm fine", "let my son know I got home", "告诉女儿我到家了".

The words after the caregiver's name are passed on as said, through that caregiver's channels, once
(``ctx.message``); nothing is raised as an alert. Who is meant comes from the caregivers' names and the
``aliases`` the household calls them by (config.yaml).
"""

from __future__ import annotations

from skills.sdk import IntentMatch, NoSettings, Skill, intent, localized, short_language

SENT = {"en": "I'll tell {name}: \u201c{text}\u201d", "zh": "好的，我会告诉{name}：\u201c{text}\u201d"}
WHO = {"en": "Who should I tell?", "zh": "要告诉谁呢？"}
WHAT = {"en": "What should I tell {name}?", "zh": "要跟{name}说什么？"}
WHICH = {"en": "Who should I tell: {names}?", "zh": "要告诉谁呢：{names}？"}
OR_WORDS = {"en": " or ", "zh": "还是"}
EITHER = ("或者", "或是", "或", "还是", "or ")
"""A message that starts with one of these named two people ("tell my son or my daughter ..."): ask which."""


def cleaned(text: str) -> str:
    """The message as said, without the joining words and trailing punctuation speech-to-text adds."""
    text = text.strip().strip("。，,.!！ ")
    for lead in ("that ", "saying ", "说", "一声"):
        if text.lower().startswith(lead):
            text = text[len(lead):].strip()
    return text


class FamilyMessages(Skill[NoSettings]):
    """Passes a person's words on to a family member."""

    @intent("FamilyMessage")  # sentences/<lang>.yaml
    async def tell(self, match: IntentMatch) -> str:
        lang = short_language(match.language)
        caregiver = str(match.slots.get("caregiver") or "")
        known = {c.id: c for c in self.ctx.caregivers()}
        if caregiver not in known:
            return localized(WHO, lang)
        name = match.slot_text.get("caregiver") or known[caregiver].name or caregiver
        said = str(match.slots.get("family_message") or "").strip()
        if said.lower().startswith(EITHER):
            names = [c.name or c.id for c in known.values()]
            return localized(WHICH, lang).format(names=OR_WORDS.get(lang, " or ").join(names))
        text = cleaned(said)
        if not text:
            return localized(WHAT, lang).format(name=name)
        await self.ctx.message(caregiver, text, person=match.person)
        return localized(SENT, lang).format(name=name, text=text)
