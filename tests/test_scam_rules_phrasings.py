"""The scam guard's rules on phrasings the first catalogue did not know: codes asked for under any pretext, a relative
in trouble without an "accident", urgency with secrecy, a fee before a payout, and genuine notices that must stay
quiet. Each text is written for this file, not copied from a sample set (the sets are scored by bench/scam_guard.py)."""

from __future__ import annotations

import pytest

from skills.scam_guard.rules import Assessment, assess, normalize


def ids(a: Assessment) -> set[str]:
    return set(a.cue_ids)


def at_least(a: Assessment, level: str) -> bool:
    return ["none", "low", "medium", "high"].index(a.level) >= ["none", "low", "medium", "high"].index(level)


# --- 1. a verification code, under any pretext and however it is asked for -----------------------------------

@pytest.mark.parametrize("text", [
    # a bank "freeze" that wants the code back by text
    "Halifax: your account has been placed on hold after an unusual sign-in. Reply with the 6-digit code we sent to "
    "unlock it.",
    # a parcel redelivery, spoken, no punctuation
    "hiya its the courier im at your door but the system needs the four digit number we just texted you can you read "
    "it out",
    # a prize that needs the "confirmation code"
    "You've won a Christmas hamper! We've sent you a confirmation code, just text it back to claim your prize.",
    # "sent to you by mistake"
    "Hi sorry, I think my WhatsApp code went to your number by mistake, could you forward it to me?",
    # an account security check
    "this is the security team at your bank we're doing a routine check ive sent a passcode to your mobile could you "
    "confirm the digits for me",
    # a friend's account "recovery"
    "It's Jo from the choir, Facebook is sending my recovery code to you because you're my trusted contact, can you "
    "send me a screenshot of the text?",
    # the elder's own "never" earlier in the call does not hide the ask
    "i never give my pin to anyone thats fine you wont need your pin just read me the code thats come through",
    "我微信登不上了，等下你手机会收到一条短信，你把里面的数字截个图发我一下。",
    "您好这边是支付宝安全中心我给您发一个校验码您收到以后跟我说一下",
    "喂阿姨我是快递员系统给您发了个签收码您念给我听一下就行",
    "【工商银行】您的账户已被临时冻结，请将收到的6位动态码回复至本号码完成解冻。",
    "等下会有个好友辅助验证发给你，你点一下通过再把收到的码发我。",
])
def test_a_code_asked_for_under_any_pretext_warns_aloud(text: str) -> None:
    a = assess(text)
    assert "code_request" in ids(a), a.cue_ids
    assert a.level == "high", (a.score, a.cue_ids)


def test_a_scam_that_quotes_the_banks_disclaimer_and_then_asks_for_the_code_still_scores() -> None:
    a = assess("For your security we never ask for your PIN. To confirm it's really you, please read me the code "
               "we just sent.")
    assert "code_request" in ids(a) and "legit_disclaimer" not in ids(a) and a.level == "high"
    b = assess("我们绝不会索要您的密码但是需要您把刚收到的验证码念一下")
    assert "code_request" in ids(b) and "legit_disclaimer" not in ids(b) and b.level == "high"


