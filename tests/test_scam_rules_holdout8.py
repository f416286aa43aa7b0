"""The scam rules on holdout-8's false alarms, by class: a bank's warning naming the scams it warns of, bringing
ID and card to a branch, "if already paid, ignore this", money coming with nothing to do, a bank holding a
payment, a relative's no-pressure loan, meter digits — and the same shapes with the scam in them still alert."""

from __future__ import annotations

import pytest

from skills.scam_guard.rules import assess
from tests.test_scam_rules import ids


# --- holdout-8's false alarms, by class: warnings, branch visits, reminders, no-pressure asks, meter readings -----

@pytest.mark.parametrize("text", [
    # a notice that warns about the scam names its cues
    "【建设银行】防骗提醒：公安机关不存在所谓“安全账户”，银行工作人员不会要求您提供验证码。",
    "Nationwide: there is no such thing as a safe account. We will never ask you to move your money.",
    # a bank call describing what fraudsters ask, then "we would never ask you to do that"
    "hello mr price it's tom from your lloyds branch um some customers get calls from people saying they're the "
    "police asking them to draw cash out and keep it quiet we would never ask you to do that so just call us if "
    "anyone does",
    # bringing your ID and bank card to a branch in person
    "【中国银行】您预约的业务已受理，请于周五到东门支行柜台办理，届时请带上身份证和银行卡。",
    "Halifax: your appointment at the Market Street branch is confirmed for Tuesday 2pm. Please bring your photo "
    "ID and debit card.",
    # a bill reminder that says "if you have already paid, ignore this"
    "喂 王先生您好 我是建行信用卡中心的 您这期账单两千一百块 明天到期 提醒您一下 如果已经还了就不用管了",
    "Barclaycard: your payment of £56.10 is due tomorrow. If you've already paid, please ignore this message.",
    # money coming to you, nothing to do
    "喂 您好 我是社保局待遇科的 您那笔丧葬补助金审核下来了 三万多 月底会打到您的社保卡上 您不需要做任何操作",
    # a bank stopping a payment to a flagged account
    "喂 张阿姨 我是农行的小李 您刚才要汇的两万块钱 收款账户有问题 您先别汇 先给您儿子打个电话确认一下",
    # a relative asking for a loan with no pressure
    "喂 妈 是我 我想跟你借三千块钱交房租 下个月还你 不方便的话也没关系 我再想想办法",
    "Hi Dad it's me, could you lend me £200 till Friday for the car? No worries if not, I'll sort something out",
    # meter digits
    "喂 您好 我是自来水公司抄表的 您家没人的话 您把水表上的数字拍个照发给我们也行",
    "hi it's the gas board meter reader, nobody was in, could you read me the numbers on the meter when you're back",
])
def test_warnings_visits_reminders_and_no_pressure_asks_stay_below_medium(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


@pytest.mark.parametrize("text", [
    # the same shapes with the scam still in them
    "李大爷 明天上午八点在小区门口坐车去免费体检 记得带上身份证和银行卡 我们专家帮您办养老卡",
    "this is detective sergeant hale the cashier may ask what it's for just say it's for building work and keep it "
    "quiet do not tell anyone at the bank",
    "喂 您好 我是燃气公司的 您的燃气卡要升级 您把手机上收到的验证码念给我",
])
def test_the_same_shapes_with_the_scam_in_them_still_alert(text: str) -> None:
    a = assess(text)
    assert a.level in ("medium", "high"), (a.score, a.cue_ids)


def test_hold_off_calling_is_not_a_bank_holding_a_payment() -> None:
    a = assess("妈，我这边在开会，你先帮我转两万到这个卡上：6217 0012 8840 3317 225，户名王强。先别打电话，晚点跟你说。")
    assert "money_transfer" in ids(a) and "legit_hold_and_check" not in ids(a), a.cue_ids
