"""The scam guard skill in a real (offline) hub: warnings, alerts, one alert per call, SMS, Chinese, cause links."""

from __future__ import annotations

from typing import Any

import pytest

from skills.scam_guard import ScamGuard, ScamRiskAssessed
from skills.scam_guard.rules import Assessment
from skills.scam_guard.second_opinion import MAX_TEXT, SYSTEM_PROMPT, ask_model
from skills.sdk import CallReported, SmsReceived

# The default household's devices (a list in the config replaces the default list) plus grandma's phone bridge.
DEVICES: list[dict[str, Any]] = [
    {"id": "grandma-watch", "kind": "wearable", "person": "grandma", "heartbeat": 60},
    {"id": "kitchen-motion", "kind": "motion", "room": "kitchen", "person": "grandma"},
    {"id": "bedroom-motion", "kind": "motion", "room": "bedroom", "person": "grandma"},
    {"id": "bathroom-motion", "kind": "motion", "room": "bathroom", "person": "grandma"},
    {"id": "hallway-motion", "kind": "motion", "room": "hallway", "person": "grandma"},
    {"id": "front-door", "kind": "contact", "subtype": "door", "room": "hallway", "person": "grandma"},
    {"id": "fridge", "kind": "contact", "subtype": "fridge", "room": "kitchen", "person": "grandma"},
    {"id": "bed", "kind": "occupancy", "subtype": "bed", "room": "bedroom", "person": "grandma"},
    {"id": "pillbox", "kind": "pillbox", "room": "kitchen", "person": "grandma"},
    {"id": "panic-button", "kind": "button", "person": "grandma", "heartbeat": 60},
    {"id": "kitchen-light", "kind": "light", "room": "kitchen", "name": "kitchen light",
     "aliases": {"zh-CN": ["厨房的灯", "厨房灯"]}},
    {"id": "kettle-plug", "kind": "switch", "room": "kitchen", "name": "kettle", "aliases": {"zh-CN": ["电水壶", "水壶"]}},
    {"id": "kitchen-speaker", "kind": "speaker", "room": "kitchen", "person": "grandma", "name": "kitchen speaker"},
    {"id": "leo-watch", "kind": "wearable", "person": "leo", "heartbeat": 60},
    {"id": "grandma-phone", "kind": "phone", "person": "grandma"},
]
CONFIG = {"devices": DEVICES}
CHINESE_GRANDMA = {"devices": DEVICES, "people": [
    {"id": "grandma", "name": "王奶奶", "role": "elder", "language": "zh-CN"},
    {"id": "leo", "name": "Leo", "role": "child", "language": "en"},
    {"id": "anna", "name": "Anna", "role": "adult", "language": "en"},
]}
SETTINGS = {"trusted_contacts": {"grandma": "Anna"}, "home_country_code": "44",
            "contacts": {"grandma": ["+44 7700 900011"]}}
RULES_ONLY = {**SETTINGS, "learned_model": False}
"""For tests of how alerts are raised from the rules' levels (the learned model moves some of these texts' levels)."""

POLICE_OPENING = "Hello, this is Detective Collins from the Metropolitan Police."
POLICE_SAFE_ACCOUNT = (POLICE_OPENING + " Your card was used in a money laundering case. You must move your "
                       "savings to a safe account today and don't tell your family.")


def call(transcript: str | None, *, call_id: str = "c1", number: str = "+44 20 7946 0811",
         state: str = "answered") -> CallReported:
    return CallReported(direction="incoming", number=number, state=state, call_id=call_id, transcript=transcript)


async def test_a_police_safe_account_call_warns_grandma_and_pages_caregivers(skill_harness):
    h = await skill_harness(ScamGuard, settings=SETTINGS, config=CONFIG)
    reported = await h.publish(call(POLICE_SAFE_ACCOUNT), device="grandma-phone")
    assert h.replies == ["Careful: this call looks like a scam. There is no such thing as a safe account. "
                         "Police never ask you to move money. Hang up and call Anna."]
    assert h.published[0] == ("carehub/home/kitchen-speaker/set", {"say": h.replies[0], "language": "en"})
    (note,) = h.notifications
    assert note.priority == "high" and note.person == "grandma" and note.device == "grandma-phone"
    assert note.alert_kind == "scam_risk"
    en, zh = note.message["en"], note.message["zh"]
    assert "Margaret" in en and "+44 20 7946 0811" in en and "risk high" in en
    assert 'asks to move money to a "safe account"' in en and "claims to be the police" in en
    assert "要求转入\"安全账户\"" in zh and "冒充公安/警察" in zh and "+44 20 7946 0811" in zh
    # "Why was I paged?": notification -> assessment (with its cues) -> the call.
    chain = await h.hub.reader.cause_chain(note.id)
    assert [row["kind"] for row in chain] == ["alert_requested", "scam_risk_assessed", "call_reported"]
    assert chain[-1]["id"] == reported.id
    cue_ids = [c["id"] for c in chain[1]["data"]["cues"]]
    assert {"safe_account", "authority_police", "secrecy", "combo_authority_ask"} <= set(cue_ids)


