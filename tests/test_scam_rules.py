"""The scam guard's pure rules: cues in Chinese and English, warnings that must not fire, numbers, the sample set."""

from __future__ import annotations

import pytest

from skills.scam_guard.rules import (
    CUES, FAMILIES, Assessment, Thresholds, assess, combine, guess_language, is_international, normalize, number_cues,
    same_number,
)
from skills.scam_guard.samples import BLIND, DEV_SETS, load_blind_samples, load_dev_samples, load_samples


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


# --- broader vocabularies: paraphrases, colloquial and indirect forms ------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # authority + money movement, in words the first catalogue did not have
    ("This is officer Reid from the fraud department. Your savings are at risk, you need to move them to the "
     "account I give you today.", {"authority_police", "account_frozen", "money_transfer"}),
    ("Hello, HMRC here. You owe unpaid tax and bailiffs will be sent unless you settle the balance today by bank "
     "transfer.", {"authority_social_security", "accusation", "combo_authority_ask"}),
    ("您好，我是国家反诈中心的民警，您的银行卡涉及一起洗钱案，需要您配合资金核查，把钱转到我们指定的账户。",
     {"authority_police", "safe_account", "combo_authority_ask"}),
    ("老人家您好，您的医保卡被别人在外地盗刷了，我给您转到公安局，您要配合警官做笔录。",
     {"authority_social_security", "cooperate_investigation", "combo_official_threat"}),
    # any pretext + a request for a code, however it is put
    ("Hi, I'm from the council, you qualify for a £300 grant. You'll get a text in a moment, just read me the "
     "numbers in it.", {"refund", "code_request"}),
    ("阿姨，我是楼上的小李，我注册发错号码了，麻烦把刚才那条短信里的数字告诉我一下。", {"code_request"}),
    # remote control without the tool's name
    ("This is the Apple help desk, your iCloud has been breached. Please let our engineer take over the mouse.",
     {"authority_tech", "account_frozen", "remote_tool", "combo_authority_ask"}),
    ("我是医保局工作人员，您的医保卡被冻结了，需要下载腾讯会议配合解冻。", {"meeting_app", "install_app", "combo_official_app"}),
    ("您好，您的百万保障今天到期，不关闭每月自动扣款，我教您装个软件，把屏幕给我看一下。",
     {"subscription_trap", "remote_tool", "install_app", "combo_remote_money"}),
    # relatives, teachers, bosses, sweethearts
    ("Hi Gran, I'm in hospital after an accident and my phone's broken. Can you wire some money to my friend? "
     "Don't tell Mum.", {"relative_trouble", "money_transfer", "secrecy", "combo_relative_money"}),
    ("奶奶，我出车祸了，现在在医院，急需三万块手术费，你别跟我爸妈说，先打到这个卡上。",
     {"relative_trouble", "money_transfer", "secrecy", "combo_relative_money"}),
    ("家长您好，我是孩子的班主任，本学期资料费请直接转账到这个账号，今天截止。",
     {"boss_teacher", "money_transfer", "combo_relative_money"}),
    ("My darling, I am a soldier stationed overseas and I sent you a box of gifts, but customs need a fee of $900 "
     "to release it.", {"romance", "upfront_fee", "combo_relative_money"}),
    # lures that need a fee, investments, health
    ("You're our lucky customer! A free mobility scooter is reserved for you, just cover the £35 delivery charge "
     "by replying with your card details.", {"prize", "upfront_fee", "card_details", "combo_lure_fee"}),
    ("恭喜您获得免费领取养生锅的资格，只需支付邮费39元即可送货上门。", {"prize", "upfront_fee", "combo_lure_fee"}),
    ("您的贷款已审批通过，需先缴纳解冻费3000元才能放款。", {"loan_offer", "upfront_fee", "combo_lure_fee"}),
    ("Sir, our gold bond pays twelve percent fixed every year and your capital is fully protected. I'll send the "
     "paperwork once you've sent the first five thousand.",
     {"guaranteed_returns", "high_returns", "money_transfer", "combo_investment_money"}),
    ("阿姨，跟着我们老师带单炒币，每天收益百分之十，稳赚不赔，先充值五千到平台。",
     {"guaranteed_returns", "crypto", "money_transfer", "combo_investment_money"}),
    ("This herbal tea dissolves cholesterol and clears blocked arteries, no more statins. Pensioners' price £120.",
     {"health_cure", "price_offer", "combo_health_sale"}),
    ("大妈，我们的灵芝孢子粉专门调理身体，吃了血糖血压都能恢复正常，现在买三盒送一盒。",
     {"health_cure", "pseudo_science", "price_offer", "combo_health_sale"}),
])
def test_paraphrased_scams_are_caught(text: str, expected: set[str]) -> None:
    a = assess(text)
    assert a.level == "high", (a.score, a.cue_ids)
    assert expected <= ids(a), a.cue_ids