@pytest.mark.parametrize("text", [
    "Your Barclays code is 482915. We will never call you to ask for this code. Don't share it with anyone.",
    "G-482913 is your Google verification code.",
    "To log in, enter this code: 4455. It expires in 10 minutes.",
    "Amazon: your one-time delivery code is 4452. Share it with the driver when they arrive.",
    "Mum, please reply with the code for the key safe, the carer's outside.",
    "Hi Mum, what's the code for the gate again? I'm outside with the shopping.",
    "Please type the PIN for your new card into the cash machine.",
    "【农业银行】验证码为417526，您正在办理网上银行转账，请确认是本人操作，切勿泄露。",
    "【微信】验证码：556677，用于登录，5分钟内有效。如非本人操作，请忽略本短信。",
    "妈，我帮你在手机上装了反诈APP，以后陌生人让你报验证码你就直接挂电话。",
])
def test_a_code_the_service_sends_you_or_a_door_code_is_not_a_code_request(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


# --- 2. a relative in trouble, without the word "accident" -----------------------------------------------------

@pytest.mark.parametrize("text", [
    # the cloned-voice style: no name, a voice that "sounds funny", secrecy
    "grandma its me dont you recognise my voice ive got a cold listen im in a bit of trouble i need 500 pounds today "
    "please dont tell mum",
    "奶奶是我啊你听不出来了吗我嗓子哑了我跟人起了冲突现在人家要我赔钱你先别跟我爸妈说先给我转五千",
    # a friend or a lawyer speaking for the grandchild
    "Hi Mrs Cole, I'm Danny's mate. He's been arrested and they won't let him go until someone pays the bail. He "
    "asked me not to tell his parents.",
    "Hello, I'm the solicitor acting for your grandson. He is being held after an incident and a bond of £2,000 is "
    "needed today to get him released.",
    "舅妈，我是小军的同学，小军出了点事手机被收了，他让我先联系您，中午之前要两万块处理，千万别让舅舅知道。",
    # new number, broken phone, money to someone else's account
    "Dad it's me, dropped my phone in the bath so this is my new number. Can you send £620 to my landlord today? "
    "I'll pay you back Friday",
    "妈，我手机掉水里了，这是我同学的号。学校要交一笔材料费三千六，今天下午截止，你先转到这个卡上。",
    # stranded abroad, gift cards
    "Nana it's Leo, someone nicked my bag with my passport in Rome. Can you get some Apple gift cards and send me "
    "photos of the backs?",
])
def test_a_relative_in_trouble_warns_aloud_without_the_word_accident(text: str) -> None:
    a = assess(text)
    assert a.families & {"relative_in_trouble"}, a.cue_ids
    assert a.level == "high", (a.score, a.cue_ids)


def test_a_new_number_asking_for_a_chat_elsewhere_alerts_a_caregiver_before_any_ask() -> None:
    a = assess("Hi Mum it's me, smashed my phone so this is my new number. Can you message me on WhatsApp? Need a "
               "favour x")
    assert "combo_new_number_chat" in ids(a) and at_least(a, "medium")


@pytest.mark.parametrize("text", [
    "Grandma it's me! I passed my driving test! Can I drive you to the garden centre on Saturday?",
    "Tom's been held up at work, he'll be late for tea, don't wait for him.",
    "Hi Mum, it's me, on Dan's phone because mine died. Running late, home by 7 x",
    "hi mum its me just ringing to say im stuck in traffic so ill be there about half six dont cook for me",
    "Hi Nan, I'm at the police station doing my work experience with the community officers!",
    "奶奶，我嗓子哑了说话费劲，就不打电话了，我周末回去看您。",
    "奶奶，我在派出所办身份证呢，人有点多，办完就回去吃饭。",
    "妈，我手机掉水里了，现在用同事的手机给你说一声，晚上回去再说。",
    "爸，我换手机号了，这个是新号，旧号码月底停用，您存一下。",
    "阿姨，我是小王的同学，小王让我跟您说一声，他今天加班晚点回去，手机没电了。",
])
def test_family_news_in_the_same_words_stays_quiet(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


# --- 3. urgency and secrecy, a cue of their own ----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "This has to be done before 3pm today and you mustn't mention this call to anyone, not even your son.",
    "今天下午五点前必须办好，这件事谁都不能说。",
    "Keep this between us and get it sorted within the hour.",
])
def test_urgency_with_secrecy_alerts_a_caregiver_on_its_own(text: str) -> None:
    a = assess(text)
    assert "combo_urgency_secrecy" in ids(a) and at_least(a, "medium"), (a.score, a.cue_ids)


@pytest.mark.parametrize("text", [
    "It's the bank's security team. Say nothing to the cashier, and the withdrawal must be done before they close "
    "at four.",
    "王阿姨，这件事你先不要跟任何人讲，今天下午三点之前必须办好，不然你的退休金就要被冻结了。",
    "小刘，我是你们王局，我在开会不方便接电话，有个急事你先帮我转两万给这个账户，这事别跟单位里人说。",
])
def test_secrecy_around_a_story_warns_aloud(text: str) -> None:
    a = assess(text)
    assert ids(a) & {"combo_secret_story", "combo_secrecy_ask"} and a.level == "high", (a.score, a.cue_ids)