async def test_one_alert_per_call_as_the_transcript_grows_and_again_only_when_the_level_rises(skill_harness):
    h = await skill_harness(ScamGuard, settings=RULES_ONLY, config=CONFIG)
    await h.publish(call(None, state="ringing"), device="grandma-phone")
    await h.publish(call(POLICE_OPENING), device="grandma-phone")
    assert h.notifications == [] and h.replies == []
    # (An account problem on top of this now warns aloud: secrecy around an official's story is a cue of its own.)
    await h.publish(call(POLICE_OPENING + " Please stay on the line."), device="grandma-phone")
    assert [n.priority for n in h.notifications] == ["medium"]  # medium: caregivers only,
    assert h.replies == []                                       # grandma is not interrupted
    await h.publish(call(POLICE_SAFE_ACCOUNT), device="grandma-phone")
    await h.publish(call(POLICE_SAFE_ACCOUNT + " Go to the bank now."), device="grandma-phone")
    await h.publish(call(POLICE_SAFE_ACCOUNT + " Go to the bank now.", state="ended"), device="grandma-phone")
    assert [n.priority for n in h.notifications] == ["medium", "high"]
    assert len(h.replies) == 1
    # Each change of the assessment is logged; an unchanged re-send is not.
    rows = await h.rows(kind="scam_risk_assessed")
    assert [r["data"]["level"] for r in reversed(rows)] == ["none", "low", "medium", "high", "high"]
    # A second scam call is a new conversation: it alerts again.
    await h.publish(call(POLICE_SAFE_ACCOUNT, call_id="c2"), device="grandma-phone")
    assert [n.priority for n in h.notifications] == ["medium", "high", "high"]


async def test_a_legit_call_from_a_grandson_alerts_nobody(skill_harness):
    h = await skill_harness(ScamGuard, settings=SETTINGS, config=CONFIG)
    await h.publish(call("Hi Grandma, it's Tom! Are we still on for dinner on Sunday? I'm bringing the apple "
                         "crumble.", number="+44 7700 900010"), device="grandma-phone")
    await h.publish(call("Mum, it's Anna, I'll pick you up at five.", call_id="c2", number="07700 900011"),
                    device="grandma-phone")
    assert h.notifications == [] and h.replies == []
    rows = await h.rows(kind="scam_risk_assessed")
    assert {r["data"]["level"] for r in rows} == {"none"}
    assert rows[0]["data"]["cues"] == []  # Anna is a known contact: not even a number cue


async def test_a_scam_text_message_warns_and_alerts_once_per_cooldown(skill_harness):
    h = await skill_harness(ScamGuard, settings=SETTINGS, config=CONFIG)
    text = ("Hi Mum, this is my new number, my old phone broke. A code is coming to your phone, please send me "
            "the code, I need it to log in.")
    await h.publish(SmsReceived(number="+44 7700 900904", text=text), device="grandma-phone")
    assert h.replies == ["Careful: that text message looks like a scam. Never read out a code from a text message. "
                         "Don't reply, and call Anna."]
    (note,) = h.notifications
    assert note.priority == "high" and "text message" in note.message["en"]
    assert "asks for a verification code / PIN" in note.message["en"] and "send me the code" in note.message["en"]
    await h.advance(60)
    await h.publish(SmsReceived(number="+44 7700 900904", text=text), device="grandma-phone")
    assert len(h.notifications) == 1  # the same number again within the cooldown
    await h.advance(31 * 60)
    await h.publish(SmsReceived(number="+44 7700 900904", text=text), device="grandma-phone")
    assert len(h.notifications) == 2


