"""Explainable scam-risk scoring of a call transcript or a text message, in Chinese and English; pure, no I/O.

``assess(text, number=..., known_numbers=...)`` normalises the text (case, full-width forms, whitespace,
common traditional characters), looks for *cues* — an impersonated authority, a "safe account", a request
for a verification code, secrecy, a relative in trouble, a miracle cure, guaranteed returns, remote
control, a fee to release a prize — plus cues from the number, and adds *combinations* of cues (an
authority asking for money is worse than either alone). Each cue has a weight; the score is their
noisy-OR, ``1 - prod(1 - weight)``, so it stays in 0..1 and every cue that fired can be shown with the
text it matched. The level (none / low / medium / high) comes from ``Thresholds``.

A cue phrased as a warning does not fire: "the police will never ask you to move money to a safe
account" or "请勿将验证码告诉他人" is what a real bank or a police newsletter says. Some asks are ordinary in
context and do not fire either: a fee the sentence calls free, a "please pay" in a bill with a due date.

Each cue is a vocabulary for one idea (synonyms, paraphrases, colloquial forms in both languages), not one
script. Specific combinations (an official asking for money) are tried first; broad ones (any story with any
ask) fire only when no specific one did, so new shapes of scam score without old ones stacking up.

Signs of legitimacy are cues too, with negative weights: a sender's own disclaimer ("we will never ask for your
PIN", "不会要求您下载"), pointing to an official app or counter, "no action needed" / "原路退回", friends settling a
bill with "no rush". Each scales the score down and is listed in the explanation, but only in a text that makes
none of the asks it would contradict.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

LEVELS = ("none", "low", "medium", "high")
"""Risk levels, lowest first."""

FAMILIES = ("impersonation", "safe_account", "verification_code", "urgency_secrecy", "relative_in_trouble",
            "health_products", "investment", "remote_control", "refund_prize_fee", "money_request", "phishing",
            "romance", "number", "combination", "legitimacy")
"""Cue families; the bench reports recall per family of the sample set."""


def level_rank(level: str) -> int:
    """0 for ``none`` ... 3 for ``high``."""
    return LEVELS.index(level)


@dataclass(frozen=True)
class Thresholds:
    """Lowest score of each level; the family's settings may move them."""

    low: float = 0.25
    medium: float = 0.45
    high: float = 0.7

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.medium <= self.high <= 1:
            raise ValueError(f"thresholds must satisfy 0 < low <= medium <= high <= 1, got "
                             f"{self.low}, {self.medium}, {self.high}")

    def level(self, score: float) -> str:
        """The level of a score."""
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        if score >= self.low:
            return "low"
        return "none"


@dataclass(frozen=True)
class CueMatch:
    """One cue that fired, with the text that made it fire."""

    id: str
    """Stable id, e.g. ``safe_account``."""
    family: str
    """One of ``FAMILIES``."""
    label_en: str
    """What it means, for a caregiver reading English."""
    label_zh: str
    """What it means, in Chinese."""
    text: str
    """The matched text, normalised (lower case, simplified characters); a combination joins its parts."""
    weight: float
    """How much it adds on its own (0..1)."""

    def label(self, language: str) -> str:
        """The label in ``language`` (Chinese for ``zh*``, English otherwise)."""
        return self.label_zh if language.startswith("zh") else self.label_en

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "family": self.family, "label_en": self.label_en, "label_zh": self.label_zh,
                "text": self.text, "weight": self.weight}


@dataclass(frozen=True)
class Assessment:
    """The scam risk of one text: a score, its level and the cues behind it."""

    score: float
    """0 (nothing suspicious) .. 1."""
    level: str
    """``none``, ``low``, ``medium`` or ``high``."""
    cues: tuple[CueMatch, ...] = ()
    """Every cue that fired, strongest first."""
    language: str = "en"
    """``zh`` or ``en``: the text's language as given or guessed."""

    @property
    def families(self) -> frozenset[str]:
        """Families of the cues that fired (combinations and number cues included)."""
        return frozenset(c.family for c in self.cues)

    @property
    def cue_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.cues)

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 3), "level": self.level, "language": self.language,
                "cues": [c.to_dict() for c in self.cues]}


# --- normalisation ------------------------------------------------------------------------------------

# Traditional forms of the characters the cues use; enough for a Hong Kong or Taiwan phrasing of the
# same scam to match, not a converter.
_TRADITIONAL = (
    "戶帳賬驗證碼轉錢銀險檢員專號匯凍結資訊醫藥療報獎費遞關載軟體孫禍賠債穩賺絕對訴別讓緊馬貨遺郵稅違規緝傳喚"
    "會個們這說話電聯繫係養發給進過點擊連鏈網絡頁輸註銷實認幫辦處續額獲禮領還貸寶買賣產癒祕嚴懲機財護開幣項盤"
    "單導師營騙詐線廳鐵務請勿彈憑義診講囑吳鄭劉陳張黃楊趙慮兒媽爺奶狀監審隱動聽氣況顧礎據億萬聲議騰雞補貼償運"
    "積換兌購團優價親愛軍維當戀傷術腦壓職闆剛條內時間從學麼長則掃裡裏塊閉現將頭選車擔嗎風調應該變與準閱讀題際"
    "臺灣盜歲夠湊鬥罰擬壞丟攝視頻權"
)
_SIMPLIFIED = (
    "户账账验证码转钱银险检员专号汇冻结资讯医药疗报奖费递关载软体孙祸赔债稳赚绝对诉别让紧马货遗邮税违规缉传唤"
    "会个们这说话电联系系养发给进过点击连链网络页输注销实认帮办处续额获礼领还贷宝买卖产愈秘严惩机财护开币项盘"
    "单导师营骗诈线厅铁务请勿弹凭义诊讲嘱吴郑刘陈张黄杨赵虑儿妈爷奶状监审隐动听气况顾础据亿万声议腾鸡补贴偿运"
    "积换兑购团优价亲爱军维当恋伤术脑压职板刚条内时间从学么长则扫里里块闭现将头选车担吗风调应该变与准阅读题际"
    "台湾盗岁够凑斗罚拟坏丢摄视频权"
)
assert len(_TRADITIONAL) == len(_SIMPLIFIED)
_TO_SIMPLIFIED = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "`": "'"})
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])")
_HAN_CHAR = re.compile(rf"[{_HAN}]")


