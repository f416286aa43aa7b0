"""The scam guard's pure rules: cues in Chinese and English, warnings that must not fire, numbers, the sample set."""

from __future__ import annotations

import pytest

from skills.scam_guard.rules import (
    CUES, FAMILIES, Assessment, Thresholds, assess, guess_language, is_international, normalize, number_cues,
    same_number,
)
from skills.scam_guard.samples import load_samples


def ids(a: Assessment) -> set[str]:
    return set(a.cue_ids)


# --- scams, each cue family in both languages -------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("This is the Metropolitan Police. Your card was used for money laundering. Move your savings to a safe "
     "account today.", {"authority_police", "accusation", "safe_account", "combo_authority_ask"}),
    ("我是公安局的，你的身份证被冒用涉嫌洗钱，要把钱转到安全账户。", {"authority_police", "accusation", "safe_account"}),
    ("Hello, it's your bank. Please read me the code we just sent you.", {"authority_bank", "code_request"}),
    ("您好，我是银行客服，请把收到的验证码告诉我。", {"authority_bank", "code_request", "combo_authority_ask"}),
    ("This is a confidential investigation. Do not tell your family. Withdraw the cash immediately.",
     {"secrecy", "urgency", "money_transfer", "combo_urgency_secrecy", "combo_secrecy_ask"}),
    ("这件事要保密，不要告诉家人，马上去银行转账。", {"secrecy", "urgency", "money_transfer", "combo_secrecy_ask"}),
    ("Grandma, guess who? I've been arrested and I need you to send £2000 for bail.",
     {"relative_impersonation", "relative_trouble", "money_transfer", "combo_relative_money"}),
    ("奶奶，猜猜我是谁？我出事了，急需用钱，你先转给我五千。",
     {"relative_impersonation", "relative_trouble", "combo_relative_money"}),
    ("Miracle cure! Our supplement reverses diabetes, stop taking your insulin. Order now.",
     {"health_cure", "health_product", "combo_health_sale"}),
    ("这款保健品包治百病，吃了就不用吃药了，今天下单优惠。", {"health_cure", "health_product", "combo_health_sale"}),
    ("Guaranteed returns of 10% a month, just transfer your savings to our platform.",
     {"guaranteed_returns", "high_returns", "money_transfer", "combo_investment_money"}),
    ("导师带你炒股，稳赚不赔，高回报，先转账到平台。", {"guaranteed_returns", "high_returns", "combo_investment_money"}),
    ("Microsoft support here, your computer has a virus. Please install AnyDesk so I can fix it.",
     {"authority_tech", "remote_tool", "install_app"}),
    ("请下载向日葵软件，打开屏幕共享，我帮您操作退款。", {"remote_tool", "install_app", "refund", "combo_remote_money"}),
    ("Congratulations, you have won a prize! Pay the £50 processing fee to release it.",
     {"prize", "upfront_fee", "combo_lure_fee"}),
    ("恭喜您中奖了，领奖前需先缴纳手续费。", {"prize", "upfront_fee", "combo_lure_fee"}),
])
def test_scams_are_high_risk_with_the_cues_that_explain_them(text: str, expected: set[str]) -> None:
    a = assess(text)
    assert a.level == "high", (a.score, a.cue_ids)
    assert expected <= ids(a)
    assert a.cues == tuple(sorted(a.cues, key=lambda c: -c.weight))  # strongest first


def test_every_cue_explains_itself_in_both_languages() -> None:
    a = assess("Police: move your money to a safe account now, and don't tell your family.", number="")
    for cue in a.cues:
        assert cue.label_en and cue.label_zh and cue.text and cue.family in FAMILIES
        assert cue.label("zh-CN") == cue.label_zh and cue.label("en") == cue.label_en
    safe = next(c for c in a.cues if c.id == "safe_account")
    assert safe.text == "move your money to a safe account" and safe.label_zh == '要求转入"安全账户"'
    combo = next(c for c in a.cues if c.id == "combo_authority_ask")
    assert combo.text == "police + move your money to a safe account"
    assert a.to_dict()["cues"][0]["id"] == a.cues[0].id
    assert {c.family for c in CUES} <= set(FAMILIES)