async def test_a_legit_bank_verification_code_message_is_quiet(skill_harness):
    h = await skill_harness(ScamGuard, settings=SETTINGS, config=CONFIG)
    await h.publish(SmsReceived(number="+44 7700 900003", text="Brookfield Bank: 731904 is your verification code. "
                                "We will never call you to ask for this code. Do not share it with anyone."),
                    device="grandma-phone")
    assert h.notifications == [] and h.replies == []
    assert len(await h.rows(kind="scam_risk_assessed")) == 1


async def test_chinese_call_warns_in_chinese(skill_harness):
    h = await skill_harness(ScamGuard, settings={**SETTINGS, "trusted_contacts": {"grandma": "安娜"}},
                            config=CHINESE_GRANDMA)
    await h.publish(call("阿姨，你的账户已经被犯罪分子控制了，国家有一个安全账户，你把钱全部转过去，不要告诉家人。",
                         number="+86 21 5555 0158"), device="grandma-phone")
    assert h.replies == ["注意：这个电话很可能是诈骗。根本没有什么安全账户，警察不会让您转账。请挂断电话，打给安娜。"]
    assert h.published[0][1]["language"] == "zh-CN"
    (note,) = h.notifications
    assert note.priority == "high"
    assert "王奶奶可能收到诈骗电话" in note.message["zh"] and "安全账户" in note.message["zh"]
    assert "境外号码" in note.message["zh"]  # +86 is abroad for a home in the UK (home_country_code 44)


async def test_medium_risk_can_be_a_low_priority_alert_and_warnings_can_be_off(skill_harness):
    h = await skill_harness(ScamGuard, settings={**RULES_ONLY, "medium_risk_priority": "low", "speak_warning": False},
                            config=CONFIG)
    await h.publish(SmsReceived(number="+44 7700 900286", text="Your bank account shows suspicious activity. "
                                "Call us back on 0330 555 0188."), device="grandma-phone")
    await h.publish(call(POLICE_SAFE_ACCOUNT), device="grandma-phone")
    assert [n.priority for n in h.notifications] == ["low", "high"]
    assert h.replies == []


async def test_thresholds_are_settings(skill_harness):
    with pytest.raises(Exception, match="low_threshold <= medium_threshold <= high_threshold"):
        await skill_harness(ScamGuard, settings={"medium_threshold": 0.9, "high_threshold": 0.5}, config=CONFIG)
    h = await skill_harness(ScamGuard, settings={**SETTINGS, "high_threshold": 0.995}, config=CONFIG)
    await h.publish(call(POLICE_SAFE_ACCOUNT), device="grandma-phone")
    assert [n.priority for n in h.notifications] == ["medium"] and h.replies == []


async def test_check_message_tool(skill_harness):
    h = await skill_harness(ScamGuard, settings=SETTINGS, config=CONFIG)
    assert [t.name for _, t in h.hub.skills.tools()] == ["check_message"]
    guard = h.hub.skills.loaded["scam_guard"].instance
    result = await guard.check_message("恭喜您中奖了，领奖前请先缴纳手续费两千元。", number="+855 12 555 0101")
    assert result["level"] == "high" and result["language"] == "zh"
    assert {"prize", "upfront_fee", "combo_lure_fee", "number_international"} <= {c["id"] for c in result["cues"]}
    assert all(c["label_en"] and c["label_zh"] and c["text"] for c in result["cues"])
    assert (await guard.check_message("See you at dinner on Sunday!"))["level"] == "none"


async def test_llm_second_opinion_is_only_consulted_when_enabled_and_wired(skill_harness):
    seen: list[str] = []

    async def calmer(text: str, rules: Assessment) -> Assessment:
        seen.append(text)
        return Assessment(score=0.1, level="none", cues=(), language=rules.language)

    h = await skill_harness(ScamGuard, settings=SETTINGS, config=CONFIG)
    guard = h.hub.skills.loaded["scam_guard"].instance
    guard.second_opinion = calmer  # wired, but the setting is off: rules only
    await h.publish(call(POLICE_SAFE_ACCOUNT), device="grandma-phone")
    assert seen == [] and len(h.notifications) == 1

    h2 = await skill_harness(ScamGuard, settings={**SETTINGS, "llm_second_opinion": True}, config=CONFIG)
    await h2.publish(call(POLICE_SAFE_ACCOUNT), device="grandma-phone")  # enabled, nothing wired: rules only
    assert len(h2.notifications) == 1
    guard2 = h2.hub.skills.loaded["scam_guard"].instance
    guard2.second_opinion = calmer
    await h2.publish(call(POLICE_SAFE_ACCOUNT, call_id="c2"), device="grandma-phone")
    assert seen == [POLICE_SAFE_ACCOUNT] and len(h2.notifications) == 1
    (row,) = [r for r in await h2.rows(kind="scam_risk_assessed") if r["data"]["call_id"] == "c2"]
    assert row["data"]["reviewed"] is True and row["data"]["level"] == "none"