def normalize(text: str) -> str:
    """Lower case, half-width (NFKC), straight quotes, simplified key characters, single spaces.

    Spaces between two Chinese characters are dropped: speech-to-text often splits words with them.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES).translate(_TO_SIMPLIFIED)
    text = re.sub(r"\s+", " ", text).strip()
    return _SPACE_BETWEEN_HAN.sub("", text)


def guess_language(text: str) -> str:
    """``zh`` when the text has a fair share of Chinese characters, else ``en``."""
    han = len(_HAN_CHAR.findall(text))
    letters = sum(ch.isalpha() for ch in text)
    return "zh" if han and han >= 0.2 * letters else "en"


# --- the cue catalogue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """A rule: patterns (over normalised text) that make one cue fire."""

    id: str
    family: str
    label_en: str
    label_zh: str
    weight: float
    pattern: re.Pattern[str]
    negatable: bool = True
    """False for cues that are phrased negatively themselves ("don't tell anyone")."""
    group: str | None = None
    """Cues of one group do not add up: claiming to be the police *and* a prosecutor counts once."""
    unless: re.Pattern[str] | None = None
    """The cue does not fire in a sentence that also matches this ("delivery charge: free")."""
    unless_in_text: re.Pattern[str] | None = None
    """The cue does not fire in a text that matches this anywhere (a bill or statement with a due date)."""
    void_if: frozenset[str] = frozenset()
    """For a sign of legitimacy (negative weight): cues that make it worthless. "We will never ask for your PIN"
    means nothing in a text that then asks for a code."""
    latin_pattern: re.Pattern[str] | None = None
    """The alternatives without Chinese characters, tried instead of ``pattern`` on a text that has none (faster);
    None when there are none."""


def _cue(id: str, family: str, label_en: str, label_zh: str, weight: float, *,
         en: Sequence[str] = (), zh: Sequence[str] = (), negatable: bool = True, group: str | None = None,
         unless: str | None = None, unless_in_text: str | None = None, void_if: Iterable[str] = ()) -> Cue:
    alternatives = [rf"\b(?:{p})\b" for p in en] + [f"(?:{p})" for p in zh]
    latin = [rf"\b(?:{p})\b" for p in en] + [f"(?:{p})" for p in zh if not _HAN_CHAR.search(p)]
    group = group or ("authority" if id.startswith("authority_") else None)
    return Cue(id, family, label_en, label_zh, weight, re.compile("|".join(alternatives)), negatable, group,
               re.compile(unless) if unless else None, re.compile(unless_in_text) if unless_in_text else None,
               frozenset(void_if), re.compile("|".join(latin)) if latin else None)


_ASK_VERBS = r"tell|give|read|send|share|forward|confirm|repeat|text|say|pass|type|enter"
_CODE_WORDS = r"code|codes|otp|pin|passcode|password|numbers?|digits|one-time (?:code|passcode|password)"
_ZH_CODE = (r"(?:验证码|动态码|校验码|确认码|激活码|短信码|密码|数字|那个码|这个码|[四六八468]位(?:数字?|的?码)|几位数字?|短信内容|"
            r"那条短信|短信)")
# A code however it is called: "the confirmation number it sent", "that 6-digit thing", "a one-time passcode".
_EN_CODE_NOUN = (r"(?:code|otp|pin|passcode|password|(?:confirmation|verification|security|authori[sz]ation) (?:number|"
                 r"code)|(?:\d|four|five|six|eight)[- ]?digit(?: code| number| thing| pin)?|one-time (?:code|passcode|"
                 r"password|pin))")
_ZH_TO_ME = r"(?:告诉|报|念|读|发|提供|转发|给)(?:给)?(?:我|我们|工作人员|客服)"
# A routine bill or statement: "your bill is ready, please pay by 12 June", "本期账单…最后还款日".
_BILL_NOTICE = (r"\b(?:bill is|statement|invoice|direct debit|instal?ment|due (?:on|by|date))\b|账单|还款日|户号|"
                r"(?:电|水|燃气|物业|话|取暖)费(?:已出账|账单|\d)|缴费通知")
# "Delivery charge: free", "无需任何费用".
_NO_FEE = (r"(?:fee|charge|cost)s?:? (?:is |are |will be )?(?:free|waived|£0|nil)|\bno (?:delivery |extra |hidden )?"
           r"(?:charge|fee|cost)s?\b|\bfree (?:delivery|shipping|postage)|无需(?:任何)?(?:费用|付费)|免运费|包邮|"
           r"不收(?:取)?(?:任何)?费用")
_EN_NUM = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|a few|several)"
_ZH_NUM = r"[一二三四五六七八九十两几百千万\d]"

CUES: tuple[Cue, ...] = (
    # -- who the caller says they are -------------------------------------------------------------------
    _cue("authority_police", "impersonation", "claims to be the police", "冒充公安/警察", 0.2,
         en=[r"police(?: officer|man|woman| station| department)?", r"detective", r"constable", r"scotland yard",
             r"fbi", r"interpol", r"fraud (?:investigation|squad|unit|investigator)",
             r"anti-?fraud (?:centre|center|unit|team|department)", r"action fraud", r"serious fraud office",
             r"cyber ?crime (?:unit|team|department|division)", r"national crime agency",
             r"(?:police |an |our )?officers?",
             r"sergeant", r"inspector", r"(?:this is|i'?m|it'?s) (?:pc|dc|ds|di|dci) [a-z]+",
             r"(?:federal|special) agents?", r"investigating officer", r"met police",
             r"law enforcement", r"(?:local |county |sheriff'?s? )?deput(?:y|ies)", r"sheriff(?:'s office)?",
             r"(?:us |u\.s\. |federal )?marshals?", r"case (?:agent|officer)"],
         zh=[r"公安(?:局|厅|部|机关)?", r"派出所", r"警察", r"警官", r"民警", r"刑警", r"网警", r"反诈(?:骗)?(?:中心)?",
             r"刑侦", r"经侦", r"警方", r"警务", r"国安", r"国家安全(?:局|部)", r"网安", r"办案(?:人员|民警)"]),
    _cue("authority_procuratorate", "impersonation", "claims to be a prosecutor", "冒充检察院", 0.3,
         en=[r"prosecutors?", r"procuratorate", r"public prosecution", r"crown prosecution", r"district attorney",
             r"attorney general"],
         zh=[r"检察院", r"检察官", r"检察机关", r"公检法", r"最高检"]),
    _cue("authority_court", "impersonation", "claims to be a court", "冒充法院", 0.2,
         en=[r"court(?: order| case| hearing)?", r"magistrates?", r"subpoena", r"summons", r"bailiffs?",
             r"enforcement (?:agents?|officers?)", r"high court", r"lawsuit", r"solicitors? for"],
         zh=[r"法院", r"法官", r"传票", r"开庭", r"法庭", r"执行局", r"法务部"]),
    _cue("authority_social_security", "impersonation",
    "claims to be social security / pensions / tax / a public office",
         "冒充社保/医保/税务等政府部门", 0.2,
         en=[r"social security", r"national insurance", r"pension (?:service|office|department|centre|center|team)",
             r"hmrc", r"tax (?:office|department|authority|authorities|team)", r"irs", r"dwp",
             r"department (?:for|of) work and pensions", r"medicare", r"medicaid", r"council(?:'s)?",
             r"benefits? (?:office|agency|team|department)", r"dvla", r"tv licensing", r"home office",
             r"immigration (?:office|department|services)", r"government(?: department| agency| office)?",
             r"cost of living (?:team|support|payment)", r"nhs", r"ftc", r"federal trade commission", r"ssa",
             r"social security administration", r"(?:us |u\.s\. )?treasury(?: department)?", r"department of justice",
             r"doj", r"federal (?:agency|government|review|matter|case|investigation)",
             r"medicare (?:benefits?|services?|department|office|team|card (?:department|team|services))"],
         zh=[r"社保(?:局|中心|卡|部门)?", r"医保(?:局|中心|卡|部门)?", r"人社局", r"税务(?:局|部门)?", r"养老保险",
             r"民政(?:局|部门)", r"卫健委", r"(?:市|区|县)政府", r"政府(?:部门|工作人员)", r"工商(?:局|部门)",
             r"市场监管(?:局)?", r"通管局", r"出入境", r"(?:养老金|退休金|社保|医保)[^。!?,]{0,4}(?:资格)?认证",
             r"电子(?:医保|社保)(?:卡|凭证)?"]),
    _cue("authority_bank", "impersonation", "claims to be a bank (or a payment service, a regulator)", "冒充银行/支付平台/金融监管",
         0.1,
         en=[r"bank(?! (?:transfer|holiday|details|account|card|statement|app)|ing)", r"card services",
             r"fraud (?:team|department|prevention|protection)",
             r"security (?:team|department)", r"paypal", r"visa", r"mastercard", r"building society",
             r"financial conduct authority", r"fca"],
         zh=[r"(?<![去到在跑上])银行", r"银联", r"银保监(?:会|局)?", r"银监(?:会|局)", r"证监(?:会|局)", r"金融监管", r"人民银行", r"央行",
             r"支付宝", r"微信支付", r"京东金融", r"花呗", r"借呗", r"金融(?:局|办)"]),
    _cue("authority_customs", "impersonation", "claims to be customs", "冒充海关", 0.2,
         en=[r"customs", r"border (?:force|agency|control)", r"import (?:duty|tax)"],
         zh=[r"海关", r"缉私", r"关税"]),
    _cue("authority_courier", "impersonation", "claims to be a courier", "冒充快递", 0.08,
         en=[r"courier", r"royal mail", r"dhl", r"fedex", r"ups", r"dpd", r"evri", r"hermes", r"usps", r"parcel",
             r"package", r"delivery"],
         zh=[r"快递", r"包裹", r"顺丰", r"邮政", r"中通", r"圆通", r"韵达", r"申通", r"物流", r"极兔", r"菜鸟"]),
    _cue("authority_tech", "impersonation", "claims to be tech support / the phone company", "冒充技术支持/运营商",
         0.12,
         en=[r"microsoft", r"windows (?:support|technical)", r"apple(?: support| id| help desk| care)?", r"icloud",
             r"tech(?:nical)? (?:support|team|department)", r"help ?desk", r"it (?:support|department)",
             r"broadband (?:provider|engineer|team)", r"internet (?:provider|service)", r"mobile network",
             r"amazon(?: security| prime| customer service)?", r"bt openreach", r"openreach", r"google",
             r"(?:our|an?) (?:engineer|technician)"],
         zh=[r"电信", r"移动公司", r"联通", r"运营商", r"宽带", r"通信管理局", r"技术(?:人员|部门|支持)"]),
    _cue("authority_utility", "impersonation", "claims to be the power, gas or water company",
         "冒充电力/燃气/自来水公司", 0.1,
         en=[r"(?:power|electric(?:ity)?|gas|water|energy|utility|utilities) (?:company|provider|supplier|board)",
             r"billing (?:dept|department|team|office|centre|center)", r"disconnection (?:team|department|unit)"],
         zh=[r"国家电网", r"电力公司", r"供电(?:局|公司|所)", r"自来水公司", r"水务(?:公司|集团)", r"燃气公司",
             r"南方电网"]),
    _cue("authority_merchant", "impersonation", "claims to be a shop's or platform's customer service",
         "冒充电商/平台客服", 0.1,
         en=[r"customer (?:service|services|support|care)", r"ebay", r"shopping platform", r"online shop"],
         zh=[r"客服", r"淘宝", r"天猫", r"拼多多", r"抖音", r"快手", r"美团", r"京东", r"闲鱼", r"(?:购物|电商)平台",
             r"保险公司", r"航空公司"]),
    _cue("boss_teacher", "impersonation", "claims to be your boss, a teacher or an acquaintance",
         "冒充领导/老师/熟人", 0.2,
         en=[r"(?:this is|it'?s|i'?m) (?:your|the) (?:boss|manager|line manager|director|landlord)",
             r"(?:this is|it'?s|i'?m) (?:your (?:\w+'s )?|the )?(?:class |form )?teacher",
             r"(?:this is|it'?s|i'?m) (?:your )?(?:old friend|old colleague|neighbour from)",
             r"(?:mrs?|ms|miss|mr|coach)\.? [a-z]+,? [a-z]+'s (?:[a-z]+ )?(?:teacher|tutor|coach|instructor)",
             r"(?:this is|it'?s|i'?m) [a-z]+'s (?:[a-z]+ )?(?:teacher|tutor|coach|instructor)"],
         zh=[r"我是(?:你|您)?(?:的)?(?:领导|老板|经理|主任|局长|处长|科长|董事长|班主任|老同学|老战友|老朋友)",
             r"我是(?:孩子|你儿子|你女儿|您孙子|您孙女|你孙子|你孙女|您外孙|您外孙女)的[\u4e00-\u9fff]{0,3}(?:班主任|老师|教练)",
             r"家长(?:您好|你好)",
             r"我是[^。!?,]{0,8}(?:学校|班)的(?:班主任|老师)",
             r"我(?:是)?(?:你|您)?(?:的)?[王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡丁魏"
             r"叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙段雷钱汤尹黎易常武乔贺赖龚文]"
             r"(?:局|总|处|董|书记|校长|院长|主任)(?=[,。!?]|$)",
             r"领导(?:让|叫|要|安排)我", r"(?:领导|老板)[^。!?]{0,10}(?:不方便|在开会|开会)",
             r"(?:领导|老板|班主任|老师)[^。!?]{0,12}(?:转账|打款|汇款|交钱|转(?:给|到)|资料费|补课费|报名费|借)"]),
    _cue("romance", "romance", "an online sweetheart or a stranger abroad", "网恋/境外\"知己\"", 0.25,
         en=[r"my (?:darling|sweetheart|beloved|dear love|dearest|love(?=[,.!]))", r"(?:soldier|army (?:doctor|officer|general)|"
             r"peacekeeper|surgeon|engineer) (?:stationed|serving|working|deployed) (?:in|on|abroad|overseas)",
             r"stationed (?:abroad|overseas|in)", r"oil rig", r"dating (?:site|app)", r"marry you",
             r"our future together", r"(?:met|chatting) (?:online|on facebook)", r"my (?:commander|commanding officer|unit)",
             r"(?:the |my )?deployment", r"deployed (?:in|to|on|abroad|overseas)", r"peacekeeping",
             r"(?:un|united nations|military) (?:mission|base|camp|contract)", r"(?:finally )?be together",
             r"(?:i )?promise you,? (?:my )?(?:love|darling|sweetheart|dear|honey)", r"sweetheart",
             r"(?:gold|military|war|leave|retirement) (?:allowance|bonus|funds|package|benefits)",
             r"(?:sent|send|ship|shipped) (?:you )?(?:a |the )?(?:box|gift|parcel|package)(?: of \w+)?(?: \w+){0,3} "
             r"(?:customs|held|stuck|fee)"],
         zh=[r"网恋", r"交友(?:网站|平台|软件)", r"(?:在|驻)(?:国外|海外|叙利亚|中东)(?:当|做|工作|维和|服役|打仗)",
             r"维和", r"军医", r"石油平台", r"亲爱的", r"嫁给你|娶你", r"我们的未来", r"寄(?:了)?(?:一份|一个|一箱)?礼物",
             r"指挥官", r"(?:在|驻)[^。!?]{0,6}(?:部队|军营|军事基地)", r"退役(?:金|费|申请)", r"(?:军人|军官)(?:津贴|补贴|休假)",
             r"等我回(?:国|来)(?:就)?(?:娶|嫁|见|和)"]),
    # -- the story that justifies the ask ---------------------------------------------------------------
    _cue("accusation", "impersonation", "accuses you of a crime or threatens legal action", "称您涉嫌犯罪/要被起诉", 0.45,
         en=[r"money laundering", r"launder(?:ing|ed)?", r"arrest warrant", r"warrant (?:for|out for) your arrest",
             r"(?:will|going to) (?:be )?arrest(?:ed)?", r"criminal (?:case|investigation|charges?|record)",
             r"your (?:identity|id|name|national insurance number|bank account|card|details) (?:has been|was|is being|"
             r"were|have been) (?:used|stolen|compromised|involved|linked)",
             r"involved in (?:a )?(?:crime|fraud|case|smuggling)", r"suspect(?:ed)? (?:in|of)",
             r"(?:someone|somebody|criminals|fraudsters|a gang)(?: \w+){0,3} (?:has|have) been using your "
             r"(?:bank|card|account|identity|details|name|national insurance)",
             r"(?:outstanding|unpaid|overdue) (?:penalty|fine|tax|taxes|debt|balance|bill)", r"tax evasion",
             r"legal (?:action|proceedings)", r"(?:lawsuit|case) (?:against|filed)", r"(?:be )?prosecuted",
             r"(?:officers?|police|bailiffs|agents?|deput(?:y|ies)|sheriffs?|marshals?) (?:are|will be|is|has been|have been)"
             r" (?:on (?:their|the|his|her) way|coming|sent|dispatched)",
             r"dispatched to your (?:address|home|house|door|location)",
             r"flagged (?:for|as) (?:a )?(?:federal |criminal |suspicious |fraudulent )?(?:review|investigation|audit|fraud|"
             r"suspicious)", r"(?:avoid|prevent|stop) (?:the )?(?:seizure|arrest|prosecution|charges|deportation)",
             r"(?:seize|confiscate|freeze) (?:all )?your (?:assets|accounts|funds|property|savings|pension)",
             r"(?:assets|accounts|funds|savings) (?:will be |are being |may be |could be )?(?:seized|confiscated)",
             r"(?:deported|deportation)", r"(?:fraud|crime|drugs?) (?:case|investigation)"],
         zh=[r"洗钱", r"涉嫌", r"通缉", r"逮捕", r"立案", r"涉案", r"冒用.{0,6}身份", r"非法集资", r"卷入",
             r"(?:诈骗|洗钱|贩毒|走私|非法集资|刑事)案", r"涉及(?:一起|一宗)?(?:案件|犯罪|违法)", r"违法犯罪",
             r"身份(?:证)?(?:信息)?(?:被人?|遭)(?:冒用|盗用|泄露)", r"被(?:人)?(?:盗刷|冒用|盗用)", r"(?:大量)?刷(?:药|卡)",
             r"拘留", r"起诉(?:您|你)", r"(?:追究|承担|负)(?:法律|刑事)责任", r"上(?:了)?黑名单", r"征信黑名单"]),
    _cue("cooperate_investigation", "impersonation", "asks you to cooperate with an \"investigation\"",
         "要求配合\"调查\"", 0.25,
         en=[r"(?:cooperate|co-operate|assist) (?:with )?(?:the |our |an |this )?(?:investigation|police|enquiries|"
             r"inquiry)",
             r"help (?:us|with) (?:the|our|an|this) (?:investigation|enquiries|case)",
             r"(?:transfer|put|connect) you (?:through )?to (?:the |a )?(?:police|officer|detective|investigator)",
             r"(?:catch|trace|track down) the (?:criminals|fraudsters|gang|thieves)",
             r"(?:test|check|catch|trap|expose) (?:the|a|your) (?:cashier|bank staff|teller|bank clerk|branch staff)",
             r"(?:caught|arrested|found|stopped) (?:someone|a man|a woman|a gang|people|a suspect)(?: \w+){0,4} "
             r"(?:with|using) your",
             r"non-? ?(?:cooperation|compliance)", r"obstruct(?:ion of|ing) (?:justice|the investigation)",
             r"(?:suspect|insider|culprit) (?:may be|might be|is|could be) (?:someone )?(?:in|from|at|inside) your"],
         zh=[r"配合(?:警方|公安|我们|调查|做笔录|核查|审查|侦查|办案)", r"做(?:个)?笔录",
             r"(?:给|帮)(?:您|你)转(?:接)?(?:到)?(?:当地)?(?:公安|派出所|警方|警官|检察院|医保|社保|人社|税务|银保监|反诈)",
             r"转接(?:到)?(?:当地)?(?:公安|警方|派出所)", r"嫌疑人[^。!?]{0,6}(?:就在|在)(?:你|您)(?:的)?(?:身边|家里|家人)"]),
    _cue("account_frozen", "impersonation", "says an account or card is frozen, hacked or at risk",
         "称账户或卡被冻结/被盗/异常", 0.3, group="account_problem",
         en=[r"(?:account|card|pension|benefits?|licence|license|subscription|membership|line|service|icloud|apple id|"
             r"email|computer|phone|router|wifi|broadband|ip address|device|laptop|password) (?:has been |will be |"
             r"is |was |got |have been )?"
             r"(?:frozen|suspended|locked|blocked|closed|restricted|compromised|cancell?ed|terminated|cut off|hacked|"
             r"breached|infected|at risk|disconnected|on hold|deactivated|discontinued)",
             r"(?:gets?|will be|is being|to be|going to be) (?:deactivated|suspended|frozen|cancell?ed|blocked|locked)",
             r"(?:we|i) (?:saw|noticed|detected|flagged|have detected|'ve detected) (?:a |an |some )?(?:\w+ ){0,2}"
             r"(?:purchase|order|charge|transaction|payment|login|sign-in|withdrawal)",
             r"(?:purchase|order|charge|transaction) (?:of|for) [^.!?]{0,40}on your (?:account|card)",
             r"(?:hacker|hackers|virus|malware|spyware) (?:on|in|inside) your (?:phone|iphone|computer|device|account|laptop|"
             r"pc|router)",
             r"(?:couldn't|could not|unable to|failed to) (?:process|take|collect|verify) your (?:last )?payment",
             r"(?:freeze|suspend|block|close|cancel|cut off|disconnect) your (?:account|card|pension|benefits?|line|"
             r"internet|broadband|service)",
             r"unusual activity", r"suspicious (?:activity|transactions?|payments?|login|sign-in)",
             r"(?:savings|money|funds|account) (?:are|is) (?:at risk|not safe|in danger)",
             r"(?:someone|somebody|hackers?) (?:has |have )?(?:ordered|bought|purchased|accessed|logged into|"
             r"hacked)(?: \w+){0,3} (?:on|with|using|into)? ?your (?:account|card|computer|phone)"],
         zh=[r"(?:账户|账号|银行卡|卡|社保卡|医保卡|养老金|存款|资金)(?:已|将|会|已经|出现|存在)?(?:被)?(?:冻结|停用|封停|注销|锁定|"
             r"异常|风险|被盗|盗用|被黑|泄露|不安全)",
             r"冻结(?:您|你)的", r"异常(?:交易|消费|登录|扣款)", r"(?:会|将|要)被?(?:停机|停号|封号|销号|冻结|停发|暂停发放)",
             r"(?:养老金|退休金|社保|医保)[^。!?]{0,6}(?:异常|停发|暂停|冻结|取消|发不下来|发不出来|领不到|无法(?:领取|使用|报销)|"
             r"不给报销|不能报销|报销不了|停用|作废|失效)", r"(?:被)?盗刷", r"被黑客",
             r"(?:不升级|不认证|不处理|不办理|不激活|不更新|不注销)(?:的话)?[^。!?]{0,12}(?:不给|不能|无法|停|冻结|作废|失效|发不|影响)",
             r"(?:存在|有)(?:风险|异常)交易"]),
    _cue("service_cutoff", "impersonation", "says your power, water, gas or phone service will be cut off",
         "称将停电/停水/停机", 0.35, group="account_problem",
         en=[r"(?:power|electricity|electric|gas|water|heating|service|supply|phone|line|internet|broadband)"
             r"(?: (?:to|at|for|in) (?:your|the) \w+)? (?:will be|is "
             r"going to be|is scheduled to be|is about to be|gets|to be|is being|is set to be) (?:disconnected|cut off|"
             r"shut off|switched off|turned off|terminated)",
             r"(?:disconnect|cut off|shut off|switch off|turn off) your (?:power|electricity|gas|water|supply|service|"
             r"heating|line|phone)", r"disconnection (?:notice|order|today|is scheduled)",
             r"(?:crew|technician|engineer|team) (?:is |will be )?(?:on (?:their|the) way|dispatched|coming|sent) to "
             r"(?:disconnect|cut|shut)"],
         zh=[r"(?:停止|暂停|中断)(?:供电|供水|供气|供暖)", r"(?:将|会|要|即将)(?:被|对(?:您|你)(?:的)?[^。!?,]{0,4})?(?:停电|停水|停气|断电|断水|断网|拉闸)",
             r"(?:欠费|欠缴|拖欠)[^。!?]{0,12}(?:停|断|拉闸)", r"停止(?:您的)?(?:通话|网络|宽带)服务"]),
    _cue("subscription_trap", "impersonation", "a subscription, membership or loan that must be cancelled",
         "称会员/保险/贷款服务需关闭，否则扣费", 0.3,
         en=[r"(?:subscription|membership|service|plan|renewal|order) (?:will )?(?:auto(?:matically)?[- ]?renew|"
             r"renews?|be charged)", r"(?:stop|cancel|prevent) (?:the|this|that|your) (?:\w+ )?(?:charge|renewal|"
             r"subscription|order|payment|debit)", r"you will be charged", r"(?:charge|payment) of (?:£|\$) ?\d[\d,.]*",
             r"(?:press|dial) (?:one|1|two|2) to (?:cancel|speak|stop)"],
         zh=[r"百万保障", r"(?:会员|服务|保险|保障)[^。!?]{0,6}(?:到期|自动续费|自动扣费|每月扣费)",
             r"(?:不|没有?)(?:关闭|取消)[^。!?]{0,10}(?:扣款|扣费|续费)", r"(?:关闭|取消)(?:掉)?[^。!?]{0,4}(?:扣款|扣费|续费|会员|服务)",
             r"(?:每月|每个月)(?:都)?(?:会)?(?:自动)?扣(?:款|费|钱)"]),
    _cue("parcel_problem", "impersonation", "says a parcel is seized, illegal or lost", "称包裹违禁/被扣/丢失", 0.35,
         en=[r"(?:parcel|package|shipment) (?:contains?|containing|with|had) (?:illegal|drugs|counterfeit|fake "
             r"passports?|prohibited)",
             r"(?:parcel|package|shipment)[^.!?]{0,40}(?:seized|held|detained|intercepted|stopped|lost|on hold|"
             r"could not be delivered|undeliverable|returned)",
             r"(?:illegal|prohibited) items", r"(?:failed|missed) delivery attempt", r"(?:address|postcode) "
             r"(?:is )?(?:incomplete|incorrect|invalid)"],
         zh=[r"(?:包裹|快递|货物)[^。!?]{0,10}(?:违禁品|毒品|假护照|被扣|扣押|扣留|查扣|丢失|遗失|破损|异常|滞留|无法派送|"
             r"被退回|拦截)", r"违禁(?:品|物品)", r"派送失败", r"地址(?:不详|有误|错误|不全|写错|填错|不对|有问题)",
             r"(?:包裹|快递)[^。!?]{0,6}(?:重新登记|无法签收)"]),
    _cue("credit_threat", "impersonation", "threatens your credit record or a loan in your name",
         "称影响征信/需注销贷款", 0.35,
         en=[r"(?:affect|damage|ruin|hurt) your credit(?: score| rating| record| file)?",
             r"(?:loan|credit card) (?:was |has been )?(?:taken out|opened) in your name"],
         zh=[r"影响(?:个人|您的|你的)?征信", r"影响[^。!?,]{0,8}征信", r"(?:网贷|贷款|借款)[^。!?,]{0,4}(?:没有|未|没)注销", r"征信(?:受损|有问题|异常|黑名单)",
             r"注销(?:学生|校园)?(?:贷款|校园贷|账户|会员|百万保障|服务)", r"(?:学生|校园)贷"]),
    _cue("money_protection", "safe_account", "says your money must be \"protected\" or checked", "称要\"保护\"或核查您的资金",
         0.25,
         en=[r"(?:protect|safeguard|secure) your (?:money|savings|funds|pension|assets)",
             r"keep your (?:money|savings|funds) safe", r"(?:check|verify|audit) (?:your|the) (?:money|savings|funds)"
             r"(?: are| is)? (?:clean|legitimate|legal)"],
         zh=[r"(?:保护|核查|核实|审查|检查)(?:您|你)?(?:的)?(?:资金|存款|钱)", r"资金安全", r"证明(?:您|你)?(?:的)?清白",
             r"(?:资金|钱|存款)(?:是)?(?:否)?(?:干净|合法)"]),
    # -- what they ask for ------------------------------------------------------------------------------
    _cue("safe_account", "safe_account", "asks to move money to a \"safe account\"", "要求转入\"安全账户\"", 0.75,
         en=[r"safe(?:ty)? (?:account|acct)", r"secure (?:account|acct)", r"holding (?:account|acct)",
             r"protected (?:account|acct)", r"custody (?:account|acct)", r"(?:temporary|federal|government) "
             r"(?:custody |holding )?acct", r"(?:account|acct) (?:provided|given|set up|opened) (?:to you )?by (?:your|the|our) "
             r"(?:case agent|agent|officer|investigator|case officer|caseworker)",
             r"protective custody", r"safe ?keeping", r"keep (?:it|your money|your savings) safe for you",
             r"(?:move|transfer|put) (?:all )?(?:your|the) (?:money|savings|funds|pension) (?:to|into) (?:a |an )?"
             r"(?:new|safe|secure|protected|government|temporary|special)(?: \w+)?",
             r"(?:account|sort code|account number)s? (?:we|i)(?:'ve| have)? (?:set up|opened|created|arranged) for"
             r" you",
             r"(?:new|temporary|special|government) (?:sort code|account number)",
             r"(?:money|funds|savings) (?:will be |are )?(?:returned|given back|paid back) (?:to you )?(?:after|onc"
             r"e|when)"
             r"(?: \w+){0,3} (?:investigation|check|case)"],
         zh=[r"安全(?:账户|账号)", r"资金(?:清查|核查|审查|监管|核验)", r"(?:监管|核查|审查|清查|保护)(?:账户|账号)",
             r"国家(?:的)?(?:安全|监管)(?:账户|账号)", r"(?:存款|钱|资金)集中到(?:一张|一个)",
             r"国家(?:专门)?(?:用来)?保护", r"专门(?:用来)?保护[^。!?]{0,6}资金",
             r"(?:调查|核查|清查|审查|查)(?:完|结束|清楚)(?:了)?(?:后|以后|之后)?(?:就|再|会)?(?:原路)?(?:退|还|返|解冻)",
             r"(?:转|打|汇|存)(?:到|入)(?:我们)?(?:给(?:您|你)的|提供的|指定的|安排的)(?:这个)?(?:账户|账号|卡)",
             r"保管(?:户|账户|账号)", r"清算(?:账户|账号|中心)", r"(?:央行|国家|公安|法院|检察院|银行)指定(?:的)?[^。!?]{0,4}(?:户|账户|账号)",
             r"转存(?:至|到)[^。!?]{0,8}(?:指定|保管|监管|安全|专用)",
             r"(?:核验|核实|审核|验证|核查|调查|清查|审查)(?:完|结束|清楚|后|以后|之后|无误)[^。!?]{0,10}(?:自动)?(?:退回|返还|解冻|退还|"
             r"转回|原路退)"]),
    _cue("code_request", "verification_code", "asks for a verification code / PIN", "索要验证码/密码", 0.7,
         en=[rf"(?:{_ASK_VERBS})(?: (?:it|them))?(?: (?:to|back to))? (?:me|us)(?: \w+){{0,4}} "
             r"(?:code|codes|otp|pin|passcode|password|numbers|digits)",
             rf"(?:{_ASK_VERBS})(?: (?:it|them))?(?: (?:to|back to))? (?:me|us)(?: [\w-]+){{0,4}}? {_EN_CODE_NOUN}",
             rf"(?:{_ASK_VERBS}) (?:out |back )?(?:the|your|that|this)(?: [\w-]+){{0,3}} "
             r"(?:code|otp|pin|passcode|password)",
             r"what (?:is|was|'s) the (?:code|number) (?:you|we) (?:just )?(?:got|received|were sent)",
             r"(?:code|otp|passcode) (?:we|i) (?:just )?(?:sent|texted) (?:you|to your phone)",
             r"(?:get|receive|got|received) (?:a |an )?(?:text|sms|message)[^.!?]{0,40}(?:code|number)[^.!?]{0,60}"
             r"(?:forward|send|tell|read|give|pass)(?: it| that| them)?(?: on)?(?: to)? (?:me|us)",
             r"(?:get|receive|got|received) (?:a |an )?(?:text|sms|message)[^.!?]{0,40}[.!?,]? (?:just |please |then )?"
             r"(?:read|tell|give|send|forward) (?:me|us) (?:the |what)",
             r"(?:read|tell|give|send) (?:me|us) what (?:it|the (?:text|message)) says",
             r"(?:numbers?|digits|code) (?:in|on|from) (?:it|the text|the message|that text|your screen)"
             r"[^.!?]{0,20}(?:to|for) (?:me|us)",
             # a code mentioned, then "read it back to me" / "forward it to me" up to a sentence or two later
             rf"{_EN_CODE_NOUN}(?=.{{0,140}}?\b(?:(?:forward|send|text|read|tell|give|pass|repeat) (?:it|that|them|this)"
             r"(?: back| out| on| over| along)?(?: to)? (?:me|us)\b|read (?:it |that |them )?(?:back|out)\b))"],
         zh=[rf"{_ZH_TO_ME}(?:一下)?(?:您|你)?(?:收到的|手机上的|刚才的|刚刚的|短信上的|短信里的)?(?:短信)?"
             r"(?:验证码|动态码|校验码|密码)",
             r"(?:把|将)(?:您|你)?(?:收到的|手机上的|短信里的|短信上的|刚才的|刚刚的)?(?:短信)?(?:验证码|动态码|校验码|密码)"
             r".{0,6}(?:告诉|报|念|读|发|给)(?:我|我们|工作人员|客服)",
             r"验证码(?:是多少|多少|发过来|报一下|念一下|读一下|告诉我|发我)",
             r"(?:提供|报|念|读)(?:一下)?(?:您|你)?(?:收到的|手机上的|刚才的)?(?:短信)?(?:验证码|动态码|校验码)",
             r"收到[^。!?]{0,8}(?:数字|短信|验证码|动态码)[^。!?]{0,12}(?:发|告诉|报|念|读)(?:给)?(?:我|我们)",
             rf"(?:把|将)[^。!?]{{0,14}}{_ZH_CODE}[^。!?]{{0,8}}{_ZH_TO_ME}",
             r"(?:验证码|动态码|校验码|确认码|激活码|短信码|那个码|这个码|[四六八468]位(?:数字?|的?码)|几位数字?)[^。!?,]{0,6}"
             r"(?:念|报|读|告诉|说)(?:一下)?(?:给)?(?:我|我们)",
             rf"{_ZH_CODE}(?:里|上|中)的(?:数字|号码|内容|验证码)"]),
    _cue("card_details", "verification_code", "asks for card numbers, passwords or to pay by card over the phone",
         "索要银行卡号/密码或要求电话里刷卡", 0.45,
         en=[r"(?:card|account) (?:number|details)(?: \w+){0,4} (?:pin|password|security code|cvv|expiry)",
             r"(?:your|the) (?:pin|cvv|online banking password|banking password|security code on the back)",
             r"(?:long|full) card number", r"sort code and account number",
             r"(?:provide|give us|give me|tell me) (?:your )?(?:card number|bank details|card details|account number)",
             r"(?:reply|respond|replying|responding|text|send|sending|give|giving|confirm|provide|enter|entering) "
             r"(?:us |me )?(?:with )?your (?:card|bank|payment|account|banking) (?:details|number|information)",
             r"(?:over the phone|by phone) (?:with|using|by) (?:a |your )?(?:debit|credit|bank) card",
             r"(?:with|using|by) (?:a |your )?(?:debit|credit) card (?:over the phone|now|today)",
             r"(?:confirm|verify|update|give|tell me|read me|need)(?: \w+){0,6} (?:bank|card|account|payment)(?: details| "
             r"information| info)? (?:you have |we have )?on file", r"routing number"],
         zh=[r"(?:银行卡|卡)号?(?:和|及|跟|、)?密码", r"(?:密码|安全码)(?:告诉|报|发)", r"网银(?:密码|账号)",
             r"提供(?:一下)?(?:您的|你的)?(?:银行卡号|卡号|银行卡信息|身份证号|银行卡|账号|社保卡号|医保卡号)",
             r"身份证号?(?:和|、|以及)(?:银行卡|卡号)", r"(?:填写|输入|登记)(?:您的|你的)?(?:银行卡|卡号|身份证号)"]),
    _cue("money_transfer", "money_request", "asks to transfer or hand over money", "要求转账/交钱", 0.3, group="money",
         en=[r"(?:transfer|wire|send|move|deposit|withdraw|lend|give)(?: \w+){0,4} (?:money|funds|savings|cash|"
             r"£ ?\d[\d,]*|\$ ?\d[\d,]*|\d[\d,]* ?(?:pounds|dollars|yuan|euros))",
             r"bank transfer", r"western union", r"moneygram", r"bail money", r"wise transfer",
             r"pay (?:the |a |your )?(?:bail|fine|deposit|penalty)",
             r"(?:invest|put) (?:all |some of )?your (?:savings|pension|money|lump sum)",
             r"(?:courier|driver|someone|colleague|officer) (?:will|to) (?:come|collect|pick up|call round)"
             r"(?: \w+){0,3} (?:cash|money|card|it)",
             r"(?:withdraw|take out|taking out|withdrawing) (?:the |all |your |some |a lot of )?(?:full amount|cash"
             r"|money|savings|everything|\S+ ?(?:pounds|"
             r"thousand))",
             r"(?:come|send someone|courier|taxi|collect)[^.!?]{0,40}(?:collect|pick up|take) "
             r"(?:it|the cash|the money)",
             r"(?:send|transfer|wire|move|give) (?:it|them|everything|all of it|the lot|the rest)(?: \w+){0,3} "
             r"(?:to|into) (?:the|an|a|this|my|our)",
             r"(?:send|transfer|wire|lend|give) (?:me|us|him|her)(?: \w+){0,2} (?:some|the|a little|a bit|£|\$|\d)",
             r"settle (?:it|this|that|the (?:\w+ )?(?:bill|fine|penalty|debt|balance|amount|matter))",
             r"(?:make|help (?:me )?with) (?:a |the )?(?:quick |small |urgent )?payment",
             r"(?:first|initial) (?:payment|deposit|instal?ment|transfer)",
             rf"(?:sent|send|transfer|transferred|paid|pay) (?:the )?(?:first |initial )?{_EN_NUM} ?(?:thousand|gra"
             rf"nd|k)",
             r"(?:once|after) you(?:'ve| have)? (?:sent|paid|transferred|wired|deposited)",
             r"(?:buy|top up|load) (?:a |some )?(?:vouchers?|paysafe|prepaid cards?)",
             r"(?:zelle|venmo|cash ?app|paypal|revolut|monzo) (?:it |the money |that |the \w+ )?(?:to )?(?:me|us)\b",
             r"(?:send|pay|transfer) (?:it |the money |the \w+ )?(?:by|via|through|with|on|over) (?:zelle|venmo|cash ?app|"
             r"revolut|western union|moneygram)",
             r"(?:we'?re |i'?m |we are |i am )?collecting (?:£|\$|€) ?\d[\d,.]*",
             r"(?:top up|fund|deposit (?:into|to)|load|add (?:funds|money) to) (?:your |the |my )?(?:trading |investment |crypto |"
             r"bitcoin |wallet )?(?:account|wallet|balance)",
             r"(?:transfer|move|wire|send) (?:all )?(?:your |the |all your )?(?:balances?|assets|holdings)",
             r"(?:why|what) you(?:'re| are) (?:withdrawing|taking (?:it|the money|the cash|cash) out|transferring|moving "
             r"(?:it|the money))",
             r"(?:i'?ll|i will|will|can) pay (?:you|it) (?:\w+ )?back", r"(?:repay|pay) you back",
             r"(?:give|send) (?:you )?(?:the money|it all) back",
             r"(?:get|bring|have|gather|put together) (?:the |that |this )?(?:cash|money) (?:today|ready|now|together|tonight)",
             r"(?:arrange|organi[sz]e|sort out|make) (?:the )?(?:payment|bail|transfer)",
             # someone else's bill ("pay an invoice for me") is an ask even where a bill notice is not
             r"(?:pay|settle|cover) (?:a |an |the |this |my |some )?(?:\w+ )?(?:bill|invoice|payment|fees?|rent) for me"],
         # "转入活期" (a bank moving your own deposit) is not a request: a transfer needs someone else's account.
         zh=[r"(?<!收到)(?<!到账)转账(?!\d+元已)", r"汇款", r"打款", r"打钱", r"(?:转|汇)(?:到|入|给)(?:这个|指定|我的|我们的|他的|对方|下面的|以下|一个|平台)",
             r"(?:往|打到|转到|汇到|打进|存到|存入)(?:这个|我的|我|他的|我同事的|同事的|指定的|对方的?)?(?:卡|账户|账号)",
             r"(?:钱|存款|资金|退休金|积蓄|养老钱)[^。!?,]{0,6}(?:转(?:过去|出去|走|到|入)|投进来|投进去|投入|拿出来)",
             rf"(?!千万(?:别|不|要|记|注意|小心))(?<!数以){_ZH_NUM}+(?:万|千)(?:块|元)?钱?", r"取(?:出)?(?:现金|钱)",
             r"(?:现金|钱)(?:送|交)(?:给|到)", r"保释金", r"罚(?:款|金)", r"上门取(?:钱|现金|卡)",
             r"(?:微信|支付宝)(?:转|打)(?:给)?(?:我|他|她)", r"(?:先)?借(?:给)?(?:我|点)(?:一)?(?:点|些)?(?:钱)?",
             # "转给我" is a transfer; "打给我" is as often "call me", so it needs money after it
             r"(?:转|汇)(?:给)?我(?:一下|点|些)?", r"打(?:给)?我(?:一)?(?:点|些)(?:钱)?",
             r"(?:交|缴|付|支付)(?:一笔|一下)?(?:钱|费用|款|押金|定金)(?!卡|方式|码|记录|成功|凭证|宝)", r"垫付", r"充值",
             # "先付/先转" is an ask; "我先付的" (I paid first) is not
             r"(?<!我)(?<!我们)先(?:交|付|缴|转|打)(?![了的过])",
             r"收款码", r"(?:转|打|垫|借)(?:一笔|笔)(?:款|钱)", rf"垫(?:上)?{_ZH_NUM}+[万千]",
             r"(?:账号|卡号)(?:我)?(?:一会儿?|等下|等会儿?|稍后|马上|待会儿?)?(?:再)?发(?:给)?(?:你|您)",
             r"(?:我|我的)?(?:把)?(?:卡号|账号)发(?:给)?(?:你|您)",
             r"(?:转|打|汇|存)(?:到|入|给)(?:我)?(?:个人|私人)的?(?:卡|账户|账号|微信|支付宝)",
             r"(?:下午|明天|晚上|回头|过两天|马上|周一|月底)(?:我)?(?:就)?(?:还(?:你|您)|还给(?:你|您))", r"(?:收款)?户名[:：]",
             r"转存(?:至|到)"]),
    _cue("payment_request", "money_request", "asks you to pay something", "要求付款", 0.2, group="money",
         unless=_NO_FEE, unless_in_text=_BILL_NOTICE,
         en=[r"(?:need|have|has|must|got) to (?:pay|settle|cover)", r"(?:please|just|simply|kindly|can you|could you|"
             r"you can|you must|you should|you'll need to|you will need to) (?:\w+ )?(?:pay|settle|cover)",
             r"(?:pay|settle) (?:it |this |that |the \w+ )?(?:now|today|immediately|online|over the phone|by card)",
             r"(?:cover|pay for) (?:the )?(?:£ ?[\d.]+ |\$ ?[\d.]+ )?(?:\w+ )?(?:charge|fee|cost|postage|shipping)",
             r"(?:pay|settle|cover) (?:a |an |the |this |my |some )?(?:\w+ )?(?:bill|invoice|payment|fees?|rent) for me",
             r"(?:requires?|needs?|wants?) (?:a |the |an )?(?:\w+ )?(?:deposit|payment|fee) (?:before|to|first|upfr"
             r"ont)",
             r"(?:pays?|paying|sends?) (?:£|\$|€) ?\d[\d,.]*"],
         zh=[r"(?<![无不毋])(?:需要|需|要|请|麻烦)(?:您|你)?(?:先)?(?:支付|付款|缴纳|交纳|交|缴|付)",
             r"(?<![无不毋])(?:需要|需|要|请|麻烦)(?:您|你)?[^。!?,]{0,6}(?:支付|付款|缴纳|交纳)",
             r"(?:并|然后|再)(?:支付|付款|缴纳)", r"(?:扫码|点击)(?:支付|付款|缴费)", r"支付(?:运费|邮费|费用)",
             r"(?:立即|尽快|马上|请)[^。!?,]{0,12}(?:补缴|缴清|结清)"]),
    _cue("gift_card_payment", "money_request", "asks for payment in gift cards", "要求用礼品卡/充值卡付款", 0.55,
         en=[r"pay(?: \w+){0,3} (?:with|in|using|by) (?:gift|itunes|google play|steam|amazon|apple) ?cards?",
             r"buy(?: \w+){0,4} (?:gift|itunes|google play|steam|amazon|apple) ?cards?",
             r"(?:read|send|tell)(?: \w+){0,2} (?:me )?the (?:numbers?|codes?) on the back", r"gift cards?"],
         zh=[r"(?:买|购买|充值)(?:一些|几张)?(?:礼品卡|充值卡|购物卡|游戏卡|点卡)", r"卡(?:背面|后面)的(?:卡密|密码|数字)",
             r"卡密(?!码)"]),
    _cue("crypto", "money_request", "mentions crypto-currency payment", "涉及虚拟货币", 0.3,
         en=[r"bitcoin(?: atm)?", r"crypto(?:currency|currencies)?", r"usdt", r"tether", r"ethereum", r"binance"],
         zh=[r"比特币", r"虚拟货币", r"数字货币", r"usdt", r"泰达币", r"炒币", r"币圈"]),
    _cue("price_offer", "money_request", "a price or limited offer", "报价/限时优惠", 0.1,
         en=[r"special offer", r"order now", r"discount", r"(?:\d+|two|three|four|five) free (?:bottles|boxes|packs|jars|"
             r"samples|tubs)", r"free (?:trial|sample) (?:bottle|pack|offer)", r"(?:only|just) £ ?\d+", r"(?:only|just) \$ ?\d+",
             r"per bottle", r"buy (?:one|two|three|\d) (?:get|and get) (?:one|two|\d)(?: \w+)? free",
             r"(?:pensioners?'?|seniors?'?|special|introductory|members?'?) (?:price|rate|discount)",
             r"(?:\w+-month|\d+ ?month) supply", r"half price", r"\w+ (?:bottles|boxes|packs) left",
             r"(?:£|\$) ?\d+ (?:a|per) (?:box|bottle|pack|month|course)"],
         zh=[r"\d+元", r"优惠", r"特价", r"订购", r"下单", r"原价", r"只要\d+", r"活动价",
             r"现价", r"仅需", r"[\d一二三四五六七八九十百千]+块钱?", r"买[一二三四五六\d]+(?:盒|瓶|箱|疗程|个)?送",
             r"打[一二三四五六七八九\d]折", r"现场购买", r"团购价", r"续订", r"加送", r"订(?:一年|半年|[一二三四五六七八九十两\d]+个月)",
             r"(?:送货|上门)(?:上门)?收款", r"货到付款"]),
    # -- pressure ---------------------------------------------------------------------------------------
    _cue("urgency", "urgency_secrecy", "pushes you to act immediately", "催促马上行动", 0.12,
         en=[r"immediately", r"right now", r"right away", r"urgent(?:ly)?", r"as soon as possible", r"asap",
             r"within (?:the next )?\d+ (?:minutes|hours)", r"today only", r"before it'?s too late",
             r"last chance", r"final (?:notice|warning|reminder)", r"act now", r"time is running out", r"hurry",
             r"limited (?:places|spaces|spots|offer|stock)", r"(?:places|spaces|spots) (?:are )?(?:limited|left)",
             r"(?:by|before) (?:the end of )?(?:today|tonight|midnight)", r"or (?:else )?(?:you will|it will|we will)",
             r"otherwise", r"(?:in|within) (?:\d+|ten|fifteen|twenty|thirty|forty-five) minutes",
             r"within (?:the|an|one) hour", r"by tomorrow", r"(?:window|offer|opportunity|deal) (?:closes|is closing|ends)",
             r"(?:deactivated|disconnected|suspended|cancell?ed|closed) (?:on |by |this )?(?:today|tomorrow|tonight|"
             r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)"],
         zh=[r"马上", r"立即", r"立刻", r"赶紧", r"赶快", r"尽快", r"紧急", r"十万火急", r"来不及", r"最后(?:一次|期限|机会)",
             r"今天(?:之内|内|必须|截止|就要)", r"(?:\d+|一|两|二|三|几|半)个?(?:小时|分钟)内", r"限时", r"过期作废",
             r"名额(?:有限|不多)", r"否则", r"不然", r"逾期", r"即将(?:清零|过期|到期|失效|冻结)", r"急死了", r"急用",
             r"(?:今天|今日|当天)[^。!?,]{0,4}(?:不处理|不办|不认证|不升级|停止)", r"不处理的话"]),
    _cue("secrecy", "urgency_secrecy", "tells you to keep it secret or stay on the line", "要求保密/不要挂电话",
         0.35, negatable=False,
         en=[r"(?:don't|do not|never|mustn't|must not|shouldn't|should not) (?:tell|mention (?:this|it) to|say "
             r"anything to|speak to|talk to|inform|let|discuss (?:this|it) with) (?:anyone|anybody|your (?:family|"
             r"children|kids|son|daughter|husband|wife|grandchildren|relatives|bank)|the bank|mum|dad|mom|mum and dad|"
             r"bank staff|the cashier|the teller|the staff|staff at the bank|anyone at the bank|the police)"
             r"(?! (?:your|the|this|that|a|any) (?:\w+ )?(?:pin|code|password|passcode|otp|details|card))",
             r"(?:don't|do not) worry (?:mum|dad|mum and dad|mom and dad|the family|my parents)",
             r"keep (?:this|it|our conversation|the matter|everything)(?: \w+)? (?:secret|confidential|between us"
             r"|private|to yourself|quiet)",
             r"(?:strictly|highly|completely) confidential", r"(?:this|it) is (?:a )?confidential",
             r"(?:confidential|secret) (?:investigation|case|operation|matter)",
             r"(?:stay|keep|remain) on the (?:line|phone)",
             r"(?:don't|do not) hang up", r"bank staff (?:are|is|may be) (?:involved|in on it)",
             r"(?:an )?insider (?:at|in) your (?:bank|branch)", r"i'?ll stay (?:with you|on the line)",
             r"(?:someone|staff) (?:at|in|inside) your (?:bank|branch) (?:is|are) (?:involved|helping)",
             r"(?:tell|say to) (?:the bank|the cashier|them|staff) (?:it'?s|it is) (?:for|a)",
             r"not a word to", r"between you and me",
             r"(?:say|tell (?:them|the bank|the cashier|staff)) (?:that )?(?:it'?s|it is) for (?:a |an |the |your )"
             r"?\w+",
             r"(?:don't|do not|never|can't|cannot|can not|mustn't|must not|shouldn't|should not|not allowed to) (?:discuss|"
             r"talk about|mention)(?: (?:this|it|the case|this call|the call|anything|this matter))?(?: (?:with|to))? "
             r"(?:anyone|anybody|your|the|bank|family|staff|mum|dad|people)",
             r"gag order", r"(?:don't|do not|never) (?:call|contact|ring|involve) the police",
             r"(?:asked|told|begged) (?:me|us) not to (?:tell|mention|inform|say anything to)"],
         zh=[r"(?:不要|别|不能|不准|不许|千万别|千万不要|不得|先别|暂时别|不可以)(?:告诉|跟|和|对|让|通知|向)(?:你的?|您的?)?"
             r"(?:家人|家里人|家里|子女|儿女|孩子|儿子|女儿|老伴|任何人|别人|其他人|亲戚|银行|柜台|我爸妈|我爸|我妈|爸妈|"
             r"爸爸|妈妈|老公|老婆|奶奶|爷爷|外婆|外公|姥姥|姥爷|老伴|警察|民警|派出所|工作人员|外人)(?![^。!?,]{0,4}(?:验证码|密码|动态码))",
             r"保密", r"秘密(?:调查|侦查|案件|行动)", r"(?:不要|别|不能|不许)挂(?:断)?(?:电话)?", r"声张", r"外泄",
             r"(?:银行|柜员|柜台)[^。!?]{0,6}(?:参与|内鬼|同伙)", r"守口如瓶", r"(?:就说|就讲)是(?:给|借|买|亲戚|朋友|装修)",
             r"内鬼", r"走漏(?:了)?风声", r"(?:国家|案件|案子|工作)?机密", r"涉密", r"(?:不要|别|先别|千万别|不能|不许|不准)报警", r"(?:不要|别|先别|千万别)在(?:群里|外面|单位|朋友圈)(?:说|讲|提|发)"]),
    _cue("isolation", "urgency_secrecy", "tries to cut you off from others (go somewhere alone, ignore other calls)",
         "让您与外界隔绝（独处、不接别人电话）", 0.35,
         en=[r"(?:go|find|get) (?:to )?(?:somewhere|a (?:room|place|hotel)|a quiet place)(?: \w+)? (?:alone|private|where "
             r"no ?(?:one|body))", r"(?:don't|do not|never) (?:answer|pick up|take) (?:any )?(?:other )?(?:calls|the phone|"
             r"the door|anyone'?s calls)",
             r"(?:don't|do not) (?:contact|call|ring|visit|go to) (?:your )?(?:local |usual |own )?(?:office|branch|bank|"
             r"provider|family|police station)",
             r"stay on (?:the (?:line|phone) )?with me (?:while|until|as|when)", r"keep (?:the|your) phone on speaker",
             r"(?:while|as) you (?:drive|go|walk|head) to (?:the|your) bank",
             r"(?:call|check in with|report (?:back )?to) me every (?:hour|\d+ (?:minutes|hours)|few hours)"],
         zh=[r"(?:一个人|单独)(?:去|到|住进?)(?:宾馆|酒店)", r"(?:开个?|住进)(?:房间|宾馆)", r"找(?:个|一个)?没(?:有)?人的地方",
             r"(?:不要|别|不能|不许)接(?:任何人|别人|其他人|家人|陌生人)?(?:的)?电话", r"(?:任何人|别人|其他人)的电话都(?:不要|别|不能)接",
             r"(?:一直)?(?:开着|打开|开)免提", r"(?:手机|电话)(?:一直)?保持通话",
             r"(?:每隔|每)[^。!?,]{0,6}(?:给我|向我|跟我)(?:打[^。!?,]{0,4}电话|汇报|报告)"]),
    # -- relatives ----------------------------------------------------------------------------------------
    _cue("relative_impersonation", "relative_in_trouble", "caller hides who they are or has a \"new number\"",
         "对方身份不明/称换了号码", 0.3,
         en=[r"guess who(?: this is| it is|'s calling| i am)?", r"don'?t you recogni[sz]e (?:my voice|me)",
             r"it'?s your (?:favourite|favorite) (?:grandson|granddaughter)",
             r"(?:this is|here is|it'?s) my new (?:number|phone)", r"(?:i|i've) (?:lost|broke|changed|dropped|smashed|"
             r"cracked) my phone", r"my (?:phone|mobile) (?:is|was|got) (?:broken|lost|stolen|dead|smashed|damaged)",
             r"(?:temporary|friend'?s|borrowed|new) (?:one|phone|mobile|number)(?: for now)?",
             r"(?:nan|nana|gran|granny|grandma|grandpa|grandad|mum|mom|dad),? it'?s me[,.!]",
             r"(?:it'?s|this is) your (?:grandson|granddaughter|nephew|niece)(?![a-z ]*\b[a-z]+,)",
             r"(?:phone|mobile)(?:'s| is| has)? (?:broke|broken|died|dead|smashed|got (?:stolen|broken|smashed|wet)|fell in)",
             r"using (?:my )?(?:mate|friend|pal|flatmate|roommate|colleague|buddy)'?s(?: phone| mobile)?",
             r"text me (?:back )?on (?:here|this number)", r"(?:save|update) (?:this|my new) number",
             r"new (?:number|phone),? (?:who dis|save it|delete the old)"],
         zh=[r"猜猜我是谁", r"你猜我是谁", r"听不出我(?:的声音)?(?:了)?", r"我换(?:号|号码|手机号|手机)了",
             r"这是我(?:的)?新(?:号|号码|手机号)", r"(?:这是|这个是)新(?:号|号码|手机号|微信)",
             r"原来的?(?:号|号码|手机号|手机)(?:不用了|停了|没用了|丢了|坏了)", r"手机(?:掉了|丢了|坏了|摔坏|进水|被偷)",
             r"(?:奶奶|爷爷|外婆|外公|姥姥|姥爷|妈|爸)[,，]?是我(?!的|们)", r"(?:别|不要|千万别)(?:打|回)我(?:的)?(?:手机|电话)",
             r"我是(?:您|你)(?:的)?(?:大|小)?(?:孙子|孙女|外孙女?|儿子|女儿|侄子|侄女|外甥女?)(?:啊|呀)?[,，!。]",
             r"(?:借|用)(?:的)?(?:朋友|同学|同事|别人)的(?:手机|电话)"]),
    _cue("relative_trouble", "relative_in_trouble", "a relative \"in trouble\" needs money", "亲人\"出事\"急需用钱",
         0.35,
         en=[r"(?:i'm|i am|i've been|i have been|he's|she's|he has been|she has been|"
             r"your (?:grandson|granddaughter|son|daughter|nephew|niece) (?:is|has been|was)) "
             r"(?:in (?:a lot of |big |serious |a bit of |some )?trouble|arrested|in jail|in prison|in custody|deta"
             r"ined|"
             r"kidnapped|in (?:a |an )?(?:\w+ )?(?:accident|crash)|stuck abroad|stranded|in hospital|"
             r"(?:at|in) (?:the |a )?(?:police station|cells))",
             r"(?:got|get|been) (?:into|in) (?:a )?(?:fight|trouble)",
             r"(?:needs?|need to have|requires?) (?:urgent |emergency )?(?:surgery|an operation)",
             r"(?:had|was in|caused|been in) (?:a|an) (?:car |bad |terrible )?(?:accident|crash)",
             r"need (?:bail|a lawyer|money for a lawyer)", r"hit (?:someone|a pedestrian|a man|a woman|a child)",
             r"(?:i've been|i have been|i was|i got|got) (?:robbed|mugged|scammed|attacked)",
             r"(?:lost|stole|stolen|took) (?:my |all my )?(?:wallet|passport|purse|bag|cards)",
             r"(?:stuck|stranded) (?:abroad|overseas|at the airport|in \w+)", r"(?:flight|ticket|way) home",
             r"need(?: the)? money (?:urgently|today|right now|immediately)",
             r"(?:banking app|bank account|card|account) is (?:locked|blocked|frozen|not working)",
             r"(?:can't|cannot|unable to|can not) (?:access|get into|use|log into|log in to) my (?:online |mobile )?(?:bank|"
             r"account|card|money|banking)",
             r"(?:hospital|medical|vet|lawyer'?s?) (?:bill|fees?)",
             r"(?:in|from) (?:a police station|the cells|custody)",
             r"(?:he|she|they)(?:'s| is| was| has been| were| have been| got| are)(?: being)? (?:arrested|detained|held|"
             r"jailed|locked up|in custody|in jail|taken into custody|picked up by the police)",
             r"(?:public defender|lawyer|attorney|solicitor|barrister)[^.!?]{0,30}(?:calling|ringing|phoning) (?:about|"
             r"regarding|for) your (?:grandson|granddaughter|son|daughter|nephew|niece|grandchild)",
             r"(?:set|posted|pay|paying|post|posting) (?:the )?bail", r"bail (?:is |was |has been )?set",
             r"bail (?:bondsman|bond|money|hearing)",
             r"\b(?:dui|dwi|drink[- ]driving|drunk driving|drink-drive)\b",
             r"(?:representing|calling on behalf of|on behalf of|lawyer for|attorney for) your (?:grandson|granddaughter|son|"
             r"daughter|nephew|niece|grandchild)",
             r"(?:locked|blocked|frozen) (?:me )?out of my (?:bank|account|banking|app|card)",
             r"(?:app|account|card)(?:'s| has| is)? (?:locked|blocked|frozen) me out"],
         zh=[r"(?:我|孙子|孙女|儿子|女儿|外孙|外孙女|你儿子|你女儿|你孙子|您孙子|您儿子)(?:出事了|出了点事|出了事|遇到(?:了)?麻烦|"
             r"惹(?:了)?(?:点)?(?:麻烦|事)|被(?:抓|拘留|扣|打)|(?:在|进了)(?:派出所|看守所)|撞(?:了|伤了?)人|把人(?:打|撞)伤|"
             r"住院|出车祸|受伤)",
             r"出车祸", r"急需(?:用)?钱", r"急(?:需|着)(?:交|付|还)", r"急用钱", r"赌博被抓", r"私了", r"赔(?:人家|对方)(?:钱)?",
             r"钱包(?:被偷|被抢|丢)了?", r"被(?:偷|抢|骗)了", r"身上(?:没钱|一分钱都没有)", r"应(?:应)?急", r"回不来",
             r"(?:手术|医药|住院|抢救|治疗)费", r"在医院抢救", r"保释", r"(?:学费|报名费|罚款|押金)(?:没|还没)(?:交|凑)",
             r"(?:没|还没)(?:交上|凑够|凑齐)", r"别问(?:了|那么多)",
             r"被(?:人)?(?:扣下|扣住|扣押|关起来|绑架|绑了|控制)(?:了)?", r"(?:才|就)(?:能|会)?放人", r"律师(?:会)?(?:打给|联系|找)(?:你|您)"]),
    # -- health ---------------------------------------------------------------------------------------------
    _cue("health_cure", "health_products", "promises a miracle cure", "宣称神奇疗效/根治", 0.55,
         en=[r"miracle (?:cure|remedy|supplement|pill|water|device)",
             r"cures? (?:cancer|diabetes|arthritis|dementia|alzheimer'?s|high blood pressure|everything|all)",
             r"reverses? (?:your )?(?:\w+ ){0,2}(?:diabetes|ageing|aging|dementia|arthritis|heart disease|memory loss|hair "
             r"loss|hearing loss|vision loss|neuropathy|alzheimer'?s|osteoporosis|cataracts?|wrinkles)",
             r"doctors (?:hate|are furious about|are baffled by|won'?t tell you about) (?:this|him|her|it|them)",
             r"(?:big pharma|the drug companies) (?:don't|do not|doesn't|does not) want",
             r"(?:stop|no need to take|throw away|no more|quit|give up|no longer need|come off|ditch) (?:taking )?"
             r"(?:your |their |all )?(?:\w+ ){0,2}(?:medication|medicine|medicines|pills|insulin|tablets|painkillers|"
             r"statins|injections|drugs|blood thinners|warfarin|inhalers|prescriptions?|meds|heart pills|blood pressure "
             r"(?:pills|tablets))",
             r"100% (?:natural )?cure", r"doctors (?:don't|do not) want you to know",
             r"(?:permanently|completely) (?:cures?|cured|heals?)",
             r"(?:dissolves?|melts? (?:away)?|flush(?:es)? out|unclogs?|removes?) (?:your )?(?:the )?(?:\w+ )?"
             r"(?:cholesterol|plaque|blood clots|clots|tumou?rs|fat deposits|blockages)",
             r"(?:clears?|unblocks?|unclogs?) (?:your )?(?:blocked |clogged )?arteries", r"blocked arteries",
             r"(?:back to normal|normal again) (?:in|within) (?:days|weeks)",
             r"restores? (?:your )?(?:eyesight|sight|hearing|memory|youth|hair|joints|cartilage)",
             r"(?:grows?|regrows?|rebuilds?) (?:your )?(?:cartilage|hair|teeth|nerves)"],
         zh=[r"包治百病", r"包治", r"根治", r"神药", r"特效药", r"神奇(?:疗效|功效)",
             r"(?:治好|治愈|痊愈)(?:了)?(?:癌症|糖尿病|高血压|老年痴呆|关节炎)",
             r"(?:不用|不需要|可以停|停)(?:再)?吃(?:西)?药", r"药到病除", r"祖传秘方", r"返老还童",
             r"(?:降|治)(?:三高|血糖|血压)[^。!?]{0,6}疗程", r"药[^。!?,]{0,6}(?:不用|不需要|不必)(?:再)?吃",
             r"(?:血糖|血压|血脂|三高|血管|心脑血管)[^。!?]{0,8}(?:恢复正常|都正常了|降下来|就通了|疏通|通了)",
             r"专治", r"永不复发", r"(?:一个|几个|三个)疗程(?:就)?(?:好|治好|见效|痊愈)", r"(?:癌症|肿瘤)[^。!?]{0,6}(?:消失|治好|克星)",
             r"(?:替代|代替|取代)(?:降压药|降糖药|降脂药|西药|药物|胰岛素|吃药|药)", r"(?:溶|溶解|消除|清除|化)(?:掉)?[^。!?]{0,4}(?:血栓|斑块)",
             r"(?:血栓|斑块)[^。!?]{0,6}(?:溶掉|溶解|消掉|消失|化掉|没了)"]),
    _cue("pseudo_science", "health_products", "pseudo-scientific health claims", "伪科学养生说法", 0.3,
         en=[r"quantum (?:energy|healing|water|device)", r"copper (?:insoles|bracelets?)", r"detox(?:ify|ing)?",
             r"cleans? (?:your |the )?(?:arteries|blood|blood vessels)", r"energy (?:water|stones?|bracelets?)",
             r"(?:special|secret|ancient|patented) (?:herbal )?(?:formula|recipe|remedy)",
             r"(?:herbal|natural) (?:remedy|formula|capsules)", r"stem[- ]cells?", r"nano ?technology",
             r"(?:himalayan|tibetan|amazonian|ancient|secret|miracle) (?:blend|herb|herbs|tea|tonic|elixir|salt)",
             r"magnetic (?:therapy|healing|field therapy)"],
         zh=[r"量子", r"能量(?:杯|水|床|鞋|石|仪)", r"清(?:理|除)?血管(?:里的)?(?:垃圾)?", r"排毒", r"净化血液", r"血管(?:里的)?垃圾",
             r"灵芝孢子粉", r"孢子粉", r"(?:调理|调养)身体", r"秘方", r"负离子", r"磁疗", r"石墨烯",
             r"(?:军方|航天|军工|国家机密)(?:研制|专用|特供|技术)", r"医院(?:都|里)?(?:买不到|没有卖|不卖)", r"(?:纳米|干细胞)(?:技术|疗法)"]),
    _cue("health_product", "health_products", "sells health products", "推销保健品", 0.15,
         en=[r"supplements?", r"health products?", r"wellness (?:products?|devices?)", r"magnetic (?:bracelet|"
             r"mattress|insoles?)", r"therapy device", r"herbal (?:tea|capsules|pills)", r"(?:capsules|tonic)",
             r"magnetic (?:\w+ )?(?:bracelet|mattress|insoles?|necklace|pad)",
             r"free (?:\w+ )?(?:lunch|dinner|breakfast|meal)(?: \w+)? (?:seminar|presentation|talk|workshop|event)",
             r"(?:health|wellness|heart health|longevity) (?:seminar|presentation|workshop)"],
         zh=[r"保健品", r"保健(?:产品|食品)", r"理疗仪", r"磁疗", r"养生(?:产品|馆|锅|壶)", r"(?:专家)?(?:义诊|健康讲座)",
             r"灵芝", r"(?:送|领)鸡蛋", r"深海鱼油", r"(?:听|参加)(?:健康)?讲座", r"纳豆激酶", r"(?:足浴盆|按摩椅|理疗床|磁疗床垫)"]),
    # -- investments --------------------------------------------------------------------------------------
    _cue("guaranteed_returns", "investment", "promises guaranteed returns", "承诺稳赚/保本", 0.55,
         en=[r"guaranteed (?:returns?|profits?|income|interest|payouts?)", r"(?:returns?|profits?) (?:are )?guaranteed",
             r"risk[- ]free (?:investment|returns?|profits?|trading)", r"(?:can't|cannot|never|won't) lose",
             r"double your (?:money|savings|investment|pension)", r"insider (?:tips?|information|signals?)",
             r"(?:capital|investment|money|principal) (?:is )?(?:fully |100% |completely )?(?:protected|guaranteed|"
             r"safe|secure)", r"no risk"],
         zh=[r"稳赚(?:不赔)?", r"保本(?:保息)?", r"零风险", r"无风险", r"只赚不赔", r"内幕(?:消息)?",
             r"带(?:你|您)(?:炒股|投资|理财|赚钱|炒币)", r"(?:老师|导师)带(?:单|你|您)", r"带单", r"原始股",
             r"本金(?:全退|保障|安全|无忧|全部退还|不动)", r"包赚", r"保(?:证)?收益", r"(?:到期)?本息全(?:退|还)"]),
    _cue("high_returns", "investment", "promises unusually high returns or an exclusive investment",
         "宣称高回报/内部投资项目", 0.3,
         en=[r"(?:high|huge|big|massive) returns?", r"\d+ ?% (?:a|per|every) (?:day|week|month)",
             r"(?:daily|weekly) (?:returns?|profits?|income)", r"(?:earn|make) \d+ ?% ",
             r"(?:made|earned|gained|got|making|earning|makes|earns) (?:\w+ )?\d+ ?(?:%|percent|per cent)(?! off| discount) \w+",
             r"(?:want|like) me to (?:show|teach) you", r"(?:i'?m|i am) a (?:fund manager|crypto trader|day trader|financial "
             r"analyst|forex trader)",
             r"(?:trading|stock|crypto|btc|bitcoin|forex|gold) (?:signals?|tips|picks|calls)", r"signals? (?:today|group|channel)",
             r"shares? (?:his |her |their |the )?signals", r"(?:i can|let me|i'll) (?:show|teach) you (?:how|the ropes)",
             r"(?:repaid|pay you back|paid back|repay you) (?:double|triple|twice|three times|\d+ ?x)",
             r"(?:trading|crypto|investment) (?:analyst|mentor|coach|expert|teacher)",
             r"\d+ ?% (?:profit|profits|return|returns|gains?)", r"(?:ai|trading) (?:robot|bot)",
             r"trading (?:club|group|signals|platform)",
             r"(?:\d+|\w+) (?:percent|per cent|%) (?:fixed|guaranteed|a year|every year|per year|annually|a month)",
             r"(?:gold|investment|property|crypto|forex|pension) (?:bond|fund|scheme|opportunity|plan|project)s?",
             r"exclusive (?:investment |trading )?opportunity", r"(?:clients|investors|members|people) (?:have )?"
             r"(?:already )?(?:earned|made|doubled|invested)", r"mentor"],
         zh=[r"高(?:额)?回报", r"高收益", r"高息", r"(?:日|月|周|年化)收益", r"翻(?:一)?倍", r"返利", r"分红",
             r"百分之[\d一二三四五六七八九十]+的?(?:利息|收益|回报|利润)", r"固定(?:的)?(?:利息|收益|回报)",
             r"比存银行(?:强|高|划算|多)", r"(?:炒股|投资|理财|炒币)群",
             r"养老(?:项目|公寓|基金)[^。!?]{0,10}(?:投资|返利|分红|返)", r"养老基金", r"国家扶持",
             rf"(?:投|存){_ZH_NUM}+[万千]?[^。!?]{{0,6}}返", r"一年返", r"(?:导师|老师)(?:指导|推荐)",
             r"好多(?:退休|老人|老干部)[^。!?]{0,8}(?:都)?(?:投|参加|买)", r"收益(?:率)?(?:特别|非常|很)?(?:高|稳定|可观|好)",
             r"(?:可以|我)带(?:你|您)(?:一起)?(?:做|玩|赚|投|操作)?(?=[。!?,]|$)",
             r"(?:投资|理财)(?:项目|平台)", r"(?:每月|每个月|每年|每天|每周)(?:都)?(?:给(?:您|你))?返", r"回本",
             r"(?:赚|挣)(?:了)?(?:百分之[\d一二三四五六七八九十]+|\d+%)", r"跟着(?:他|她|我|老师|导师)(?:的信号)?(?:操作|买|投|做|炒)",
             r"(?:股票|炒股|投资|炒币)群", r"内部(?:消息|渠道|名额)"]),
    # -- remote control ------------------------------------------------------------------------------------
    _cue("remote_tool", "remote_control", "asks for remote access or screen sharing", "要求远程控制/共享屏幕", 0.55,
         en=[r"anydesk", r"teamviewer", r"quick ?support", r"rustdesk", r"ultraviewer", r"logmein", r"supremo",
             r"remote (?:access|desktop|control|support|assistance)", r"share (?:your |the )?screen",
             r"screen ?shar(?:e|ing)",
             r"(?:give|let|allow) (?:me|us|our (?:engineer|technician|team|agent)) (?:remote )?(?:access|control)",
             r"connect (?:to|into) your (?:computer|laptop|pc|phone|device|tablet)", r"(?:take|get) control of your",
             r"take over (?:the |your )?(?:mouse|computer|screen|laptop|pc|phone|device)",
             r"(?:show|let) (?:me|us) (?:see )?(?:your|the) screen",
             r"so (?:i|we|our (?:engineer|technician)) can (?:connect|get in|remote in|access (?:it|your)|log (?:in|on)|"
             r"take (?:a look|over))", r"(?:connect|log) (?:in)?to (?:it|your \w+) remotely"],
         zh=[r"屏幕共享", r"共享(?:一下)?屏幕", r"远程(?:控制|协助|操作|桌面)", r"向日葵", r"todesk", r"anydesk",
             r"teamviewer", r"(?:开|打开|进)(?:一个)?(?:视频)?会议[^。!?]{0,6}(?:共享|屏幕)", r"(?:开启|打开)共享",
             r"投屏", r"(?:把|将)(?:手机)?屏幕(?:给|让)(?:我|我们)看", r"屏幕(?:给|让)(?:我|我们)看",
             r"远程(?:帮|给|替)(?:您|你)", r"(?:我|我们)(?:这边|这里|后台)(?:帮|替|给)(?:您|你)(?:操作|弄|处理|设置)",
             r"点(?:一下)?(?:允许|同意授权|授权)", r"屏幕上(?:出来|弹出|显示)[^。!?]{0,8}(?:别管|不用管|都点)"]),
    _cue("meeting_app", "remote_control", "asks you into a video-meeting app", "要求进入会议软件", 0.25,
         en=[r"zoom(?: meeting| call| app)?", r"skype", r"(?:video )?meeting app", r"join (?:a |the |my |our )?"
             r"(?:video )?meeting"],
         zh=[r"腾讯会议", r"会议(?:软件|app|号)", r"视频会议", r"钉钉", r"zoom", r"飞书"]),
    _cue("guided_operation", "remote_control", "talks you step by step through your phone, bank or browser",
         "一步步指导您操作手机/网银", 0.25,
         en=[r"(?:i'?ll|i will|let me) (?:guide|talk|walk) you (?:through|step by step)",
             r"(?:do|follow) (?:exactly )?what i (?:say|tell you)", r"go to the (?:page|website|site|link|address) "
             r"(?:i|we) (?:tell|give|send)", r"open (?:the|your) (?:browser|banking app|online banking)",
             r"log (?:in|into|on to) (?:to )?your (?:online )?banking(?: app)?", r"press (?:one|1) to",
             r"(?:type|enter|put) (?:\S+ )?(?:in|into) (?:your|the) (?:browser|address bar|search bar)",
             r"(?:type|enter|put|click) (?:in )?(?:exactly )?what i (?:tell|say|give|read)",
             r"(?:hold|press) (?:down )?the windows key", r"windows key (?:and|\+|plus) r",
             r"(?:open|go to|bring up) (?:the )?(?:run box|command prompt|cmd|event viewer|control panel)"],
         zh=[r"(?:按|照)(?:我|我们)(?:说的|的指示|的指导|的步骤)(?:操作|做|点|来)?", r"我(?:来)?(?:教|指导|带)(?:您|你)(?:操作|在手机上|装|下载|设置|点)",
             r"(?:打开|登录)(?:您的|你的)?(?:手机银行|网银|支付宝|微信)[^。!?]{0,6}(?:操作|点|转)", r"一步一步(?:操作|来)",
             r"(?:按|照)(?:他|她|他们|律师|警官|工作人员|对方)(?:说的|的指示|的要求)(?:做|办|操作)",
             r"(?:把|将)(?:我)?(?:给(?:你|您)的)?(?:那串|这串)(?:数字|号码)(?:输|填|打)(?:进去|入)"]),
    _cue("install_app", "remote_control", "asks you to install an app / says your device is hacked",
         "要求安装软件/称设备中毒", 0.25,
         en=[r"(?:download|install)(?: \w+){0,3} (?:app|application|software|program|tool)",
             r"install (?:anydesk|teamviewer|it)", r"(?:app|software) (?:so (?:i|we) can|to let (?:me|us))",
             r"your (?:computer|phone|device|router|laptop) (?:has a virus|is infected|is sending|has been hacked"
             r"|has been compromised)", r"(?:virus|malware)",
             r"(?:sending|sends|sent) (?:us )?(?:error|warning|virus|crash) (?:messages|reports|alerts|signals)"],
         zh=[r"(?:下载|安装|装)[^。!?,]{0,8}(?:app|软件|应用|程序|客户端|会议|插件)", r"(?:电脑|手机)(?:中毒|被黑|有病毒)",
             r"病毒", r"扫(?:一扫|码)(?:下载|安装)", r"下(?:个|一个)[^。!?,]{0,6}(?:app|软件|应用|程序|客户端)",
             r"(?:装|安装|下载)(?:一下)?(?:这个|那个)(?:app|软件|应用)"]),
    # -- lures and fees -----------------------------------------------------------------------------------
    _cue("prize", "refund_prize_fee", "says you have won a prize or a free gift", "称您中奖/获赠", 0.35,
         en=[r"you(?:'ve| have)? (?:won|been (?:selected|chosen|picked|awarded))", r"winner", r"prize", r"lottery",
             r"jackpot",
             r"sweepstakes?", r"lucky (?:draw|customer|winner|visitor|number)", r"free (?:\w+ ){0,3}(?:is |has been )?"
             r"reserved for you", r"(?:reserved|set aside) for you", r"claim your (?:free |\w+ )?(?:gift|reward|prize)",
             r"free gift", r"(?:at )?(?:no|zero) cost (?:to you)?(?=[,.!]| for| if)", r"at zero cost",
             r"(?:fully |100% |completely )?covered by (?:medicare|medicaid|your insurance|insurance|the nhs)",
             r"free (?:back |knee |ankle |wrist |neck )?braces?",
             r"free (?:hearing aids?|glucose monitors?|blood (?:sugar|pressure|glucose) monitors?|mobility scooter|"
             r"medical alert (?:device|system)|diabetic supplies|"
             r"genetic test|dna test|cancer screening kit)"],
         zh=[r"中奖", r"获奖", r"大奖", r"幸运(?:用户|观众|客户|儿|会员)", r"抽中", r"奖品", r"奖金", r"彩票",
             r"积分(?:即将|马上|快要|将)?(?:清零|过期|到期|作废)", r"积分兑换", r"兑换(?:价值|礼品|现金)",
             r"免费(?:领取|领|送|获得)", r"(?:领取|获得)[^。!?]{0,4}(?:资格(?!认证)|礼品|大礼包)", r"回馈(?:老客户|客户)"]),
    _cue("refund", "refund_prize_fee", "offers a refund, compensation or a grant", "称可退款/理赔/领补贴", 0.2,
         en=[r"refund(?:ed|s)?", r"compensation", r"rebate", r"overpaid", r"owed (?:money|a refund)",
             r"claim (?:your|the) (?:money|refund|compensation|grant|payment)", r"(?:qualify|eligible) for", r"entitled to",
             r"grant of", r"(?:government|energy|cost of living|winter fuel) (?:grant|payment|support|rebate)",
             r"reversal", r"revers(?:e|ing) (?:the|that|this) (?:charge|payment|transaction|purchase)"],
         zh=[r"退款", r"退费", r"理赔", r"赔偿", r"补贴", r"补偿", r"退税", r"多扣", r"补助", r"返还", r"退保",
             r"双倍赔", r"三倍赔", r"赔付"]),
    _cue("loan_offer", "refund_prize_fee", "offers a loan or a credit limit", "称贷款已批/可提额度", 0.25,
         en=[r"(?:loan|credit) (?:has been |is )?(?:approved|pre-approved|ready)", r"(?:no credit check|bad credit ok)",
             r"(?:instant|guaranteed|low[- ]interest) (?:loan|cash|credit)"],
         zh=[r"贷款(?:已)?(?:审批|批下来|通过|到账|额度)", r"(?:额度|借款)(?:已)?(?:批|审批|通过|提升)", r"(?:无抵押|低息|免息|秒批)(?:贷款|借款)?",
             r"(?:放款|提现)失败"]),
    _cue("upfront_fee", "refund_prize_fee", "asks for a fee to release money, a loan or a parcel",
         "要求先交手续费/保证金", 0.5, unless=_NO_FEE,
         en=[r"(?:processing|handling|release|admin(?:istration)?|clearance|activation|unlock(?:ing)?|leave|vacation|"
             r"permit|exit|"
             r"redelivery|transfer|insurance|delivery|shipping|postage|registration|verification|customs|courier|"
             r"service|unfreez(?:e|ing)|withdrawal|tax) (?:fee|charge|cost)s?",
             r"(?:pay|paying)(?: \w+){0,3} (?:customs|duty|taxes) (?:to|before)", r"small fee",
             r"(?:fee|charge|tax) (?:to|before) (?:release|receive|claim|collect|unlock)",
             r"(?:just|only) (?:cover|pay) (?:the )?(?:£|\$)",
             r"(?:pay|cover) (?:only |just )?(?:the )?(?:£|\$|€) ?[\d.]+ (?:for )?(?:shipping|postage|delivery|p&p|s&h|"
             r"handling)", r"(?:just|only) pay (?:the )?(?:shipping|postage|delivery)",
             r"(?:release|unlock|claim) (?:my|your|the) (?:\w+ )?(?:allowance|funds|inheritance|consignment|box|package|"
             r"parcel|winnings|payment)(?: \w+){0,3} (?:if|once|when|after) (?:someone|you) (?:pays?|cover)",
             r"(?:fee|charge|tax|duty|payment) (?:of )?(?:£|\$|€)? ?[\d,.]+ (?:\w+ )?(?:to|before) (?:release|receive|"
             r"claim|collect|unlock|clear|get)"],
         zh=[r"手续费", r"保证金", r"解冻费", r"激活费", r"税费", r"工本费", r"公证费", r"(?<!我)(?<!我们)先(?:交|付|缴)(?![了的过])",
             r"(?:交|付|缴)(?:纳)?[^。!?]{0,4}(?:费|金)(?:才能|后|即可)", r"(?:运费|邮费)", r"认证费", r"服务费",
             r"关税", r"刷流水", r"会员费", r"入会费", r"(?:才能|方可)(?:放款|到账|提现|解冻|领取|放行)", r"个(?:人所得)?税"]),
    # -- phishing links ---------------------------------------------------------------------------------
    _cue("link", "phishing", "contains a link", "包含链接", 0.1,
         en=[r"https?://\S+", r"www\.\S+", r"(?:click|tap|visit|open|follow)(?: on)? (?:the |this )?link"],
         zh=[r"点击(?:下方|以下)?链接", r"(?:登录|打开)[^。!?]{0,6}(?:链接|网址|网站)", r"点(?:击|开)?[^。!?]{0,4}链接"]),
    _cue("suspicious_link", "phishing", "links to a web address of a kind fraud often uses", "链接网址可疑", 0.3,
         en=[r"[a-z0-9-]+\.(?:xyz|top|cc|vip|click|link|shop|info|icu|buzz|live|online|site|store|cn\.com|support|"
             r"help|cam|rest|sbs|cfd)(?:/\S*)?",
             r"(?:bit\.ly|tinyurl\.com|t\.co|goo\.gl|is\.gd|ow\.ly|cutt\.ly|rb\.gy|t\.ly|shorturl\.at|tiny\.cc)/\S+",
             r"[a-z0-9]+(?:-[a-z0-9]+)*-(?:vip|pay|jf|secure|verify|login|refund|support|help|service|billing|update|claim|"
             r"bonus|reward|gift)\.[a-z]{2,6}(?:/\S*)?"]),
    _cue("contact_off_channel", "phishing", "asks you to continue on a private chat", "要求添加客服/私聊", 0.15,
         en=[r"(?:add|message|text|contact) (?:me|us) on (?:whatsapp|telegram|wechat|signal)", r"join (?:our|my|the) "
             r"(?:whatsapp|telegram|wechat) group", r"(?:whatsapp|telegram) (?:me|us)"],
         zh=[r"添加(?:客服|微信|qq|好友|群)", r"加(?:一下)?(?:客服)?(?:的)?(?:微信|qq)(?:群)?", r"进群", r"拉你进",
             r"加(?:一下)?客服", r"加(?:我|我的|老师|老师的|一下我)(?:的)?(?:微信|qq|私人微信)"]),
    _cue("verify_details", "phishing", "asks you to verify or update your details", "要求验证/更新个人信息", 0.3,
         en=[r"(?:verify|confirm|update|reactivate|unlock|validate|re-?enter|enter(?:ing)?|provide|submit|reply with|"
             r"send (?:us|me)|text (?:us|me)) (?:your )?"
             r"(?:account|details|identity|card|information|payment|bank details|card details|personal details)",
             r"register you", r"(?:fill in|complete) (?:the |a |your )?(?:claim )?form",
             r"(?:need|confirm|verify|update|give me|tell me|read me|provide|what'?s|what is|take|get|have|reply with|"
             r"send (?:us|me)|text (?:us|me)|share) (?:me |us )?"
             r"(?:just )?your (?:full )?(?:medicare|medicaid|social security|national insurance|nhs|insurance|membership|"
             r"member|policy|tax|pension|patient|benefits?|id|identity|passport|driver'?s licen[cs]e) (?:number|id|card "
             r"number|details|no)",
             r"(?:need|confirm|verify|give me|tell me|provide|what'?s|what is|reply with|send (?:us|me)|text (?:us|me)) "
             r"(?:me )?(?:just )?your (?:ssn|date of birth|"
             r"mother'?s maiden name)"],
         zh=[r"(?:认证|验证|激活|更新|核实|填写)(?:您的|你的)?(?:账户|信息|身份|银行卡|资料|收货信息)",
             r"(?:配合|需要)(?:核实|核对|登记)(?:身份|信息)",
             r"(?:核实|核对|确认|登记)(?:一下)?(?:您的|你的)?(?:身份|个人信息|资料|医保卡号|社保卡号|身份证号|银行卡号)", r"重新登记",
             r"(?:报|说|告诉|念)(?:一下)?(?:您|你)?(?:的)?(?:身份证号|医保卡号|社保卡号)"]),
    _cue("callback_number", "phishing", "asks you to call back on a number they give", "要求回拨对方提供的号码", 0.05,
         en=[r"(?:call|ring|phone|contact|dial|text)(?: us| our [\w ]{0,20}?| the [\w ]{0,20}?| this [\w ]{0,20}?)? (?:back )?"
             r"(?:immediately |now |urgently |today |right away |asap )?(?:(?:at|on) )?\+?\(?\d[\d\s().-]{5,}\d",
             r"call (?:this|the following) number"],
         zh=[r"(?:请)?(?:立即|尽快|马上)?(?:回电|回拨|致电|拨打|联系)[^。!?,]{0,6}\d[\d-]{6,}"]),
    _cue("wrong_number", "romance", "a stranger's \"wrong number\" or \"sent to you by mistake\" opener",
         "陌生人\"发错了/打错了\"式搭讪", 0.2,
         en=[r"wrong (?:number|person)", r"(?:to|on) (?:your (?:number|phone|mobile)|you) by (?:mistake|accident)",
             r"accident(?:al)?ly (?:sent|texted|messaged|gave|used|put|entered|typed)",
             r"(?:sent|texted) (?:this |it |that )?to (?:the )?wrong"],
         zh=[r"(?:发|加|打)错(?:了)?(?:人|号码|号|电话)", r"(?:发|加|打)错了"]),
)
"""Every text cue; weights were set by hand so that one claim alone stays low and a claim with an ask is high."""

# -- signs of legitimacy: negative weights, each shown in the explanation ------------------------------------
# A real notice tends to say what it will *not* ask for, to point to its own app or counter rather than to a link
# or a caller, and to need nothing from you; friends settling a bill say "no rush". Each sign scales the score
# down (score x (1 - |weight|)) and is listed among the cues, but only when the text makes no ask that the sign
# would contradict: "for your protection I will never ask for your PIN ... read me the passcode" keeps its risk.
_STRONG_ASKS = {"safe_account", "code_request", "card_details", "money_transfer", "gift_card_payment", "crypto",
                "remote_tool", "install_app", "meeting_app", "guided_operation", "suspicious_link",
                "contact_off_channel", "secrecy", "isolation"}
# Everyday money talk is ordinary only without a story around it.
_STORY = {"urgency", "relative_trouble", "relative_impersonation", "accusation", "account_frozen", "service_cutoff",
          "high_returns", "guaranteed_returns", "boss_teacher", "romance", "wrong_number", "prize", "upfront_fee",
          "authority_police", "authority_procuratorate", "authority_court", "authority_social_security",
          "authority_customs", "loan_offer", "health_cure"}
LEGITIMACY_CUES: tuple[Cue, ...] = (
    _cue("legit_disclaimer", "legitimacy", "says it will never ask for codes, passwords, transfers or downloads",
         "声明不会索要验证码、密码，不会要求转账或下载", -0.4, negatable=False,
         void_if=_STRONG_ASKS,
         en=[r"(?:we|they|staff|[a-z]+) (?:will|would) never (?:call|ask|text|email|contact|request|phone)(?: \w+){0,4}",
             r"never (?:ask|request) (?:you )?(?:for )?(?:your )?(?:pin|password|passcode|code|card|bank|details|to (?:move|"
             r"transfer|send|share|install|download))", r"(?:don't|do not|never) share (?:this|the|your|it)",
             r"no (?:genuine|real|legitimate) (?:bank|organi[sz]ation|company|agency) will",
             r"(?:we|staff) (?:don't|do not|won't|will not) (?:need|ask for) your (?:pin|password|code|card|details)"],
         zh=[r"不会(?:[^。!?,]{0,8}(?:要求|索要|收取)|向您|向你|让您|让你|以任何)[^。!?,]{0,10}", r"(?:从不|绝不)(?:会)?(?:索要|要求)",
             r"(?:切勿|请勿|不要)(?:将|把)?(?:验证码|密码)?(?:泄露|告知|告诉|透露)(?:给)?(?:他人|任何人|别人)",
             r"(?:不会|从不)(?:通过)?(?:电话|短信)(?:链接)?(?:办案|收费|索要)", r"(?:凡是|任何)(?:索要|要求)[^。!?]{0,12}(?:都是|均为|一律是)诈骗",
             r"不存在(?:所谓)?(?:的)?\"?安全账户"]),
    _cue("legit_official_channel", "legitimacy",
         "points you to an official app, website, branch or counter (not to a link or a caller)",
         "引导您通过官方APP、网点或柜台办理（而不是链接或来电）", -0.3, negatable=False,
         void_if={*_STRONG_ASKS, "link"},
         en=[r"(?:visit|go to|stop by|pop into|call into|come (?:in|into|to)) (?:any |a |your (?:local )?|the |our )?"
             r"(?:branch|store|counter|post office|office|pharmacy|clinic|surgery)",
             r"(?:call|ring) the number (?:on the back of your card|on your (?:statement|bill|card|letter))",
             r"(?:in|through|via|using|on) (?:the|our|your) (?:official )?(?:[a-z]+ ){0,2}(?:app|portal)\b",
             r"(?:official|our) website", r"(?:only|solely) through (?:the|our)",
             r"collect (?:it |them )?(?:from|at) (?:the )?(?:reception|counter|pharmacy|branch|post office|front desk)"],
         zh=[r"官方(?:app|网站|客服|渠道|平台|公众号|小程序)", r"(?:到|去|前往|来)(?:就近的?)?[\u4e00-\u9fff]{0,4}"
             r"(?:营业厅|网点|柜台|服务站|服务中心|窗口|办事处|门店|药房|所里)",
             r"携带(?:本人)?(?:身份证|医保卡|处方|户口本|购买凭证|银行卡)",
             r"(?:登录|打开|通过)[^。!?,]{0,12}(?:官方)?(?:app|公共服务平台|政务服务)(?:查询|办理|缴纳|支付)?"]),
    _cue("legit_no_action", "legitimacy", "needs nothing from you (money goes back the way it came)",
         "无需您操作（原路退回）", -0.3, negatable=False, void_if=_STRONG_ASKS,
         en=[r"no action (?:is )?(?:needed|required)", r"(?:you )?(?:don't|do not) need to do anything",
             r"no need to do anything", r"nothing (?:you need|for you|else you need) to do",
             r"(?:to|on|back to) your original (?:payment method|card|account)", r"already (?:loaded|credited|applied)",
             r"nothing to sign up for"],
         zh=[r"原路(?:退回|返回|退还)", r"(?:不需要|无需|不用)(?:您|你)?(?:做)?(?:任何|其他)?(?:操作|处理)",
             r"(?:不需要|无需|不用)(?:您|你)?提供任何(?:信息|资料)", r"已(?:自动)?(?:存入|到账|退回)(?:您的)?"]),
    _cue("legit_everyday_money", "legitimacy", "friends or family settling their own money, with no pressure",
         "亲友之间的日常账目，没有催促", -0.35, negatable=False, void_if={*_STRONG_ASKS - {"money_transfer"}, *_STORY},
         en=[r"no rush", r"no hurry", r"whenever (?:you can|suits|you get a chance|is easy)",
             r"(?:split|share|divide) (?:the bill|it|the cost)", r"venmo request", r"let me know (?:if|when) it (?:went|goes) through",
             r"(?:i'?ve|i have|i) (?:just )?(?:sent|transferred|paid) you"],
         zh=[r"不着急", r"不急(?!用)", r"慢慢来", r"(?<![a-z0-9])aa(?:制)?(?![a-z0-9])", rf"(?:一家|每人|每家|人均){_ZH_NUM}+",
             r"(?:大额|定期)存单", r"定期存款", r"续存", r"存(?:进去|到银行|定期)", r"利率", r"给(?:你|您)转了",
             r"我先(?:付|垫|出)(?:了|的)"]),
)
CUES = CUES + LEGITIMACY_CUES

CUE_BY_ID = {c.id: c for c in CUES}

# Who the caller claims to be, and the pretexts officials are used for.
_OFFICIALS = {"authority_police", "authority_procuratorate", "authority_court", "authority_social_security",
              "authority_customs"}
_CLAIMS = {*_OFFICIALS, "authority_bank", "authority_tech", "authority_merchant", "authority_utility", "accusation",
           "account_frozen", "service_cutoff",
           "parcel_problem", "credit_threat", "subscription_trap", "money_protection", "cooperate_investigation"}
_MONEY = {"safe_account", "money_transfer", "payment_request", "gift_card_payment", "crypto", "upfront_fee"}
_ASKS = {"safe_account", "money_transfer", "gift_card_payment", "crypto", "code_request", "card_details",
         "remote_tool", "upfront_fee"}
# Any story that sets up an ask: who they claim to be, what went wrong, what you won, who is in trouble.
_PRETEXTS = {*_CLAIMS, "boss_teacher", "romance", "relative_impersonation", "relative_trouble", "prize", "refund",
             "loan_offer", "wrong_number",
             "guaranteed_returns", "high_returns", "health_cure", "pseudo_science"}
# Any ask at all, including the weaker ones.
_ANY_ASK = {*_ASKS, "payment_request", "install_app", "meeting_app", "guided_operation", "verify_details"}


@dataclass(frozen=True)
class Combination:
    """Cues that are worse together: it fires when a cue from every group fired."""

    id: str
    label_en: str
    label_zh: str
    weight: float
    groups: tuple[frozenset[str], ...]
    fallback: bool = False
    """A broad co-occurrence (any story + any ask) that fires only when no specific combination did, so the
    generic rule catches new shapes of scam without stacking on top of the ones already recognised."""


def _combo(id: str, label_en: str, label_zh: str, weight: float, *groups: Iterable[str],
           fallback: bool = False) -> Combination:
    return Combination(id, label_en, label_zh, weight, tuple(frozenset(g) for g in groups), fallback)


COMBINATIONS: tuple[Combination, ...] = (
    _combo("combo_authority_ask", "an official or bank asking for money, codes or access",
           "冒充官方/银行索要钱财、验证码或控制权", 0.5, _CLAIMS, _ASKS),
    _combo("combo_official_money", "an official asking you to pay or move money", "冒充官方要求付款或转账", 0.4,
           {*_OFFICIALS, "accusation"}, {"payment_request", "card_details", "meeting_app", "guided_operation"}),
    _combo("combo_relative_money", "a \"relative\" asking for money", "\"亲人\"要钱", 0.5,
           {"relative_impersonation", "relative_trouble", "boss_teacher", "romance"},
           {"money_transfer", "gift_card_payment", "crypto", "payment_request", "upfront_fee"}),
    _combo("combo_urgency_secrecy", "urgency together with secrecy", "催促并要求保密", 0.3, {"urgency"},
           {"secrecy", "isolation"}),
    _combo("combo_secrecy_isolation", "secrecy together with cutting you off from others", "要求保密并让您与外界隔绝",
           0.3, {"secrecy"}, {"isolation"}),
    _combo("combo_cutoff_deadline", "a threat to cut off a service unless you act now, pay or call back",
           "以停电停机相威胁，要求马上付款或回电", 0.35,
           {"service_cutoff"}, {"urgency", "payment_request", "money_transfer", "card_details", "callback_number"}),
    _combo("combo_secrecy_ask", "secrecy together with a request for money or codes", "要求保密并索要钱财或验证码",
           0.4, {"secrecy", "isolation"}, _ANY_ASK),
    _combo("combo_lure_fee", "a prize or refund that needs a fee, details or a link", "中奖/退款却要先交费、填信息或点链接",
           0.4, {"prize", "refund", "parcel_problem", "loan_offer"},
           {"upfront_fee", "card_details", "code_request", "link", "suspicious_link", "verify_details",
            "money_transfer", "payment_request", "contact_off_channel", "install_app", "meeting_app"}),
    _combo("combo_investment_money", "an investment pitch asking for money, an app or crypto",
           "投资推销要求转账、下载软件或虚拟货币", 0.4,
           {"guaranteed_returns", "high_returns"},
           {"money_transfer", "payment_request", "install_app", "remote_tool", "crypto", "link", "suspicious_link",
            "urgency", "secrecy", "contact_off_channel", "guaranteed_returns"}),
    _combo("combo_investment_promise", "high returns and a guarantee together", "高回报加保本承诺", 0.3,
           {"high_returns"}, {"guaranteed_returns"}),
    _combo("combo_health_sale", "a cure claim with a sales pitch", "宣称疗效并推销", 0.4,
           {"health_cure", "pseudo_science"},
           {"price_offer", "money_transfer", "payment_request", "urgency", "health_product", "prize", "upfront_fee",
            "link", "suspicious_link"}),
    _combo("combo_stranger_investment", "a stranger (a \"wrong number\", an online sweetheart) talking investments",
           "陌生人（\"发错了\"、网恋对象）谈投资赚钱", 0.4,
           {"wrong_number", "romance"}, {"high_returns", "guaranteed_returns", "crypto"}),
    _combo("combo_remote_money", "remote access around money or accounts", "以远程控制操作账户或钱款", 0.4,
           {"remote_tool", "install_app", "meeting_app", "guided_operation"},
           {"authority_bank", "refund", "account_frozen", "money_transfer", "authority_tech", "verify_details",
            "subscription_trap", "authority_merchant", "parcel_problem", "credit_threat", "service_cutoff",
            *_OFFICIALS}),
    _combo("combo_account_link", "an account problem or a cut-off with a link or number to fix it",
           "称账户异常或将停机停电，并附链接或回拨号码", 0.35,
           {"account_frozen", "service_cutoff", "accusation", "credit_threat", "subscription_trap"},
           {"link", "suspicious_link", "verify_details", "callback_number"}),
    _combo("combo_official_threat", "an official accusing you of a crime", "冒充官方称您涉嫌犯罪", 0.35,
           _OFFICIALS, {"accusation", "cooperate_investigation"}),
    _combo("combo_official_app", "an official asking you to install an app", "冒充官方要求安装软件", 0.4,
           {*_OFFICIALS, "accusation"}, {"install_app", "meeting_app"}),
    _combo("combo_courier_fee", "a parcel that needs a fee or a link", "快递/海关包裹要交费或点链接", 0.35,
           {"authority_courier", "authority_customs", "parcel_problem"},
           {"upfront_fee", "suspicious_link", "payment_request"}),
    _combo("combo_pretext_ask", "a story that ends in a request for money, codes or access",
           "先编故事再索要钱财、验证码或操作", 0.25, _PRETEXTS, _ANY_ASK, fallback=True),
    _combo("combo_pressure_money", "pressure to pay or move money now", "催促马上付款或转账", 0.2,
           {"urgency"}, _MONEY, fallback=True),
)

# -- negation: a cue phrased as a warning is what a real bank or a police newsletter says ---------------------

# Anywhere earlier in the same sentence: "the police will NEVER ask you to ... safe account".
_WARNING_IN_SENTENCE = re.compile(
    r"\b(?:never|beware|be wary|watch out|be careful|warning|if (?:someone|anyone|somebody|a caller|a stranger) (?:\w+ )?(?:asks?|calls?|rings?|phones?|tells?|says?|"
    r"claims?|contacts?|texts?|emails?|messages?|pretends?|offers?|wants?|demands?|requests?)|"
    r"won't|will not|would not|wouldn't|no genuine|no real|no bank|no police|scams? (?:often|usually|where|that)|"
    r"(?:anyone|someone|anybody|a caller) (?:who )?(?:asks|asking|calls|calling|tells|telling|says|saying)|"
    r"pretend(?:ing|s)? to be|impersonat\w*|posing as|claiming to be|criminals (?:are|may)|fraudsters (?:are|may))\b"
    r"|冒充|假冒|自称|不会|绝不|决不|从不|从来不|谨防|警惕|防范|小心|切勿|请勿|凡是|如果有人(?:让|叫|要求|打电话|来电|自称|冒充|索要|说|发短信|给您|给你)|有人(?:让|叫|要求)|一律")
# Later in the same sentence: "...转到安全账户的都是诈骗", "... is a scam".
_WARNING_AFTER = re.compile(r"\b(?:is|are|it's) (?:always |definitely |certainly )?(?:a )?"
                            r"(?:scam|scams|fraud|scammers?|fraudsters?)\b|(?:都|均|一律|肯定|就)?(?:是|为)(?:诈骗|骗局|骗子)")
# Just before the match: "do not share your code", "无需转账".
_NEGATION_NEAR = re.compile(r"\b(?:not|don't|do not|no need to|never)\b(?: \S+){0,3} ?$|(?:不要|别|勿|无需|不用|不需要|没有)"
                            r"[^。!?,;]{0,3}$")
_SENTENCE_END = re.compile(r"[.!?。!?;\n]")
_CLAUSE_TURN = re.compile(r"(?:,|—|--| - ) ?just\b|[,，](?:你|您)?只(?:要|需)(?:把)?")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` around ``text[start:end]``."""
    sentence_start = 0
    for stop in _SENTENCE_END.finditer(text, 0, start):
        sentence_start = stop.end()
    stop = _SENTENCE_END.search(text, end)
    return text[sentence_start:stop.start() if stop else len(text)]


