"""Explainable scam-risk scoring of a call transcript or a text message, in Chinese and English; pure, no I/O.

``assess(text, number=..., known_numbers=...)`` normalises the text (case, full-width forms, whitespace,
common traditional characters), looks for *cues* — an impersonated authority, a "safe account", a request
for a verification code, secrecy, a relative in trouble, a miracle cure, guaranteed returns, remote
control, a fee to release a prize — plus cues from the number, and adds *combinations* of cues (an
authority asking for money is worse than either alone). Each cue has a weight; the score is their
noisy-OR, ``1 - prod(1 - weight)``, so it stays in 0..1 and every cue that fired can be shown with the
text it matched. The level (none / low / medium / high) comes from ``Thresholds``.

A cue phrased as a warning does not fire: "the police will never ask you to move money to a safe
account" or "请勿将验证码告诉他人" is what a real bank or a police newsletter says.
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
            "number", "combination")
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
    "戶帳賬驗證碼轉錢銀險檢員專號匯凍結資訊醫藥療報獎費遞關載軟體孫禍賠債穩賺絕對訴別讓緊馬貨遺郵稅違規"
    "緝傳喚會個們這說話電聯繫係養發給進過點擊連鏈網絡頁輸註銷實認幫辦處續額獲禮領還貸寶買賣產癒祕嚴懲機"
    "財護開幣項盤單導師營騙詐線廳鐵務請勿彈憑義診講囑吳鄭劉陳張黃楊趙慮兒孫媽爺奶狀監審隱動聽氣況顧礎據億萬"
)
_SIMPLIFIED = (
    "户账账验证码转钱银险检员专号汇冻结资讯医药疗报奖费递关载软体孙祸赔债稳赚绝对诉别让紧马货遗邮税违规"
    "缉传唤会个们这说话电联系系养发给进过点击连链网络页输注销实认帮办处续额获礼领还贷宝买卖产愈秘严惩机"
    "财护开币项盘单导师营骗诈线厅铁务请勿弹凭义诊讲嘱吴郑刘陈张黄杨赵虑儿孙妈爷奶状监审隐动听气况顾础据亿万"
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


def _cue(id: str, family: str, label_en: str, label_zh: str, weight: float, *,
         en: Sequence[str] = (), zh: Sequence[str] = (), negatable: bool = True, group: str | None = None) -> Cue:
    alternatives = [rf"\b(?:{p})\b" for p in en] + [f"(?:{p})" for p in zh]
    group = group or ("authority" if id.startswith("authority_") else None)
    return Cue(id, family, label_en, label_zh, weight, re.compile("|".join(alternatives)), negatable, group)


_ASK_VERBS = r"tell|give|read|send|share|forward|confirm|repeat|text|say"

CUES: tuple[Cue, ...] = (
    # -- who the caller says they are -------------------------------------------------------------------
    _cue("authority_police", "impersonation", "claims to be the police", "冒充公安/警察", 0.2,
         en=[r"police(?: officer|man|woman| station| department)?", r"detective", r"constable", r"scotland yard",
             r"fbi", r"interpol", r"fraud (?:investigation|squad)", r"anti-fraud (?:centre|center|unit|team)",
             r"cyber ?crime (?:unit|team|department|division)", r"national crime agency"],
         zh=[r"公安(?:局|厅|部|机关)?", r"派出所", r"警察", r"警官", r"民警", r"刑警", r"网警", r"反诈(?:骗)?中心",
             r"刑侦"]),
    _cue("authority_procuratorate", "impersonation", "claims to be a prosecutor", "冒充检察院", 0.3,
         en=[r"prosecutors?", r"procuratorate", r"public prosecution", r"crown prosecution", r"district attorney"],
         zh=[r"检察院", r"检察官", r"检察机关", r"公检法"]),
    _cue("authority_court", "impersonation", "claims to be a court", "冒充法院", 0.2,
         en=[r"court(?: order| case| hearing)?", r"magistrates?", r"subpoena", r"summons", r"bailiffs?"],
         zh=[r"法院", r"法官", r"传票", r"开庭", r"法庭"]),
    _cue("authority_social_security", "impersonation", "claims to be social security / pensions / tax",
         "冒充社保/医保/税务", 0.2,
         en=[r"social security", r"national insurance", r"pension (?:service|office|department|centre|center)",
             r"hmrc", r"tax office", r"irs", r"dwp", r"medicare"],
         zh=[r"社保(?:局|中心|卡)?", r"医保(?:局|中心|卡)?", r"人社局", r"税务(?:局|部门)", r"养老保险"]),
    _cue("authority_bank", "impersonation", "claims to be a bank", "冒充银行", 0.1,
         en=[r"bank", r"card services", r"fraud (?:team|department)", r"security (?:team|department)"],
         zh=[r"银行", r"银联", r"银保监", r"金融监管", r"支付宝", r"微信支付", r"京东金融", r"花呗", r"借呗"]),
    _cue("authority_customs", "impersonation", "claims to be customs", "冒充海关", 0.2,
         en=[r"customs", r"border (?:force|agency)", r"import (?:duty|tax)"],
         zh=[r"海关", r"缉私"]),
    _cue("authority_courier", "impersonation", "claims to be a courier", "冒充快递", 0.08,
         en=[r"courier", r"royal mail", r"dhl", r"fedex", r"ups", r"dpd", r"evri", r"parcel", r"package"],
         zh=[r"快递", r"包裹", r"顺丰", r"邮政", r"中通", r"圆通", r"韵达", r"申通", r"物流"]),
    _cue("authority_tech", "impersonation", "claims to be tech support / the phone company", "冒充技术支持/运营商",
         0.12,
         en=[r"microsoft", r"windows (?:support|technical)", r"apple (?:support|id)", r"tech(?:nical)? support",
             r"broadband (?:provider|engineer|team)", r"internet provider", r"amazon (?:security|prime)"],
         zh=[r"电信", r"移动公司", r"联通", r"运营商", r"宽带", r"通信管理局"]),
    # -- the story that justifies the ask ---------------------------------------------------------------
    _cue("accusation", "impersonation", "accuses you of a crime", "称您涉嫌犯罪", 0.45,
         en=[r"money laundering", r"launder(?:ing|ed)?", r"arrest warrant", r"warrant (?:for|out for) your arrest",
             r"(?:will|going to) (?:be )?arrest(?:ed)?", r"criminal (?:case|investigation|charges?|record)",
             r"your (?:identity|id|name|national insurance number|bank account|card) (?:has been|was|is being) "
             r"(?:used|stolen|compromised|involved)",
             r"involved in (?:a )?(?:crime|fraud|case|smuggling)", r"suspect(?:ed)? (?:in|of)",
             r"(?:someone|somebody|criminals|fraudsters|a gang)(?: \w+){0,3} (?:has|have) been using your "
             r"(?:bank|card|account|identity|details|name|national insurance)"],
         zh=[r"洗钱", r"涉嫌", r"通缉", r"逮捕", r"立案", r"涉案", r"冒用.{0,6}身份", r"非法集资", r"卷入",
             r"(?:诈骗|洗钱|贩毒|走私|非法集资)案",
             r"身份(?:证)?(?:信息)?(?:被人?|遭)(?:冒用|盗用|泄露)"]),
    _cue("account_frozen", "impersonation", "says an account or card is frozen / compromised", "称账户或卡被冻结/异常",
         0.3,
         en=[r"(?:account|card|pension|benefits?|licence|license|subscription|membership|line|service) "
             r"(?:has been |will be |is |was )?(?:frozen|suspended|locked|blocked|closed|restricted|compromised|"
             r"cancell?ed|terminated|cut off)",
             r"(?:freeze|suspend|block|close|cancel) your (?:account|card|pension|benefits?)",
             r"unusual activity", r"suspicious (?:activity|transactions?|payments?)",
             r"(?:someone|somebody) (?:has )?(?:ordered|bought|purchased|accessed|logged into)(?: \w+){0,3} "
             r"(?:on|with|using) your (?:account|card)"],
         zh=[r"(?:账户|账号|银行卡|卡|社保卡|医保卡|养老金|存款)(?:已|将|会|已经)?(?:被)?(?:冻结|停用|封停|注销|锁定|异常)",
             r"冻结(?:您|你)的", r"异常(?:交易|消费|登录|扣款)", r"(?:会|将|要)被?(?:停机|停号|封号|销号)"]),
    _cue("parcel_problem", "impersonation", "says a parcel is seized, illegal or lost", "称包裹违禁/被扣/丢失", 0.35,
         en=[r"(?:parcel|package|shipment) (?:contains?|containing|with|had) (?:illegal|drugs|counterfeit|fake "
             r"passports?|prohibited)",
             r"(?:parcel|package|shipment)[^.!?]{0,40}(?:seized|held|detained|intercepted|stopped|lost)",
             r"(?:illegal|prohibited) items"],
         zh=[r"(?:包裹|快递)[^。!?]{0,10}(?:违禁品|毒品|假护照|被扣|扣押|扣留|查扣|丢失|遗失|破损)", r"违禁品"]),
    _cue("credit_threat", "impersonation", "threatens your credit record or a loan in your name",
         "称影响征信/需注销贷款", 0.35,
         en=[r"(?:affect|damage|ruin|hurt) your credit(?: score| rating| record| file)?",
             r"(?:loan|credit card) (?:was |has been )?(?:taken out|opened) in your name"],
         zh=[r"影响(?:个人|您的|你的)?征信", r"征信(?:受损|有问题|异常|黑名单)",
             r"注销(?:学生|校园)?(?:贷款|校园贷|账户|会员|百万保障|服务)"]),
    # -- what they ask for ------------------------------------------------------------------------------
    _cue("safe_account", "safe_account", "asks to move money to a \"safe account\"", "要求转入\"安全账户\"", 0.75,
         en=[r"safe(?:ty)? account", r"secure account", r"holding account", r"protected account",
             r"protective custody", r"safe ?keeping", r"keep (?:it|your money|your savings) safe for you",
             r"(?:move|transfer|put) (?:all )?(?:your|the) (?:money|savings|funds|pension) (?:to|into) (?:a |an )?"
             r"(?:new|safe|secure|protected|government|temporary|special)(?: \w+)?"],
         zh=[r"安全(?:账户|账号)", r"资金(?:清查|核查|审查|监管|核验)", r"(?:监管|核查|审查|清查)(?:账户|账号)",
             r"国家(?:的)?(?:安全|监管)(?:账户|账号)", r"(?:存款|钱|资金)集中到(?:一张|一个)"]),
    _cue("code_request", "verification_code", "asks for a verification code / PIN", "索要验证码/密码", 0.7,
         en=[rf"(?:{_ASK_VERBS})(?: (?:it|them))?(?: (?:to|back to))? (?:me|us)(?: \w+){{0,4}} "
             r"(?:code|codes|otp|pin|passcode|password)",
             rf"(?:{_ASK_VERBS}) (?:out |back )?(?:the|your|that|this)(?: [\w-]+){{0,3}} "
             r"(?:code|otp|pin|passcode|password)",
             r"what (?:is|was|'s) the (?:code|number) (?:you|we) (?:just )?(?:got|received|were sent)",
             r"(?:code|otp) (?:we|i) (?:just )?sent (?:you|to your phone)",
             r"(?:get|receive|got|received) (?:a |an )?(?:text|sms|message)[^.!?]{0,40}(?:code|number)[^.!?]{0,60}"
             r"(?:forward|send|tell|read|give|pass)(?: it| that| them)?(?: on)?(?: to)? (?:me|us)"],
         zh=[r"(?:告诉|报|念|读|发|提供|给)(?:一下)?(?:我|我们|工作人员|客服)(?:一下)?(?:您|你)?"
             r"(?:收到的|手机上的|刚才的|短信上的|短信里的)?(?:短信)?(?:验证码|动态码|校验码|密码)",
             r"(?:把|将)(?:您|你)?(?:收到的|手机上的|短信里的|短信上的|刚才的)?(?:短信)?(?:验证码|动态码|校验码|密码)"
             r".{0,6}(?:告诉|报|念|读|发|给)(?:我|我们|工作人员|客服)",
             r"验证码(?:是多少|多少|发过来|报一下|念一下|读一下|告诉我)",
             r"(?:提供|报|念|读)(?:一下)?(?:您|你)?(?:收到的|手机上的|刚才的)?(?:短信)?(?:验证码|动态码|校验码)",
             r"收到[^。!?]{0,8}(?:数字|短信|验证码|动态码)[^。!?]{0,12}(?:发|告诉|报|念|读)(?:给)?(?:我|我们)"]),
    _cue("card_details", "verification_code", "asks for card numbers or passwords", "索要银行卡号/密码", 0.45,
         en=[r"(?:card|account) (?:number|details)(?: \w+){0,4} (?:pin|password|security code|cvv|expiry)",
             r"(?:your|the) (?:pin|cvv|online banking password|banking password|security code on the back)",
             r"(?:long|full) card number", r"sort code and account number",
             r"(?:provide|give us|give me|tell me) (?:your )?(?:card number|bank details|card details|account number)"],
         zh=[r"(?:银行卡|卡)号?(?:和|及|跟|、)?密码", r"(?:密码|安全码)(?:告诉|报|发)", r"网银(?:密码|账号)",
             r"提供(?:您的|你的)?(?:银行卡号|卡号|银行卡信息|身份证号)",
             r"身份证号?(?:和|、|以及)(?:银行卡|卡号)"]),
    _cue("money_transfer", "money_request", "asks to transfer or hand over money", "要求转账/交钱", 0.3,
         en=[r"(?:transfer|wire|send|move|pay|deposit|withdraw)(?: \w+){0,4} (?:money|funds|savings|cash|"
             r"£ ?\d[\d,]*|\$ ?\d[\d,]*|\d[\d,]* ?(?:pounds|dollars|yuan|euros))",
             r"bank transfer", r"western union", r"moneygram", r"bail money",
             r"pay (?:the |a |your )?(?:bail|fine|deposit)",
             r"(?:invest|put) (?:all |some of )?your (?:savings|pension|money|lump sum)",
             r"(?:courier|driver|someone) (?:will|to) (?:come|collect|pick up)(?: \w+){0,3} (?:cash|money|card)",
             r"(?:withdraw|take out) (?:the |all |your )?(?:full amount|cash|money|savings|everything)",
             r"(?:come|send someone|courier|taxi|collect)[^.!?]{0,40}(?:collect|pick up|take) "
             r"(?:it|the cash|the money)"],
         # "转入活期" (a bank moving your own deposit) is not a request: a transfer needs someone else's account.
         zh=[r"转账", r"汇款", r"打款", r"打钱", r"(?:转|汇)(?:到|入|给)(?:这个|指定|我的|我们的|他的|对方|下面的|以下|一个|平台)",
             r"(?:往|打到|转到|汇到)(?:这个|我的|我|他的|我同事的|同事的)?(?:卡|账户|账号)",
             r"(?:钱|存款|资金|退休金|积蓄|养老钱)[^。!?,]{0,6}(?:转(?:过去|出去|走|到|入)|投进来|投进去|投入|拿出来)",
             r"[一二三四五六七八九十两几\d]+(?:万|千)(?:块|元)?钱?", r"取(?:出)?(?:现金|钱)",
             r"(?:现金|钱)(?:送|交)(?:给|到)", r"保释金", r"罚款", r"上门取(?:钱|现金|卡)"]),
    _cue("gift_card_payment", "money_request", "asks for payment in gift cards", "要求用礼品卡/充值卡付款", 0.55,
         en=[r"pay(?: \w+){0,3} (?:with|in|using|by) (?:gift|itunes|google play|steam|amazon) ?cards?",
             r"buy(?: \w+){0,4} (?:gift|itunes|google play|steam|amazon) ?cards?",
             r"(?:read|send|tell)(?: \w+){0,2} (?:me )?the (?:numbers?|codes?) on the back"],
         zh=[r"(?:买|购买|充值)(?:一些|几张)?(?:礼品卡|充值卡|购物卡|游戏卡)", r"卡(?:背面|后面)的(?:卡密|密码|数字)",
             r"卡密"]),
    _cue("crypto", "money_request", "mentions crypto-currency payment", "涉及虚拟货币", 0.3,
         en=[r"bitcoin(?: atm)?", r"crypto(?:currency|currencies)?", r"usdt", r"tether"],
         zh=[r"比特币", r"虚拟货币", r"数字货币", r"usdt", r"泰达币"]),
    _cue("price_offer", "money_request", "a price or limited offer", "报价/限时优惠", 0.1,
         en=[r"special offer", r"order now", r"discount", r"(?:only|just) £ ?\d+", r"(?:only|just) \$ ?\d+",
             r"per bottle"],
         zh=[r"\d+元", r"优惠", r"特价", r"订购", r"下单", r"原价", r"只要\d+", r"活动价",
             r"现价", r"仅需", r"[\d一二三四五六七八九十百千]+块钱?"]),
    # -- pressure ---------------------------------------------------------------------------------------
    _cue("urgency", "urgency_secrecy", "pushes you to act immediately", "催促马上行动", 0.12,
         en=[r"immediately", r"right now", r"right away", r"urgent(?:ly)?", r"as soon as possible", r"asap",
             r"within (?:the next )?\d+ (?:minutes|hours)", r"today only", r"before it'?s too late",
             r"last chance", r"final (?:notice|warning)", r"act now", r"time is running out", r"hurry",
             r"limited (?:places|spaces|spots|offer|stock)", r"(?:places|spaces|spots) (?:are )?(?:limited|left)"],
         zh=[r"马上", r"立即", r"立刻", r"赶紧", r"赶快", r"尽快", r"紧急", r"十万火急", r"来不及", r"最后(?:一次|期限|机会)",
             r"今天(?:之内|内|必须)", r"(?:\d+|一|两|二|三|几|半)个?(?:小时|分钟)内", r"限时", r"过期作废", r"名额(?:有限|不多)"]),
    _cue("secrecy", "urgency_secrecy", "tells you to keep it secret or stay on the line", "要求保密/不要挂电话",
         0.35, negatable=False,
         en=[r"(?:don't|do not|never|mustn't|must not|shouldn't|should not) (?:tell|mention (?:this|it) to|say "
             r"anything to|speak to|talk to|inform|let) (?:anyone|anybody|your (?:family|children|kids|son|daughter|"
             r"husband|wife|grandchildren|relatives|bank)|the bank|mum|dad|mom|mum and dad|bank staff|the cashier|"
             r"the teller|the staff|staff at the bank|anyone at the bank)",
             r"(?:don't|do not) worry (?:mum|dad|mum and dad|mom and dad|the family|my parents)",
             r"keep (?:this|it|our conversation|the matter|everything)(?: \w+)? (?:secret|confidential|between us"
             r"|private|to yourself)",
             r"(?:confidential|secret) (?:investigation|case|operation)", r"(?:stay|keep) on the (?:line|phone)",
             r"(?:don't|do not) hang up", r"bank staff (?:are|is|may be) (?:involved|in on it)",
             r"(?:an )?insider (?:at|in) your (?:bank|branch)",
             r"(?:someone|staff) (?:at|in|inside) your (?:bank|branch) (?:is|are) (?:involved|helping)"],
         zh=[r"(?:不要|别|不能|不准|不许|千万别|千万不要|不得)(?:告诉|跟|和|对|让|通知)(?:你的?|您的?)?"
             r"(?:家人|家里人|家里|子女|儿女|孩子|儿子|女儿|老伴|任何人|别人|其他人|亲戚|银行|柜台|我爸妈|我爸|我妈|爸妈|"
             r"爸爸|妈妈|老公|老婆|奶奶|爷爷|外婆|外公|姥姥|姥爷|老伴)",
             r"保密", r"秘密(?:调查|侦查|案件|行动)", r"(?:不要|别|不能|不许)挂(?:断)?(?:电话)?",
             r"(?:银行|柜员|柜台)[^。!?]{0,6}(?:参与|内鬼|同伙)"]),
    # -- relatives ----------------------------------------------------------------------------------------
    _cue("relative_impersonation", "relative_in_trouble", "caller hides who they are (\"guess who\")",
         "对方让您猜身份（\"猜猜我是谁\"）", 0.3,
         en=[r"guess who(?: this is| it is|'s calling| i am)?", r"don'?t you recogni[sz]e (?:my voice|me)",
             r"it'?s your (?:favourite|favorite) (?:grandson|granddaughter)",
             r"(?:this is|here is|it'?s) my new (?:number|phone)", r"(?:i|i've) (?:lost|broke|changed) my phone",
             r"(?:nan|nana|gran|granny|grandma|grandpa|grandad|mum|mom|dad),? it'?s me[,.!]"],
         zh=[r"猜猜我是谁", r"你猜我是谁", r"听不出我(?:的声音)?(?:了)?", r"我换(?:号|号码|手机号|手机)了",
             r"这是我(?:的)?新(?:号|号码|手机号)", r"手机(?:掉了|丢了|坏了)",
             r"(?:奶奶|爷爷|外婆|外公|姥姥|姥爷|妈|爸)[,，]?是我(?:啊|呀)"]),
    _cue("relative_trouble", "relative_in_trouble", "a relative \"in trouble\" needs money", "亲人\"出事\"急需用钱",
         0.35,
         en=[r"(?:i'm|i am|i've been|i have been|he's|she's|he has been|she has been|"
             r"your (?:grandson|granddaughter|son|daughter|nephew|niece) (?:is|has been|was)) "
             r"(?:in (?:a lot of |big |serious )?trouble|arrested|in jail|in prison|in custody|detained|kidnapped|"
             r"in (?:a |an )?(?:car )?(?:accident|crash)|stuck abroad|stranded)",
             r"(?:had|was in|caused|been in) (?:a|an) (?:car |bad |terrible )?(?:accident|crash)",
             r"need (?:bail|a lawyer|money for a lawyer)", r"hit (?:someone|a pedestrian|a man|a woman|a child)",
             r"(?:i've been|i have been|i was|i got|got) (?:robbed|mugged|scammed|attacked)",
             r"(?:lost|stole|stolen|took) (?:my |all my )?(?:wallet|passport|purse|bag|cards)",
             r"(?:stuck|stranded) (?:abroad|overseas|at the airport|in \w+)", r"(?:flight|ticket|way) home",
             r"need(?: the)? money (?:urgently|today|right now|immediately)"],
         zh=[r"(?:我|孙子|孙女|儿子|女儿|外孙|外孙女)(?:出事了|出了点事|出了事|遇到(?:了)?麻烦|惹(?:了)?(?:点)?(?:麻烦|事)"
             r"|被(?:抓|拘留|扣)|(?:在|进了)(?:派出所|看守所)|撞(?:了|伤了?)人|把人(?:打|撞)伤)",
             r"出车祸", r"急需(?:用)?钱", r"急用钱", r"赌博被抓", r"私了", r"赔(?:人家|对方)(?:钱)?",
             r"钱包(?:被偷|被抢|丢)了?", r"被(?:偷|抢|骗)了", r"身上(?:没钱|一分钱都没有)", r"应(?:应)?急", r"回不来"]),
    # -- health ---------------------------------------------------------------------------------------------
    _cue("health_cure", "health_products", "promises a miracle cure", "宣称神奇疗效/根治", 0.55,
         en=[r"miracle (?:cure|remedy|supplement|pill|water|device)",
             r"cures? (?:cancer|diabetes|arthritis|dementia|alzheimer'?s|high blood pressure|everything|all)",
             r"reverses? (?:diabetes|ageing|aging|dementia|arthritis)",
             r"(?:stop|no need to take|throw away|no more|quit|give up|no longer need|come off|ditch) (?:taking )?"
             r"(?:your |their |all )?(?:\w+ )?(?:medication|medicine|medicines|pills|insulin|tablets|painkillers)",
             r"100% (?:natural )?cure", r"doctors (?:don't|do not) want you to know",
             r"(?:permanently|completely) (?:cures?|cured|heals?)"],
         zh=[r"包治百病", r"根治", r"神药", r"特效药", r"神奇(?:疗效|功效)", r"(?:治好|治愈|痊愈)(?:了)?(?:癌症|糖尿病|高血压"
             r"|老年痴呆|关节炎)", r"(?:不用|不需要|可以停|停)(?:再)?吃(?:西)?药", r"药到病除", r"祖传秘方", r"返老还童",
             r"(?:降|治)(?:三高|血糖|血压)[^。!?]{0,6}疗程", r"药[^。!?,]{0,6}(?:不用|不需要|不必)(?:再)?吃"]),
    _cue("pseudo_science", "health_products", "pseudo-scientific health claims", "伪科学养生说法", 0.3,
         en=[r"quantum (?:energy|healing|water|device)", r"copper (?:insoles|bracelets?)", r"detox(?:ify|ing)?",
             r"cleans? (?:your |the )?(?:arteries|blood|blood vessels)", r"energy (?:water|stones?|bracelets?)"],
         zh=[r"量子", r"能量(?:杯|水|床|鞋|石|仪)", r"清(?:理|除)?血管(?:里的)?(?:垃圾)?", r"排毒", r"净化血液", r"血管(?:里的)?垃圾"]),
    _cue("health_product", "health_products", "sells health products", "推销保健品", 0.15,
         en=[r"supplements?", r"health products?", r"wellness (?:products?|devices?)", r"magnetic (?:bracelet|"
             r"mattress|insoles?)", r"therapy device"],
         zh=[r"保健品", r"保健(?:产品|食品)", r"理疗仪", r"磁疗", r"养生(?:产品|馆)", r"(?:专家)?(?:义诊|健康讲座)"]),
    # -- investments --------------------------------------------------------------------------------------
    _cue("guaranteed_returns", "investment", "promises guaranteed returns", "承诺稳赚/保本", 0.55,
         en=[r"guaranteed (?:returns?|profits?|income|interest|payouts?)",
             r"risk[- ]free (?:investment|returns?|profits?|trading)", r"(?:can't|cannot|never|won't) lose",
             r"double your (?:money|savings|investment|pension)", r"insider (?:tips?|information)"],
         zh=[r"稳赚(?:不赔)?", r"保本(?:保息)?", r"零风险", r"无风险", r"只赚不赔", r"内幕(?:消息)?",
             r"带(?:你|您)(?:炒股|投资|理财|赚钱)", r"(?:老师|导师)带(?:单|你|您)", r"原始股"]),
    _cue("high_returns", "investment", "promises unusually high returns", "宣称高回报", 0.3,
         en=[r"(?:high|huge|big|massive) returns?", r"\d+ ?% (?:a|per|every) (?:day|week|month)",
             r"(?:daily|weekly) (?:returns?|profits?|income)", r"(?:earn|make) \d+ ?% ",
             r"\d+ ?% (?:profit|profits|return|returns|interest|gains?)", r"(?:ai|trading) (?:robot|bot)",
             r"trading (?:club|group|signals|platform)"],
         zh=[r"高(?:额)?回报", r"高收益", r"高息", r"(?:日|月|周)收益", r"翻(?:一)?倍", r"返利", r"分红",
             r"百分之[\d一二三四五六七八九十]+的?(?:利息|收益|回报|利润)", r"固定(?:的)?(?:利息|收益|回报)",
             r"比存银行(?:强|高|划算|多)", r"(?:炒股|投资|理财)群",
             r"养老(?:项目|公寓)[^。!?]{0,10}(?:投资|返利|分红)"]),
    # -- remote control ------------------------------------------------------------------------------------
    _cue("remote_tool", "remote_control", "asks for remote access or screen sharing", "要求远程控制/共享屏幕", 0.55,
         en=[r"anydesk", r"teamviewer", r"quick ?support", r"rustdesk", r"ultraviewer", r"logmein",
             r"remote (?:access|desktop|control|support)", r"share (?:your |the )?screen", r"screen ?shar(?:e|ing)",
             r"(?:give|let) (?:me|us) (?:access|control)(?: to)?(?: your)? (?:computer|phone|laptop|tablet)",
             r"connect (?:to|into) your (?:computer|laptop|pc|phone|device|tablet)", r"(?:take|get) control of your"],
         zh=[r"屏幕共享", r"共享(?:一下)?屏幕", r"远程(?:控制|协助|操作|桌面)", r"向日葵", r"todesk", r"anydesk",
             r"teamviewer", r"(?:开|打开|进)(?:一个)?(?:视频)?会议[^。!?]{0,6}(?:共享|屏幕)", r"(?:开启|打开)共享",
             r"投屏"]),
    _cue("install_app", "remote_control", "asks you to install an app / says your device is hacked",
         "要求安装软件/称设备中毒", 0.25,
         en=[r"(?:download|install) (?:this |the |an |a |our )?(?:app|application|software|program|tool)",
             r"your (?:computer|phone|device|router|laptop) (?:has a virus|is infected|is sending|has been hacked"
             r"|has been compromised)", r"(?:virus|malware)"],
         zh=[r"(?:下载|安装)[^。!?,]{0,6}(?:app|软件|应用|程序|客户端|会议)", r"(?:电脑|手机)(?:中毒|被黑|有病毒)",
             r"病毒"]),
    # -- lures and fees -----------------------------------------------------------------------------------
    _cue("prize", "refund_prize_fee", "says you have won a prize", "称您中奖", 0.35,
         en=[r"you(?:'ve| have)? (?:won|been selected)", r"winner", r"prize", r"lottery", r"jackpot", r"sweepstakes?",
             r"lucky draw"],
         zh=[r"中奖", r"获奖", r"大奖", r"幸运(?:用户|观众|客户|儿)", r"抽中", r"奖品", r"奖金", r"彩票"]),
    _cue("refund", "refund_prize_fee", "offers a refund or compensation", "称可退款/理赔", 0.2,
         en=[r"refund(?:ed|s)?", r"compensation", r"rebate", r"overpaid", r"owed (?:money|a refund)",
             r"claim (?:your|the) (?:money|refund|compensation)"],
         zh=[r"退款", r"退费", r"理赔", r"赔偿", r"补贴", r"补偿", r"退税", r"多扣"]),
    _cue("upfront_fee", "refund_prize_fee", "asks for a fee to release money or a parcel", "要求先交手续费/保证金",
         0.5,
         en=[r"(?:processing|handling|release|admin(?:istration)?|clearance|activation|unlock(?:ing)?|"
             r"redelivery|transfer|insurance) (?:fee|charge|cost)s?",
             r"(?:pay|paying)(?: \w+){0,3} (?:customs|duty|taxes) (?:to|before)", r"small fee",
             r"(?:fee|charge|tax) (?:to|before) (?:release|receive|claim|collect|unlock)"],
         zh=[r"手续费", r"保证金", r"解冻费", r"激活费", r"税费", r"工本费", r"公证费", r"先(?:交|付|缴)",
             r"(?:交|付|缴)(?:纳)?[^。!?]{0,4}(?:费|金)(?:才能|后|即可)"]),
    # -- phishing links ---------------------------------------------------------------------------------
    _cue("link", "phishing", "contains a link", "包含链接", 0.1,
         en=[r"https?://\S+", r"www\.\S+", r"(?:click|tap|visit|open|follow)(?: on)? (?:the |this )?link"],
         zh=[r"点击(?:下方|以下)?链接", r"(?:登录|打开)[^。!?]{0,6}(?:链接|网址|网站)"]),
    _cue("suspicious_link", "phishing", "links to a web address of a kind fraud often uses", "链接网址可疑", 0.3,
         en=[r"[a-z0-9-]+\.(?:xyz|top|cc|vip|click|link|shop|info|icu|buzz|live|online)(?:/\S*)?"]),
    _cue("contact_off_channel", "phishing", "asks you to continue on a private chat", "要求添加客服/私聊", 0.15,
         en=[r"(?:add|message|text|contact) (?:me|us) on (?:whatsapp|telegram|wechat|signal)", r"join (?:our|my|the) "
             r"(?:whatsapp|telegram|wechat) group"],
         zh=[r"添加(?:客服|微信|qq|好友|群)", r"加(?:客服)?(?:微信|qq)(?:群)?", r"进群", r"拉你进"]),
    _cue("verify_details", "phishing", "asks you to verify or update your details", "要求验证/更新个人信息", 0.3,
         en=[r"(?:verify|confirm|update|reactivate|unlock|validate|re-?enter|enter(?:ing)?|provide|submit) (?:your )?"
             r"(?:account|details|identity|card|information|payment|bank details|card details)"],
         zh=[r"(?:认证|验证|激活|更新|核实|填写)(?:您的|你的)?(?:账户|信息|身份|银行卡|资料)"]),
)
"""Every text cue; weights were set by hand so that one claim alone stays low and a claim with an ask is high."""

CUE_BY_ID = {c.id: c for c in CUES}

# Who the caller claims to be, and the pretexts officials are used for.
_CLAIMS = {"authority_police", "authority_procuratorate", "authority_court", "authority_social_security",
           "authority_bank", "authority_customs", "authority_tech", "accusation", "account_frozen", "parcel_problem",
           "credit_threat"}
_ASKS = {"safe_account", "money_transfer", "gift_card_payment", "crypto", "code_request", "card_details",
         "remote_tool", "upfront_fee"}


@dataclass(frozen=True)
class Combination:
    """Cues that are worse together: it fires when a cue from every group fired."""

    id: str
    label_en: str
    label_zh: str
    weight: float
    groups: tuple[frozenset[str], ...]


def _combo(id: str, label_en: str, label_zh: str, weight: float, *groups: Iterable[str]) -> Combination:
    return Combination(id, label_en, label_zh, weight, tuple(frozenset(g) for g in groups))


COMBINATIONS: tuple[Combination, ...] = (
    _combo("combo_authority_ask", "an official or bank asking for money, codes or access",
           "冒充官方/银行索要钱财、验证码或控制权", 0.5, _CLAIMS, _ASKS),
    _combo("combo_relative_money", "a \"relative\" asking for money", "\"亲人\"要钱", 0.5,
           {"relative_impersonation", "relative_trouble"}, {"money_transfer", "gift_card_payment", "crypto"}),
    _combo("combo_urgency_secrecy", "urgency together with secrecy", "催促并要求保密", 0.3, {"urgency"}, {"secrecy"}),
    _combo("combo_secrecy_ask", "secrecy together with a request for money or codes", "要求保密并索要钱财或验证码",
           0.4, {"secrecy"}, _ASKS),
    _combo("combo_lure_fee", "a prize or refund that needs a fee, details or a link", "中奖/退款却要先交费、填信息或点链接",
           0.4, {"prize", "refund", "parcel_problem"},
           {"upfront_fee", "card_details", "code_request", "link", "suspicious_link", "verify_details",
            "money_transfer", "contact_off_channel"}),
    _combo("combo_investment_money", "an investment pitch asking for money, an app or crypto",
           "投资推销要求转账、下载软件或虚拟货币", 0.35,
           {"guaranteed_returns", "high_returns"},
           {"money_transfer", "install_app", "remote_tool", "crypto", "link", "suspicious_link", "urgency", "secrecy",
            "contact_off_channel"}),
    _combo("combo_health_sale", "a cure claim with a sales pitch", "宣称疗效并推销", 0.4,
           {"health_cure", "pseudo_science"}, {"price_offer", "money_transfer", "urgency", "health_product"}),
    _combo("combo_remote_money", "remote access around money or accounts", "以远程控制操作账户或钱款", 0.4,
           {"remote_tool", "install_app"},
           {"authority_bank", "refund", "account_frozen", "money_transfer", "authority_tech", "verify_details"}),
    _combo("combo_account_link", "an account problem with a link to fix it", "称账户异常并附链接", 0.35,
           {"account_frozen", "accusation", "credit_threat"}, {"link", "suspicious_link", "verify_details"}),
    _combo("combo_official_threat", "an official accusing you of a crime", "冒充官方称您涉嫌犯罪", 0.35,
           {"authority_police", "authority_procuratorate", "authority_court", "authority_social_security",
            "authority_customs"}, {"accusation"}),
    _combo("combo_official_app", "an official asking you to install an app", "冒充官方要求安装软件", 0.4,
           {"authority_police", "authority_procuratorate", "authority_court", "authority_social_security",
            "authority_customs", "accusation"}, {"install_app"}),
    _combo("combo_courier_fee", "a parcel that needs a fee or a link", "快递/海关包裹要交费或点链接", 0.35,
           {"authority_courier", "authority_customs", "parcel_problem"}, {"upfront_fee", "suspicious_link"}),
)

# -- negation: a cue phrased as a warning is what a real bank or a police newsletter says ---------------------

# Anywhere earlier in the same sentence: "the police will NEVER ask you to ... safe account".
_WARNING_IN_SENTENCE = re.compile(
    r"\b(?:never|beware|be wary|watch out|be careful|warning|if (?:someone|anyone|somebody|a caller|a stranger)|"
    r"won't|will not|would not|wouldn't|no genuine|no real|no bank|no police|scams? (?:often|usually|where|that)|"
    r"(?:anyone|someone|anybody|a caller) (?:who )?(?:asks|asking|calls|calling|tells|telling|says|saying))\b"
    r"|不会|绝不|决不|从不|从来不|谨防|警惕|防范|小心|切勿|请勿|凡是|如果有人|有人(?:让|叫|要求)|一律")
# Later in the same sentence: "...转到安全账户的都是诈骗", "... is a scam".
_WARNING_AFTER = re.compile(r"\b(?:is|are|it's) (?:always |definitely |certainly )?(?:a )?"
                            r"(?:scam|scams|fraud|scammers?|fraudsters?)\b|(?:都|均|一律|肯定|就)?(?:是|为)(?:诈骗|骗局|骗子)")
# Just before the match: "do not share your code", "无需转账".
_NEGATION_NEAR = re.compile(r"\b(?:not|don't|do not|no need to|never)\b(?: \S+){0,3} ?$|(?:不要|别|勿|无需|不用|不需要|没有)"
                            r"[^。!?,;]{0,3}$")
_SENTENCE_END = re.compile(r"[.!?。!?;\n]")


def _negated(masked: str, start: int) -> bool:
    """Whether the match at ``start`` is inside a warning ("never ... safe account")."""
    sentence_start = 0
    for end in _SENTENCE_END.finditer(masked, 0, start):
        sentence_start = end.end()
    before = masked[sentence_start:start]
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
    # Spans of cues that are negative by nature ("don't tell anyone") hide their "don't" from negation.
    masked = norm
    for cue in CUES:
        if not cue.negatable:
            for m in cue.pattern.finditer(norm):
                masked = masked[:m.start()] + "_" * (m.end() - m.start()) + masked[m.end():]
    fired: dict[str, CueMatch] = {}
    for cue in CUES:
        for m in cue.pattern.finditer(norm):
            if m.end() == m.start() or (cue.negatable and _negated(masked, m.start())):
                continue
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
    for combo in COMBINATIONS:
        parts = []
        for group in combo.groups:
            hit = next((fired[i] for i in sorted(group, key=lambda i: -CUE_BY_ID[i].weight) if i in fired), None)
            if hit is None:
                break
            parts.append(hit.text)
        else:
            fired[combo.id] = CueMatch(combo.id, "combination", combo.label_en, combo.label_zh, " + ".join(parts),
                                       combo.weight)
    return list(fired.values())


def combine(weights: Iterable[float]) -> float:
    """Noisy-OR: the chance that at least one independent cue is right, ``1 - prod(1 - w)``."""
    clear = 1.0
    for weight in weights:
        clear *= 1.0 - weight
    return 1.0 - clear


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