@pytest.mark.parametrize("text", [
    # real warnings name every cue and must not fire
    "Brookfield Bank: Never share a one-time passcode with anyone, even if they say they're from the bank.",
    "Brookfield Bank: your new PIN is on its way by post. Never tell anyone your PIN.",
    "Met Police newsletter: scammers are calling residents pretending to be officers and asking them to "
    "withdraw cash. Hang up and call 101.",
    "【社区民警】近期冒充客服退款诈骗高发，正规平台退款无需您提供验证码或共享屏幕。",
    "【某某银行】温馨提示：任何索要验证码的都是诈骗，请勿将验证码告诉任何人，包括银行工作人员。",
    # family asking for everyday help
    "Grandma, could you give me a lift to football on Saturday morning? Dad's working.",
    "奶奶，周六能不能开车来学校接我一下？爸爸要加班。",
    "爸，我手机没电了，用同事的手机给您打个电话，今晚加班不回来吃饭了。",
    # bills, statements and delivery notices
    "Brookfield Bank: your credit card statement is ready. Please pay at least £25 by 5 March to avoid a late fee.",
    "EDF: your bill for March is £71.35. It will be collected by Direct Debit on the 14th.",
    "Hi, it's Dave the electrician, can you pay the £120 invoice by bank transfer when you get a chance? Thanks.",
    "Your order has shipped. Delivery charge: free. Estimated delivery Friday.",
    "【国家电网】尊敬的客户，您户号尾号1234本月电费126元，请于25日前缴费，可通过网上国网APP支付。",
    "【中通快递】您的包裹已送达驿站，凭取件码领取，无需支付任何费用。",
    "【某某银行】您的账户于今日收到转账5000元，当前余额请登录手机银行查询。",
    "Council: you may qualify for the winter fuel payment. Call our helpline on 0300 123 4567 for advice.",
    "Hi Mum, I'll set up Zoom on your laptop tomorrow so we can call Aunt Jo.",
    "妈，我周末用腾讯会议跟您视频，我先帮您把软件装好。",
    "王阿姨，我是社区的小张，下周组织老人去听防诈骗讲座，有鸡蛋领，您来吗？",
])
def test_legit_look_alikes_stay_below_medium(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


def test_traditional_forms_of_the_new_words_match() -> None:
    a = assess("這件事不要聲張，馬上把錢轉到我們給您的帳戶")
    assert {"secrecy", "safe_account", "combo_secrecy_ask"} <= ids(a) and a.level == "high"
    assert "meeting_app" in ids(assess("請下載騰訊會議"))


def test_a_fee_the_sentence_calls_free_and_a_bill_with_a_due_date_do_not_count_as_asks() -> None:
    assert "upfront_fee" not in ids(assess("Delivery charge: free."))
    assert "upfront_fee" in ids(assess("A delivery charge of £2.99 is due before we can deliver."))
    assert "payment_request" not in ids(assess("Your bill is ready. Please pay now online."))
    assert "payment_request" in ids(assess("Please pay now online."))


def test_the_generic_story_plus_ask_combination_only_fills_gaps() -> None:
    # A shape no specific combination knows: a "new number" asking to install an app.
    generic = assess("Hi Mum, this is my new number. Please install this app for me.")
    assert "combo_pretext_ask" in ids(generic)
    # A shape a specific combination knows does not get the generic one on top.
    specific = assess("This is the police. Please transfer the money today.")
    assert "combo_authority_ask" in ids(specific) and "combo_pretext_ask" not in ids(specific)


# --- pretexts generalised from holdout-3 (each written fresh, none copied from a sample set) ---------------------

@pytest.mark.parametrize(("text", "expected"), [
    # a utility cut-off with a deadline and a number or a payment to stop it
    ("URGENT: your electricity account is past due. Service will be shut off today at 4pm. To avoid disconnection "
     "call our payment centre on 0800 555 0123 now.", {"service_cutoff", "callback_number", "combo_cutoff_deadline"}),
    ("Hello, this is the water board. An engineer is booked to disconnect your supply this afternoon. To stop it, "
     "pay £189 over the phone now.", {"service_cutoff", "authority_utility", "combo_cutoff_deadline"}),
    ("【南方电网】您的电费已欠缴，今日将对您的线路停电，请尽快拨打 0755-88886666 办理缴费。",
     {"service_cutoff", "authority_utility", "combo_account_link"}),
    # a lawyer or officer, a grandchild held, bail, secrecy
    ("Hi, I'm a public defender calling about your granddaughter Emily. She's being held after a crash and bail is "
     "set at five thousand dollars. She asked me not to tell her parents. Can you get the cash today?",
     {"relative_trouble", "secrecy", "money_transfer", "combo_relative_money"}),
    ("奶奶，我是小伟的律师，他跟人打架被派出所扣着，要交两万块保证金才能放人，他不想让他爸妈知道，您先别声张。",
     {"relative_trouble", "upfront_fee", "secrecy"}),
    # "Hi Mum, new number"
    ("Mum this is my new number, the old one is broken. Can you do me a favour and pay an invoice for me? I can't "
     "access my online banking until tomorrow.", {"relative_impersonation", "relative_trouble", "combo_relative_money"}),
    ("爸，我是小丽，原来的号不用了，这是新号。我现在急需交房租，你先转五千给我房东，我把卡号发给你。",
     {"relative_impersonation", "relative_trouble", "money_transfer", "combo_relative_money"}),
    # free medical equipment for an ID number
    ("Congratulations! As a Medicare member you are entitled to a free back brace and a free blood sugar monitor. "
     "Reply with your Medicare number and date of birth to claim.", {"prize", "verify_details", "combo_lure_fee"}),
    ("您好，这里是社保中心，您可以免费领取一副护膝和一个血压计，请提供一下您的身份证号和社保卡号。",
     {"prize", "card_details", "combo_lure_fee"}),
    # miracle cures and free-lunch seminars
    ("Doctors are furious about this: a kitchen trick that reverses joint pain in 7 days. Get 2 free jars, just pay "
     "$7.99 shipping at healthtrick-vip.com", {"health_cure", "upfront_fee", "suspicious_link", "combo_health_sale"}),
    ("You're invited to a FREE dinner seminar for retirees, with a free gift for every guest. Our expert will show a "
     "device that lets you stop your blood pressure pills.", {"health_cure", "health_product", "combo_health_sale"}),
    ("大妈，我们这个磁疗床垫睡三个月就能代替降糖药，今天订两张送一个按摩枕。", {"health_cure", "combo_health_sale"}),
    # wrong number -> crypto; trading mentors
    ("Oh sorry, wrong number! I'm a fund manager in Hong Kong, I earned 30% this month trading bitcoin, want me to "
     "show you?", {"wrong_number", "crypto", "high_returns", "combo_stranger_investment"}),
    ("我是股票群的王老师，今天有内部消息，跟着我的信号操作，群里很多人已经翻倍了，先充值到平台账户。",
     {"high_returns", "money_transfer", "combo_investment_money"}),
    # tech-support remote access
    ("Microsoft security alert: your PC is sending virus warnings to our servers. Open the run box and type what I "
     "tell you so our technician can fix it remotely.", {"authority_tech", "guided_operation", "install_app"}),
    ("您好这里是电信的技术人员，您家的宽带被黑客攻击了，需要您下个软件，我们远程帮您处理一下。",
     {"authority_tech", "install_app", "remote_tool"}),
    # romance, deployment, a fee to come home
    ("Darling, my unit commander says I can take leave if someone pays the leave fee of $1,800. I'll pay you back "
     "double when I come home to you my love.", {"romance", "upfront_fee", "combo_relative_money"}),
    # codes that are never called "code"
    ("Hi, it's Jenny from church, I accidentally gave my number as yours for a verification text. Can you send me "
     "the 6-digit number it sent you?", {"code_request", "wrong_number"}),
    ("阿姨，我是快递员，系统给您发了个确认码，麻烦把那个码说给我一下，我好签收。", {"code_request"}),
    # isolation
    ("This is a confidential federal matter. Do not answer any other calls and do not contact your bank. Stay on "
     "the line with me until it is done.", {"secrecy", "isolation", "combo_secrecy_isolation"}),
    ("这个案子涉及国家机密，你找个没人的地方，开着免提，不要接任何人的电话。", {"secrecy", "isolation"}),
    # a teacher or coach collecting money to a personal account
    ("Hello, this is Mr Davies, Oliver's football coach. We're collecting $60 for the tournament fee by tonight, "
     "please Venmo me directly.", {"boss_teacher", "money_transfer", "combo_relative_money"}),
    ("你好，我是孩子的钢琴老师，下学期的课时费直接转到我个人卡上就行，今天之内转一下。",
     {"boss_teacher", "money_transfer", "combo_relative_money"}),
])
def test_new_kinds_of_pretext_are_caught(text: str, expected: set[str]) -> None:
    a = assess(text)
    assert a.level == "high", (a.score, a.cue_ids)
    assert expected <= ids(a), a.cue_ids


# --- signs of legitimacy lower the score, visibly ------------------------------------------------------------

@pytest.mark.parametrize(("text", "signs"), [
    ("Octopus Energy: your bill of £84.20 is due on 12 July. Pay in the Octopus app. We will never ask for your card "
     "details by text.", {"legit_official_channel", "legit_disclaimer"}),
    ("John Lewis: your refund of £45 has been processed back to your original card. No action needed.",
     {"legit_no_action"}),
    ("Hi Dad, dinner was £92 for the four of us, so £23 each, no rush.", {"legit_everyday_money"}),
    ("【中国邮政】您的境外包裹需缴纳进口关税38元，请通过“中国邮政”官方APP缴纳，或到就近网点办理，邮政不会通过短信链接收费。",
     {"legit_official_channel", "legit_disclaimer"}),
    ("【淘宝】您的退款申请已通过，退款28.5元将原路退回您的支付宝，无需您做任何操作。", {"legit_no_action"}),
    ("【XX市人社局】养老金待遇资格认证可在“掌上12333”APP办理，全程免费，工作人员不会上门或电话索要银行卡密码。",
     {"legit_disclaimer"}),
    ("周末聚餐一共四百，我先垫了，AA每人一百，有空转我就行，不着急。", {"legit_everyday_money"}),
    ("老伴，银行的定期存单下个月到期，我打算把那五万续存三年，利率比活期高，你觉得呢？", {"legit_everyday_money"}),
])
def test_signs_of_legitimacy_lower_the_score_and_are_shown(text: str, signs: set[str]) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)
    assert signs <= ids(a), a.cue_ids
    for cue in a.cues:
        if cue.family == "legitimacy":
            assert cue.weight < 0 and cue.label_en and cue.label_zh and cue.text
    assert a.cues == tuple(sorted(a.cues, key=lambda c: -c.weight))  # the signs come last