def _negated(masked: str, start: int) -> bool:
    """Whether the match at ``start`` is inside a warning ("never ... safe account")."""
    sentence_start = 0
    for end in _SENTENCE_END.finditer(masked, 0, start):
        sentence_start = end.end()
    before = masked[sentence_start:start]
    # "I will never ask for your PIN, just read me the passcode": the warning ends where "just" starts the ask.
    clause = _CLAUSE_TURN.split(before)
    before = clause[-1]
    if _WARNING_IN_SENTENCE.search(before):
        return True
    end = _SENTENCE_END.search(masked, start)
    if _WARNING_AFTER.search(masked, start, end.start() if end else len(masked)):
        return True
    return bool(_NEGATION_NEAR.search(before[-24:]))


# -- numbers ------------------------------------------------------------------------------------------------

_WITHHELD = {"", "anonymous", "private", "unknown", "withheld", "restricted", "unavailable", "no caller id",
             "未知", "未知号码", "隐藏号码", "私人号码", "无号码"}
_NUMBER_CUES = {
    "number_withheld": ("the number is withheld", "号码被隐藏", 0.1),
    "number_international": ("an international number", "境外号码", 0.12),
    "number_unknown": ("not a known contact", "不是通讯录里的号码", 0.08),
}


def digits(number: str) -> str:
    """Only the digits of a phone number."""
    return re.sub(r"\D", "", number)