def test_pressure_without_an_ask_alerts_a_caregiver_but_does_not_warn() -> None:
    assert assess("This is confidential, don't tell your family, you must act immediately.").level == "medium"
    assert assess("这件事要保密，不要告诉家人，马上去办。").level == "medium"


def test_combination_matters() -> None:
    authority = assess("This is the police.")
    transfer = assess("Please transfer the money today.")
    both = assess("This is the police. Please transfer the money today.")
    assert authority.level in ("none", "low") and transfer.level in ("none", "low")
    assert both.score > authority.score + transfer.score
    assert "combo_authority_ask" in ids(both) and level_order(both.level) > level_order(transfer.level)


def level_order(level: str) -> int:
    return ["none", "low", "medium", "high"].index(level)


def test_two_claims_of_authority_count_once() -> None:
    a = assess("公安局、检察院和法院联合办案。")
    assert {"authority_police", "authority_procuratorate", "authority_court"} <= ids(a)
    assert a.score == pytest.approx(0.3) and a.level == "low"


# --- what real banks, doctors, police and families say ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The police will never ask you to move money to a safe account. If in doubt, hang up.",
    "警方提醒：公检法机关不会要求您转账到安全账户，凡是要求转账到安全账户的都是诈骗。",
    "Brookfield Bank: 731904 is your verification code. Do not share it with anyone.",
    "【某某银行】您的验证码为815273，5分钟内有效，请勿泄露给他人。",
    "Hi Grandma, it's Tom! Are we still on for dinner on Sunday?",
    "奶奶，我是小明，这周六我和爸妈回家吃饭。",
    "Greenfield Surgery: your blood test results are back. Keep taking your medication as usual.",
    "【社区卫生服务中心】请按时服药，下周二复查血压。",
    "Royal Mail: your parcel will be delivered today between 1pm and 3pm. No action needed.",
    "【顺丰速运】您的快递已到达小区快递柜，取件码6617。",
    "Brookfield Bank: reminder of your appointment with our adviser on Tuesday at 10:30.",
    "【某某银行】您的定期存款将于6月1日到期，到期后可续存或转入活期。",
    "Mum, don't tell Dad, but we're planning a surprise party for his 80th!",
])
def test_legit_messages_raise_no_alert(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


def test_a_warning_does_not_fire_but_the_same_words_as_a_request_do() -> None:
    assert "safe_account" not in ids(assess("Police will never ask you to use a safe account."))
    assert "safe_account" in ids(assess("Police here: you must use a safe account."))
    assert "code_request" not in ids(assess("Never give your PIN to anyone."))
    assert "code_request" in ids(assess("Give me your PIN, please."))
    # A secrecy demand's own "don't" does not hide the request after it.
    assert "safe_account" in ids(assess("Don't tell anyone and move the money to the safe account."))


# --- normalisation ------------------------------------------------------------------------------------------

def test_normalisation_handles_case_width_spaces_and_traditional_characters() -> None:
    assert normalize("  ＡｎｙＤｅｓｋ\n\tNOW ") == "anydesk now"
    assert normalize("安全 账户") == "安全账户"  # speech-to-text splits Chinese words with spaces
    assert normalize("請把驗證碼告訴我") == "请把验证码告诉我"
    assert "remote_tool" in ids(assess("請下載ＡｎｙＤｅｓｋ"))
    assert "safe_account" in ids(assess("把錢轉到安全帳戶"))
    assert "code_request" in ids(assess("請把驗證碼告訴我"))


def test_language_is_guessed_or_given() -> None:
    assert guess_language("请把验证码告诉我") == "zh" and guess_language("Read me the code") == "en"
    assert guess_language("请下载 AnyDesk 软件") == "zh"
    assert assess("hello", language="zh-CN").language == "zh"


# --- number cues ----------------------------------------------------------------------------------------------

def test_number_cues() -> None:
    assert [c.id for c in number_cues("")] == ["number_withheld"]
    assert [c.id for c in number_cues("anonymous")] == ["number_withheld"]
    assert [c.id for c in number_cues("+855 12 555 0101", home_country_code="44")] == ["number_international"]
    assert number_cues("+44 20 7946 0811", home_country_code="44") == []
    assert [c.id for c in number_cues("0044 20 7946 0811")] == ["number_international"]  # no home country given
    assert [c.id for c in number_cues("020 7946 0811", ["07700 900011"])] == ["number_unknown"]
    assert number_cues("+44 7700 900011", ["07700 900011"], home_country_code="86") == []  # a known contact
    assert number_cues(None) == []
    assert same_number("+44 (0)7700-900011", "07700 900011") and not same_number("110", "120")
    assert is_international("00852 5555 0173", "86") and not is_international("+86 10 5555 0110", "+86")


def test_number_cues_alone_stay_below_medium() -> None:
    a = assess("", number="+855 12 555 0101", known_numbers=["07700 900011"], home_country_code="44")
    assert ids(a) == {"number_international", "number_unknown"} and a.level in ("none", "low")
    scam = assess("Your grandson is in custody and needs bail money.", number="")
    assert "number_withheld" in ids(scam)


def test_thresholds() -> None:
    t = Thresholds(0.2, 0.5, 0.8)
    assert [t.level(s) for s in (0.1, 0.2, 0.5, 0.79, 0.8)] == ["none", "low", "medium", "medium", "high"]
    with pytest.raises(ValueError):
        Thresholds(0.5, 0.4, 0.9)
    text = "This is the police. Please transfer the money today."
    assert assess(text).level == "high" and assess(text, thresholds=Thresholds(0.3, 0.6, 0.95)).level == "medium"


# --- the labelled sample set ------------------------------------------------------------------------------------

SAMPLES = load_samples()
TUNED = [s for s in SAMPLES if s.set != "holdout-2"]


def test_the_sample_set_covers_both_languages_every_family_and_hard_negatives() -> None:
    for language in ("en", "zh"):
        assert sum(s.is_scam and s.language == language for s in SAMPLES) >= 30
        assert sum(not s.is_scam and s.language == language for s in SAMPLES) >= 30
    scam_families = {s.family for s in SAMPLES if s.is_scam}
    assert {"impersonation", "safe_account", "verification_code", "urgency_secrecy", "relative_in_trouble",
            "health_products", "investment", "remote_control", "refund_prize_fee"} <= scam_families
    hard_negatives = {s.family for s in SAMPLES if not s.is_scam} - {"everyday"}
    assert {"impersonation", "verification_code", "relative_in_trouble", "health_products"} <= hard_negatives
    assert {s.kind for s in SAMPLES} == {"call", "sms"}


def test_the_rules_meet_the_goal_on_the_sets_they_were_tuned_on() -> None:
    # Deterministic (no randomness); holdout-2 is measured by bench/scam_guard.py, not asserted here.
    scored = [(s, assess(s.text, number=s.number, language=s.language, home_country_code=s.home_country_code))
              for s in TUNED]
    for language in ("en", "zh"):
        scams = [a for s, a in scored if s.is_scam and s.language == language]
        legit = [a for s, a in scored if not s.is_scam and s.language == language]
        recall_high = sum(a.level == "high" for a in scams) / len(scams)
        fpr_medium = sum(a.level in ("medium", "high") for a in legit) / len(legit)
        assert recall_high >= 0.9, (language, recall_high)
        assert fpr_medium <= 0.05, (language, fpr_medium)


def test_no_false_alarm_on_the_unseen_legit_messages() -> None:
    legit = [s for s in SAMPLES if s.set == "holdout-2" and not s.is_scam]
    flagged = [s.text for s in legit if assess(s.text, number=s.number, language=s.language,
                                               home_country_code=s.home_country_code).level in ("medium", "high")]
    assert len(flagged) <= 1, flagged