@pytest.mark.parametrize("text", [
    "Don't tell Grandad but we've booked the restaurant for his birthday on Saturday at 7, keep it a secret!",
    "姥姥，下周是姥爷七十大寿，我们准备给他办个惊喜，你先别告诉他啊。",
    "Don't forget to take your blood pressure tablet before 9 tonight! Love you x",
])
def test_a_family_surprise_or_a_reminder_is_not_secrecy_pressure(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


# --- 4. a fee before a refund, a payout or a cancellation --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Claims team: your compensation of £1,200 has been approved. A £95 release fee must be paid first.",
    "We have traced the money you lost to the investment scheme. To release it we need a one-off processing deposit "
    "of £150.",
    "You're owed 400 pounds from the government rebate. To release it we need a registration payment of 19.99, can I "
    "take your card details?",
    "Your insurance payout is ready but the bank wants a compliance fee first.",
    "您有一笔理赔款8000元还没有领取，需要先缴纳300元激活费才能到账。",
    "恭喜您被抽中二等奖奖金68000元，请先缴纳个人所得税3800元。",
    # pay to cancel a renewal or an auto-debit
    "Your Prime membership of 79.99 will renew today. If you want to cancel it we need a small admin payment, can I "
    "take the long number on your card?",
    "您开通的会员每个月自动扣费八百元，不取消今天就扣了，取消需要您打开支付宝按我说的操作一下。",
])
def test_a_fee_before_a_payout_or_to_cancel_warns_aloud(text: str) -> None:
    a = assess(text)
    assert ids(a) & {"combo_lure_fee", "combo_cancel_fee", "combo_authority_ask", "combo_remote_money"}, a.cue_ids
    assert a.level == "high", (a.score, a.cue_ids)


# --- 5. genuine notices stay quiet, and their signs cannot be borrowed ----------------------------------------------

@pytest.mark.parametrize(("text", "sign"), [
    ("DWP: Your State Pension of £884.40 has been paid into your account ending 1123. You do not need to do "
     "anything.", "legit_money_received"),
    ("Social Security: your benefit of $1,642.00 will be deposited to your account on June 3.", "legit_money_received"),
    ("【建设银行】您尾号8825的账户6月15日收到养老金3,126.50元，活期余额12,480.33元。", "legit_money_received"),
    ("【国家税务总局】您的个人所得税汇算退税款1280元已退至您的银行账户，请注意查收。", "legit_money_received"),
    ("Santander: we've blocked your card because of a payment we didn't recognise. Please call us on the number on the "
     "back of your card.", "legit_official_channel"),
    ("【京东】您购买的电热水壶因质量问题被召回，您可在京东APP订单页申请免费更换或原路退款。", "legit_official_channel"),
    ("Your Microsoft account security code is 5521. If you didn't request this code, you can safely ignore this "
     "message.", "legit_no_action"),
])
def test_a_genuine_notice_stays_quiet_and_shows_why(text: str, sign: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)
    assert sign in ids(a), a.cue_ids


@pytest.mark.parametrize("text", [
    "Lloyds: fraudsters may call pretending to be us and ask you to move money or read out a code. We will never do "
    "this. If in doubt, hang up and call 0345 300 0000.",
    "hello this is pc jones from the neighbourhood team there have been scam calls pretending to be the bank if "
    "anyone asks you to move money or read out a code hang up and ring us on 101",
    "【微信支付】您已成功向张三转账500元。",
    "爸，单位年底发了奖金，我给你转了两千，你拿去买点好吃的。",
    "Hi, this is Sarah, your manager at the charity shop. Can you cover my shift on Thursday? No worries if not.",
    "Mum I'll ring you on WhatsApp video later and show you how to share your screen so I can help with the printer",
])
def test_warnings_receipts_and_everyday_asks_stay_quiet(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.score, a.cue_ids)