def same_number(a: str, b: str) -> bool:
    """Whether two numbers are the same line: equal digits, or the same last 9 digits (``+44 7700 900123``
    and ``07700 900123``)."""
    da, db = digits(a), digits(b)
    if not da or not db:
        return False
    if len(da) >= 9 and len(db) >= 9:
        return da[-9:] == db[-9:]
    return da == db


def is_withheld(number: str) -> bool:
    return normalize(number) in _WITHHELD


def is_international(number: str, home_country_code: str | None = None) -> bool:
    """A number in international form (``+`` or ``00``) whose country code is not the home's.

    Without ``home_country_code`` every number in international form counts.
    """
    text = number.strip()
    if not (text.startswith("+") or text.startswith("00")):
        return False
    rest = digits(text)
    rest = rest[2:] if text.startswith("00") else rest
    return not (home_country_code and rest.startswith(digits(home_country_code)))


def number_cues(number: str | None, known_numbers: Sequence[str] = (),
                home_country_code: str | None = None) -> list[CueMatch]:
    """Cues from the caller's number: withheld, international, not a known contact (only when contacts are
    known). A known contact fires none."""
    if number is None:
        return []
    if any(same_number(number, known) for known in known_numbers):
        return []
    fired: list[str] = []
    if is_withheld(number):
        fired.append("number_withheld")
    else:
        if is_international(number, home_country_code):
            fired.append("number_international")
        if known_numbers:
            fired.append("number_unknown")
    out = []
    for cue_id in fired:
        label_en, label_zh, weight = _NUMBER_CUES[cue_id]
        out.append(CueMatch(cue_id, "number", label_en, label_zh, number.strip() or "(withheld)", weight))
    return out