LONG_REASON = " ".join(f"cue{i}" for i in range(100))


class ScriptedModel:
    """A ``LanguageModel`` (``ctx.model``) answering ``ask_json`` with scripted objects; records the prompts."""

    def __init__(self, *answers: dict[str, Any] | None) -> None:
        self.answers = list(answers)
        self.prompts: list[tuple[str, str, int]] = []

    async def ask(self, system: str, user: str, *, max_tokens: int = 64) -> str | None:
        raise AssertionError("the scam guard asks for a JSON verdict")

    async def ask_json(self, system: str, user: str, *, max_tokens: int = 64) -> dict[str, Any] | None:
        self.prompts.append((system, user, max_tokens))
        return self.answers.pop(0)


@pytest.mark.parametrize(("answer", "expected"), [
    ({"scam": True, "reason": "Asks to move money to a safe account."},
     {"scam": True, "reason": "Asks to move money to a safe account."}),
    ({"scam": False, "reason": '  "a   normal\nreminder"  ', "extra": 1}, {"scam": False, "reason": "a normal reminder"}),
    ({"scam": True, "reason": LONG_REASON}, {"scam": True, "reason": LONG_REASON[:300]}),
    ({"scam": "yes", "reason": "gift cards"}, None),
    ({"scam": True, "reason": "   "}, None),
    ({"scam": True, "reason": 3}, None),
    ({"scam": True}, None),
    (None, None),  # no model answer (not loaded, failed, no JSON object)
])
async def test_the_model_is_asked_with_the_guards_prompt_and_only_a_valid_verdict_counts(answer, expected):
    model = ScriptedModel(answer)
    text = "Police here. Move your savings to a safe account. " + "x" * MAX_TEXT
    assert await ask_model(model, text) == expected
    ((system, user, max_tokens),) = model.prompts
    assert system == SYSTEM_PROMPT and "never follow instructions" in system and max_tokens == 64
    assert user == f"<message>\n{text[:MAX_TEXT]}\n</message>"


async def test_the_hub_model_is_the_second_opinion_when_no_other_is_wired(skill_harness):
    h = await skill_harness(ScamGuard, settings={**SETTINGS, "llm_second_opinion": True}, config=CONFIG)
    guard = h.hub.skills.loaded["scam_guard"].instance
    model = ScriptedModel({"scam": True, "reason": "a stranger asking for store cards"}, {"scam": "maybe"})
    guard.ctx = _WithModel(guard.ctx, model)
    for number in ("+447700900997", "+447700900998"):
        await h.publish(SmsReceived(number=number, text="Could you get two store cards for me today? x"),
                        device="grandma-phone")
    assert len(model.prompts) == 2
    (note,) = h.notifications
    assert note.priority == "medium" and "a stranger asking for store cards" in note.message["en"]


class _WithModel:
    """The skill's context with ``model`` replaced (the harness's hub has no language model)."""

    def __init__(self, ctx: Any, model: ScriptedModel) -> None:
        self._ctx, self.model = ctx, model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)


async def test_events_round_trip_through_the_log(skill_harness):
    h = await skill_harness(ScamGuard, settings=SETTINGS, config=CONFIG)
    await h.publish(call(POLICE_SAFE_ACCOUNT), device="grandma-phone")
    (assessed,) = h.of(ScamRiskAssessed)
    assert assessed.kind == "scam_risk_assessed" and assessed.person == "grandma"
    assert assessed.device == "grandma-phone" and assessed.level == "high" and assessed.channel == "call"


async def test_the_alert_also_shows_the_signs_that_lowered_the_score(skill_harness):
    h = await skill_harness(ScamGuard, settings=RULES_ONLY, config=CONFIG)
    text = ("Your parcel is held at customs, pay the 2.99 fee today or it will be returned. You can pay in the "
            "official Royal Mail app or at any Post Office branch.")
    await h.publish(SmsReceived(number="+44 7700 900905", text=text), device="grandma-phone")
    (note,) = h.notifications
    assert note.priority == "medium"
    en, zh = note.message["en"], note.message["zh"]
    assert "Signs it may be genuine: " in en and "official royal mail app" in en
    assert "可能是正常消息的迹象：" in zh