@pytest.mark.parametrize("text", [
    "DWP: your pension has been paid into your account. To keep receiving it, reply with the code we sent you.",
    "【社保局】您本月养老金已到账，因系统升级需重新认证，请点击 sbk-renzheng.cn 办理。",
])
def test_a_scam_cannot_hide_behind_a_paid_in_notice(text: str) -> None:
    a = assess(text)
    assert "legit_money_received" not in ids(a) and at_least(a, "medium"), (a.score, a.cue_ids)


# --- how text arrives: dropped apostrophes, long unpunctuated calls ---------------------------------------------------

def test_dropped_apostrophes_and_text_speak_are_read_as_written() -> None:
    assert normalize("pls dont tell mom im ok can u help") == "please don't tell mom i'm ok can you help"
    assert normalize("U.S. marshals, I'm ill") == "u.s. marshals, i'm ill"  # "ill" and "u.s." stay as they are
    assert "secrecy" in ids(assess("please dont tell mom and dad"))


def test_a_warning_word_early_in_a_long_call_does_not_silence_the_ask_at_its_end() -> None:
    call = ("hello i'll never forget how kind you were at the fete last year anyway this is mark from the fraud team "
            "at your bank there has been a problem with your account and we have set up a new account in your name "
            "so you need to move your savings over to it today")
    a = assess(call)
    assert "safe_account" in ids(a) and a.level == "high", (a.score, a.cue_ids)


# --- 2. the miss classes of the fifth independent set, in words none of the sets uses ----------------------------
# Each scam names the level it must reach and the cue that must explain it to the caregiver.

@pytest.mark.parametrize(("text", "level", "cue"), [
    # a code under a new pretext, called "a number" or "一个码"/"一串数字", told to the caller or to "客服"
    ("Hi, this is Tesco Clubcard. You have a reward waiting. We will text you a 6-digit number now, please read it "
     "back to me so I can release it.", "high", "code_request"),
    ("我是京东客服，您的白条额度异常，我这边给您发一个码，您收到以后报给我就行", "high", "code_request"),
    ("你好我是社区网格员，给您登记补贴，一会儿手机上会收到一串数字，您念一下给我", "high", "code_request"),
    ("【物流中心】您的包裹地址有误，稍后客服来电，请将收到的4位数字告知客服完成改派。", "high", "code_request"),
    # a relative in trouble: a borrowed phone, "don't mention it to mum", a promise to pay back
    ("Gran it is me, lost my phone so this is a mates number. Please dont mention anything to mum. Can you help me "
     "out, I will pay you back Monday", "high", "combo_relative_money"),
    ("Hello, I'm calling on behalf of your grandson, he asked me to contact you privately. His bail must be arranged "
     "before 5pm.", "high", "relative_trouble"),
    ("this is the ward sister, your daughter was brought in this morning, we need a deposit before the surgeon can "
     "operate, can you get to your bank now", "high", "combo_relative_money"),
    ("奶奶，我跟同学打架了现在在派出所，对方说要今天赔钱，我怕家里担心只让我联系您", "high", "relative_trouble"),
    # a safe account in other words: "held in a temporary account", "存到我们给您的那张卡上"
    ("Your account is under review. To protect you, your funds must be held in a temporary account until it ends.",
     "high", "safe_account"),
    ("您的资金有风险，请把钱存到我们给您的那张卡上，银行问起就说是给孩子买房", "high", "safe_account"),
    # a cut-off dated by the hour, paid by phone or through a private chat
    ("hello this is british gas, your gas supply will be suspended at 3pm today unless you clear the balance of £240, "
     "i can take that now by card", "high", "service_cutoff"),
    ("【燃气公司】您的燃气费已欠缴，系统将于3小时内自动关阀，请添加客服微信补缴。", "high", "service_cutoff"),
    # an official threat of a blacklist, a frozen account and back tax
    ("【税务稽查】您名下存在未申报收入，需补缴税款，否则将冻结您的银行卡。", "high", "accusation"),
    # an investment: returns by the quarter, a starter amount, limited places, a teacher's stock picks
    ("Our wine investment fund returned 22% last year. Entry from just £5,000. Places are limited.", "high",
     "combo_investment_money"),
    ("阿姨，老师带大家做黄金，翻倍没问题，您先投一点试试", "high", "guaranteed_returns"),
    ("Your bitcoin from 2016 sits in a dormant wallet. Contact our recovery team on WhatsApp to release it.",
     "medium", "refund"),
    # a miracle cure with a sales pitch
    ("Miracle capsule reversed my arthritis in 2 weeks, doctors won't tell you. Only £29 a bottle.", "high",
     "combo_health_sale"),
    ("【银发关爱】您已入选免费骨密度检测名单，仅需支付材料费68元，今日内回复。", "high", "combo_lure_fee"),
    # a fee before a settlement or to cancel a plan
    ("You are owed a settlement of £3,200. The release fee has to be paid up front by bank transfer.", "high",
     "combo_lure_fee"),
    ("to stop the payments and get a refund i just need you to pay a small cancellation deposit of forty pounds",
     "high", "upfront_fee"),
    # grooming: someone met online or a sweetheart pleading for money
    ("Good morning my dear, I am a doctor with the UN. My salary is frozen until my contract ends. I hate to ask but "
     "you are the only one I trust.", "high", "combo_plea_story"),
    ("it's maureen from the knitting forum, so lovely to finally hear your voice, i'm stuck in lagos and i don't know "
     "who else to ask", "high", "combo_plea_story"),
    ("大姐，我是在抖音上认识的老刘，我住院了身上没钱，实在不好意思开口，只能找你了", "high", "combo_plea_story"),
])
def test_the_miss_classes_reach_their_level_and_name_their_cue(text: str, level: str, cue: str) -> None:
    a = assess(text)
    assert at_least(a, level), (a.level, a.score, a.cue_ids)
    assert cue in ids(a), a.cue_ids