def test_a_sign_of_legitimacy_is_worthless_beside_the_ask_it_denies() -> None:
    # "I will never ask for your PIN" does not cover for a request for the passcode a sentence later.
    a = assess("For your protection I will never ask for your PIN. I'm sending you a one-time passcode; when it "
               "arrives, read it back to me.")
    assert "code_request" in ids(a) and "legit_disclaimer" not in ids(a) and a.level == "high"
    b = assess("退款会原路退回，请先下载会议软件，打开屏幕共享，我帮您操作。")
    assert "legit_no_action" not in ids(b) and b.level == "high"
    c = assess("不着急，奶奶，我出车祸了，你先转给我五千。")
    assert "legit_everyday_money" not in ids(c) and c.level == "high"


def test_legitimacy_damps_the_noisy_or() -> None:
    assert combine([0.5, 0.5]) == pytest.approx(0.75)
    assert combine([0.5, 0.5, -0.4]) == pytest.approx(0.75 * 0.6)
    assert combine([-0.4]) == 0.0


@pytest.mark.parametrize("text", [
    # everyday uses of the new vocabularies
    "Dad's deployment with the navy ends in May, then we can finally be together as a family again!",
    "Hi Grandma, sorry, I sent that photo to you by mistake, it was meant for Chloe. Love you!",
    "Gran, I locked myself out of the house, can you bring the spare key when you're passing?",
    "Hi Mum, phone died, using Jess's phone. Train delayed, home by 8.",
    "Hey, it's Coach Sam, Jamie's football coach. Great game today! Training Tuesday at 6.",
    "Power cut on our street tonight, the electricity company says it'll be back by 10pm.",
    "Dr Shah's surgery: your knee brace is ready to collect from reception. Please bring your NHS number.",
    "Hi Mum, I've got a new number, this one's for work. Save it and I'll call you tonight.",
    "妈，千万别熬夜了，早点睡，身体要紧。",
    "奶奶，不好意思刚才打错了，本来想打给我妈的。",
    "爸，我下个月发了工资就还你那五千，谢谢爸。",
    "我跟你说个内部消息，小区下个月要装电梯了，开心吧。",
    "今天社区通知，明天上午九点到下午三点停电检修，提前把冰箱里的东西处理一下。",
    "【国家电网】因线路检修，您所在小区6月5日8:00至12:00计划停电，给您带来不便敬请谅解。",
    "外婆，你微信上那个收款码别随便发给陌生人啊。",
])
def test_everyday_uses_of_the_new_words_stay_below_medium(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


def test_a_conditional_payment_is_not_a_warning_but_a_conditional_warning_is() -> None:
    # "if someone pays" is the ask itself; "if someone asks you to pay" is advice.
    assert "upfront_fee" in ids(assess("My commander says I can come home if someone pays the clearance fee."))
    assert "upfront_fee" not in ids(assess("If someone asks you to pay a clearance fee, hang up."))
    assert "money_transfer" not in ids(assess("千万别报警。"))  # 千万 here is "whatever you do", not ten million
    assert "money_transfer" not in ids(assess("昨晚吃饭我先付的，大家有空再说。"))  # "I paid first" is not an ask
    assert "money_transfer" not in ids(assess("退款原路退回您的付款卡。"))  # a payment card is not a payment


def test_one_phrase_is_not_two_pieces_of_evidence() -> None:
    # "关税" is a customs claim and a fee, but not "customs asking for a fee" on its own.
    a = assess("关税")
    assert {"authority_customs", "upfront_fee"} <= ids(a) and "combo_authority_ask" not in ids(a)


# --- the sets: every set kept here is development data; a blind set is a file the bench is pointed at -----------

def test_every_set_kept_here_is_development_data_and_a_blind_file_is_read_as_blind(tmp_path) -> None:
    # holdout-4 used to be the blind set; it was measured once and has been development data since.
    assert {"holdout-3", "holdout-4", "round-5a"} <= set(DEV_SETS)
    assert {s.set for s in load_dev_samples()} <= set(DEV_SETS)
    blind = tmp_path / "blind.yaml"
    blind.write_text("- {text: 'Hello there', language: en, label: legit, kind: sms, family: everyday, number: '+44 1',"
                     " set: holdout-9, id: 7}\n", encoding="utf-8")
    (sample,) = load_blind_samples(blind)
    assert sample.set == BLIND and sample.number == "+44 1"
    assert load_blind_samples(tmp_path / "missing.yaml") == []


def test_the_rules_meet_the_goal_on_holdout_3_now_it_is_development_data() -> None:
    dev = [s for s in load_dev_samples() if s.set == "holdout-3"]
    if not dev:
        pytest.skip("holdout3.yaml is not there")
    scored = [(s, assess(s.text, number=s.number, language=s.language, home_country_code=s.home_country_code))
              for s in dev]
    scams = [a for s, a in scored if s.is_scam]
    legit = [a for s, a in scored if not s.is_scam]
    assert sum(a.level in ("medium", "high") for a in scams) / len(scams) >= 0.95
    assert sum(a.level in ("medium", "high") for a in legit) / len(legit) <= 0.05


def test_a_disclaimer_does_not_hide_the_ask_that_follows_it_in_the_same_sentence() -> None:
    assert "code_request" in ids(assess("For your protection I will never ask for your PIN, just read me the passcode."))
    assert "code_request" in ids(assess("我们不会索要您的密码，您只要把验证码念给我就行。"))
    assert "code_request" not in ids(assess("Never share your code with anyone, just ignore the message."))
    assert "gift_card_payment" not in ids(assess("工作人员不需要您的银行卡密码。"))  # 银行卡密码 is not 卡密

