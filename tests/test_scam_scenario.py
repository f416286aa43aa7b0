"""The scam guard on a simulated day: the phone bridge's firmware reports a call as it is transcribed."""

from __future__ import annotations

from datetime import datetime, time

from firmware_stubs.scenarios import Scenario, Step
from skills.scam_guard import ScamGuard

SCAM = [
    "Hello, this is the police.",
    "Hello, this is the police. Your bank account is involved in a money laundering case.",
    "Hello, this is the police. Your bank account is involved in a money laundering case. "
    "You must move your savings to a safe account today and tell no one, not even your family.",
]


def phone_day(transcripts: list[str], number: str) -> Scenario:
    steps = [Step(at=60, device="grandma-phone", action="call",
                  args={"number": number, "state": "ringing", "call_id": "c-1"})]
    for i, text in enumerate(transcripts):
        steps.append(Step(at=90 + 30 * i, device="grandma-phone", action="call",
                          args={"number": number, "state": "answered", "call_id": "c-1", "transcript": text}))
    steps.append(Step(at=300, device="grandma-phone", action="call",
                      args={"number": number, "state": "ended", "call_id": "c-1", "transcript": transcripts[-1]}))
    steps.append(Step(at=400, device="grandma-phone", action="sms",
                      args={"number": "10086", "text": "Your monthly bill is ready in the app."}))
    return Scenario("phone_call", "a call to grandma's phone", time(14, 0), 600, steps)


async def test_a_scam_call_warns_grandma_once_and_pages_with_the_cues(skill_harness):
    h = await skill_harness(ScamGuard, start=datetime(2026, 1, 5, 13, 0))
    await h.play(phone_day(SCAM, "+44 20 7946 0000"))
    (note,) = [n for n in h.notifications if n.priority == "high"]
    assert note.alert_kind == "scam_risk" and note.person == "grandma"
    assert "money laundering" in note.message["en"] and "police" in note.message["en"].lower()
    warnings = [r for r in h.replies if "scam" in r.lower()]
    assert len(warnings) == 1
    rows = await h.rows(kind="scam_risk_assessed")
    assert rows and all(r["person"] == "grandma" for r in rows)


async def test_an_ordinary_call_and_bill_text_page_nobody(skill_harness):
    h = await skill_harness(ScamGuard, start=datetime(2026, 1, 5, 13, 0))
    await h.play(phone_day(["Hi Mum, it's Anna. I'll pick you up at six for dinner, see you then."],
                           "+44 7700 900123"))
    assert h.notifications == [] and h.replies == []