@pytest.mark.parametrize("text", [
    # the bank's own fraud warning, a pension paid, a delivery with nothing to pay, an appointment reminder
    "Lloyds: we will never ask you to move money to a safe account or read out a code. If anyone does, hang up.",
    "Your State Pension of £842.60 has been paid into your account today. No action needed.",
    "Royal Mail: your parcel will be delivered tomorrow between 10 and 12. Nothing to pay.",
    "Reminder: your appointment with Dr Shah is on Tuesday 12 March at 10:40. Reply C to cancel.",
    # a relative's ordinary favour, a friend from the group, a fund statement, planned works
    "Hi Mum, can you pick up Lily from school tomorrow? I will pay you back for the petrol, no rush.",
    "妈，明天能不能帮我接一下孩子，我晚上过来拿",
    "Hi Dorothy, lovely chatting in the group last night. See you at the garden centre on Thursday!",
    "Your fund returned 6% last year. Your annual statement is ready in the app.",
    "Thames Water: planned maintenance, water supply will be interrupted on Tuesday 9am to 1pm.",
    "【国家电网】因线路检修，将于6月3日8:00-18:00停电，给您带来不便敬请谅解。",
    # a card purchase the bank checks, a parcel locker code sent to you, a free community health check
    "【工商银行】您尾号1234的卡于10:05消费2,300.00元，如非本人操作请致电95588。",
    "您好 这里是银行信用卡中心 您刚才有一笔消费 三千二百元 想跟您核实一下是不是您本人 我们不会向您要验证码 有疑问请打卡背面的客服电话",
    "喂您好快递到您楼下了没人应我给您放丰巢柜里取件码会短信发给您",
    "您好，这里是社区卫生服务中心，65岁以上老人免费体检本周六上午进行，请携带身份证。",
])
def test_the_genuine_look_alikes_of_those_classes_stay_low(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.level, a.score, a.cue_ids)


# --- 3. the miss classes of the sixth independent set, in words none of the sets uses -----------------------------