# -- scoring -------------------------------------------------------------------------------------------------


def text_cues(text: str) -> list[CueMatch]:
    """The text cues that fire in ``text`` (normalised inside), and the combinations among them."""
    norm = normalize(text)
    has_han = bool(_HAN_CHAR.search(norm))

    def pattern(cue: Cue) -> re.Pattern[str] | None:
        return cue.pattern if has_han else cue.latin_pattern

    # Spans of cues that are negative by nature ("don't tell anyone") hide their "don't" from negation.
    masked = norm
    for cue in CUES:
        if not cue.negatable and cue.weight > 0 and pattern(cue) is not None:
            for m in pattern(cue).finditer(norm):  # type: ignore[union-attr]
                masked = masked[:m.start()] + "_" * (m.end() - m.start()) + masked[m.end():]
    fired: dict[str, CueMatch] = {}
    for cue in CUES:
        cue_pattern = pattern(cue)
        if cue_pattern is None:
            continue
        for m in cue_pattern.finditer(norm):
            if m.end() == m.start() or (cue.negatable and _negated(masked, m.start())):
                continue
            if cue.unless is not None and cue.unless.search(_sentence(norm, m.start(), m.end())):
                continue
            if cue.unless_in_text is not None and cue.unless_in_text.search(norm):
                break
            fired[cue.id] = CueMatch(cue.id, cue.family, cue.label_en, cue.label_zh, m.group(0).strip(), cue.weight)
            break
    # Within a group only the strongest cue counts; the others stay listed, with no weight.
    strongest: dict[str, CueMatch] = {}
    for match in fired.values():
        group = CUE_BY_ID[match.id].group
        if group and (group not in strongest or match.weight > strongest[group].weight):
            strongest[group] = match
    for cue_id, match in list(fired.items()):
        group = CUE_BY_ID[cue_id].group
        if group and strongest[group] is not match:
            fired[cue_id] = dataclasses.replace(match, weight=0.0)
    specific_fired = False
    for combo in sorted(COMBINATIONS, key=lambda c: c.fallback):
        if combo.fallback and specific_fired:
            continue
        parts: list[CueMatch] = []
        for group in combo.groups:
            # Two different cues read off the same words ("关税": customs, and a fee) are one piece of evidence.
            hit = next((fired[i] for i in sorted(group, key=lambda i: -CUE_BY_ID[i].weight)
                        if i in fired and not any(p.text == fired[i].text and p.id != i for p in parts)), None)
            if hit is None:
                break
            parts.append(hit)
        else:
            fired[combo.id] = CueMatch(combo.id, "combination", combo.label_en, combo.label_zh,
                                       " + ".join(p.text for p in parts),
                                       combo.weight)
            specific_fired = specific_fired or not combo.fallback
    # A sign of legitimacy counts only when the text makes none of the asks it would contradict.
    for cue_id in [i for i, m in fired.items() if m.weight < 0]:
        if CUE_BY_ID[cue_id].void_if & fired.keys():
            del fired[cue_id]
    return list(fired.values())