@pytest.mark.parametrize(("text", "level", "cue"), [
    # a cover story for the bank teller, an "insider" at the branch, a courier who will hold the cash
    ("when you're at the desk and the clerk asks what it's for, just tell her it's for your daughter's wedding",
     "medium", "teller_cover_story"),
    ("我们怀疑您那个网点的员工跟骗子串通，柜台问起来您就说是给女儿装修房子用的", "high", "teller_cover_story"),
    ("take the savings out this afternoon and our officer will keep them safe for you until it's over", "high",
     "safe_account"),
    # a fake virus alert with a number, a provider's "remote fix"
    ("ALERT: 4 threats found on your laptop. Ring our support line on 0800 118 7735 to remove them.", "high",
     "combo_device_scare"),
    ("【宽带中心】检测到您家路由器被入侵，技术员稍后远程帮您修复，请保持电脑开机。", "high", "combo_device_scare"),
    # a caller who says to ignore the code message's own warning
    ("you'll see it says never share this code, that's just the standard wording, it doesn't apply to us", "high",
     "code_override"),
    ("短信里写着请勿告诉他人，那是系统自动加的，不用管，直接把码念给我", "high", "code_override"),
    # alternative investments and tips groups
    ("We have two plots left for private buyers near the new bypass. Once it opens you could double your money.",
     "high", "investment_pitch"),
    ("【红利社】张老师每日金股免费送，进群学员上月收益25%，回复1进群。", "high", "investment_pitch"),
    # free health talks with gifts, "free" aids paid by card, cure claims that stop medication
    ("【长寿讲堂】退休主任医师周三健康讲座，到场送大米一袋，名额有限。", "high", "free_gift_bait"),
    ("you've qualified for a free stairlift survey and a mobility scooter, you just need to cover the delivery so "
     "can i take the long number on your card", "high", "combo_free_health_offer"),
    ("这个蜂胶吃三个月，很多老人都摆脱降压药了，今天下单买二送一。", "high", "health_cure"),
    # a stranger turning a wrong number or a follow into a friendship
    ("Sorry, wrong number! You sound lovely though. Are you married? I'm Mike, a widower.", "medium",
     "combo_stranger_grooming"),
    ("阿姨好，我在快手上看你跳舞好久了，我老伴去年走了，一个人挺寂寞的，想交个朋友。", "medium",
     "combo_stranger_grooming"),
    # an inheritance with a fee, an official blacklist with a link, contraband passed "to customs"
    ("You have been named in the will of a late client. The transfer fee of £2,300 is payable before release.", "high",
     "combo_lure_fee"),
    ("【医保局】您的医保卡存在违规使用记录，已列入异常名单，请24小时内登录 ybj-hc.top 处理。", "high", "accusation"),
    ("喂您好我是韵达快递 您的包裹里查出违禁品 有人冒用了您的身份 我帮您转接海关缉私警官", "high",
     "cooperate_investigation"),
])
def test_the_sixth_sets_miss_classes_reach_their_level_and_name_their_cue(text: str, level: str, cue: str) -> None:
    a = assess(text)
    assert at_least(a, level), (a.level, a.score, a.cue_ids)
    assert cue in ids(a), a.cue_ids


@pytest.mark.parametrize("text", [
    # a bank's own fraud call that needs nothing from you, in both languages
    "this is the fraud team at your bank we've stopped a payment of four hundred pounds was it you no then we've "
    "blocked the card and a new one is on its way you don't need to give us any details or move any money",
    "您好这里是农业银行 您的卡刚才有一笔一千八百元的消费 想确认是不是您本人刷的 不是的话我们已经帮您冻结 您不需要提供任何信息",
    # a utility's free visit that invites you to check with its office
    "喂您好我是自来水公司的 下周上门免费检查水管 不收任何费用 您不放心可以打我们客服电话核实",
    "hi it's the water board we're checking the meters on your road next week free of charge you can ring our office "
    "to check first",
    # a friend mentioning a clinic's fee, a genuine new number, a real fund statement, a free health check
    "老刘，那家眼科医院我问了，挂号费30块，下周一有号，我陪你去。",
    "Hi Mum, new number, this one's for work. Keep the old one, I still use it. Speak tonight x",
    "Your pension fund grew 5% last year. See your statement in the app.",
    "Riverside Health Centre: free hearing checks on Friday morning, no appointment needed.",
])
def test_the_sixth_sets_genuine_look_alikes_stay_low(text: str) -> None:
    a = assess(text)
    assert a.level in ("none", "low"), (a.level, a.score, a.cue_ids)