def combine(weights: Iterable[float]) -> float:
    """Noisy-OR of the positive weights, ``1 - prod(1 - w)`` (the chance that at least one independent cue is
    right), scaled down by each sign of legitimacy (a negative weight ``-v`` multiplies it by ``1 - v``)."""
    clear = 1.0
    damp = 1.0
    for weight in weights:
        if weight >= 0:
            clear *= 1.0 - weight
        else:
            damp *= 1.0 + weight
    return (1.0 - clear) * damp


def assess(text: str, *, number: str | None = None, known_numbers: Sequence[str] = (),
           language: str | None = None, home_country_code: str | None = None,
           thresholds: Thresholds = Thresholds()) -> Assessment:
    """Score ``text`` (a message or a call transcript so far) for scam risk.

    Args:
        text: what was said or written; may be empty (a ringing call is scored on its number alone).
        number: the other party's number; ``""`` means withheld, ``None`` means not known (no number cues).
        known_numbers: the person's contacts; a call from one of them fires no number cue, and the
            "not a known contact" cue fires only when this is not empty.
        language: ``zh``/``zh-CN``/``en``...; guessed from the text when None. Every cue is tried whatever the
            language (calls mix languages: "AnyDesk", "ok"); the language picks the labels a caller sees.
        home_country_code: e.g. ``"44"``; international numbers from this country do not count as foreign.
        thresholds: where the levels start.
    """
    cues = text_cues(text) + number_cues(number, known_numbers, home_country_code)
    cues.sort(key=lambda c: -c.weight)
    score = round(combine(c.weight for c in cues), 4)
    lang = "zh" if (language or guess_language(text)).lower().startswith("zh") else "en"
    return Assessment(score=score, level=thresholds.level(score), cues=tuple(cues), language=lang)


__all__ = ["Assessment", "COMBINATIONS", "CUES", "Combination", "Cue", "CueMatch", "FAMILIES", "LEVELS",
           "Thresholds", "assess", "combine", "digits", "guess_language", "is_international", "is_withheld",
           "level_rank", "normalize", "number_cues", "same_number", "text_cues"]
