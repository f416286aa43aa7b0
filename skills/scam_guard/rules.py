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
            "romance", "number", "combination")
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


def _cue(id: str, family: str, label_en: str, label_zh: str, weight: float, *,
         en: Sequence[str] = (), zh: Sequence[str] = (), negatable: bool = True, group: str | None = None,
         unless: str | None = None, unless_in_text: str | None = None) -> Cue:
    alternatives = [rf"\b(?:{p})\b" for p in en] + [f"(?:{p})" for p in zh]
    group = group or ("authority" if id.startswith("authority_") else None)
    return Cue(id, family, label_en, label_zh, weight, re.compile("|".join(alternatives)), negatable, group,
               re.compile(unless) if unless else None, re.compile(unless_in_text) if unless_in_text else None)


_ASK_VERBS = r"tell|give|read|send|share|forward|confirm|repeat|text|say|pass|type|enter"
_CODE_WORDS = r"code|codes|otp|pin|passcode|password|numbers?|digits|one-time (?:code|passcode|password)"
_ZH_CODE = r"(?:验证码|动态码|校验码|短信码|密码|数字|短信内容|那条短信|短信)"
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
             r"(?:federal|special) agent", r"investigating officer", r"met police",
             r"law enforcement"],
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
             r"cost of living (?:team|support|payment)", r"nhs"],
         zh=[r"社保(?:局|中心|卡|部门)?", r"医保(?:局|中心|卡|部门)?", r"人社局", r"税务(?:局|部门)?", r"养老保险",
             r"民政(?:局|部门)", r"卫健委", r"(?:市|区|县)政府", r"政府(?:部门|工作人员)", r"工商(?:局|部门)",
             r"市场监管(?:局)?", r"通管局", r"出入境"]),
    _cue("authority_bank", "impersonation", "claims to be a bank (or a payment service, a regulator)", "冒充银行/支付平台/金融监管",
         0.1,
         en=[r"bank(?! (?:transfer|holiday|details|account|card|statement|app)|ing)", r"card services",
             r"fraud (?:team|department|prevention|protection)",
             r"security (?:team|department)", r"paypal", r"visa", r"mastercard", r"building society",
             r"financial conduct authority", r"fca"],
         zh=[r"银行", r"银联", r"银保监(?:会|局)?", r"银监(?:会|局)", r"证监(?:会|局)", r"金融监管", r"人民银行", r"央行",
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
    _cue("authority_merchant", "impersonation", "claims to be a shop's or platform's customer service",
         "冒充电商/平台客服", 0.1,
         en=[r"customer (?:service|services|support|care)", r"ebay", r"shopping platform", r"online shop"],
         zh=[r"客服", r"淘宝", r"天猫", r"拼多多", r"抖音", r"快手", r"美团", r"京东", r"闲鱼", r"(?:购物|电商)平台",
             r"保险公司", r"航空公司"]),
    _cue("boss_teacher", "impersonation", "claims to be your boss, a teacher or an acquaintance",
         "冒充领导/老师/熟人", 0.2,
         en=[r"(?:this is|it'?s|i'?m) (?:your|the) (?:boss|manager|line manager|director|landlord)",
             r"(?:this is|it'?s|i'?m) (?:your (?:\w+'s )?|the )?(?:class |form )?teacher",
             r"(?:this is|it'?s|i'?m) (?:your )?(?:old friend|old colleague|neighbour from)"],
         zh=[r"我是(?:你|您)?(?:的)?(?:领导|老板|经理|主任|局长|处长|科长|董事长|班主任|老同学|老战友|老朋友)",
             r"我是(?:孩子|你儿子|你女儿|您孙子|您孙女|你孙子|你孙女)的(?:班主任|老师)", r"家长(?:您好|你好)",
             r"我是[^。!?,]{0,8}(?:学校|班)的(?:班主任|老师)",
             r"(?:领导|老板|班主任|老师)[^。!?]{0,12}(?:转账|打款|汇款|交钱|转(?:给|到)|资料费|补课费|报名费|借)"]),
    _cue("romance", "romance", "an online sweetheart or a stranger abroad", "网恋/境外\"知己\"", 0.25,
         en=[r"my (?:darling|sweetheart|beloved|dear love|love,)", r"(?:soldier|army (?:doctor|officer|general)|"
             r"peacekeeper|surgeon|engineer) (?:stationed|serving|working|deployed) (?:in|on|abroad|overseas)",
             r"stationed (?:abroad|overseas|in)", r"oil rig", r"dating (?:site|app)", r"marry you",
             r"our future together", r"(?:met|chatting) (?:online|on facebook)",
             r"(?:sent|send|ship|shipped) (?:you )?(?:a |the )?(?:box|gift|parcel|package)(?: of \w+)?(?: \w+){0,3} "
             r"(?:customs|held|stuck|fee)"],
         zh=[r"网恋", r"交友(?:网站|平台|软件)", r"(?:在|驻)(?:国外|海外|叙利亚|中东)(?:当|做|工作|维和|服役|打仗)",
             r"维和", r"军医", r"石油平台", r"亲爱的", r"嫁给你|娶你", r"我们的未来", r"寄(?:了)?(?:一份|一个|一箱)?礼物"]),
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
             r"(?:officers?|police|bailiffs|agents) (?:are|will be|is) (?:on (?:their|the|his|her) way|coming|sent)",
             r"(?:deported|deportation)", r"(?:fraud|crime|drugs?) (?:case|investigation)"],
         zh=[r"洗钱", r"涉嫌", r"通缉", r"逮捕", r"立案", r"涉案", r"冒用.{0,6}身份", r"非法集资", r"卷入",
             r"(?:诈骗|洗钱|贩毒|走私|非法集资|刑事)案", r"涉及(?:一起|一宗)?(?:案件|犯罪|违法)", r"违法犯罪",
             r"身份(?:证)?(?:信息)?(?:被人?|遭)(?:冒用|盗用|泄露)", r"被(?:人)?(?:盗刷|冒用|盗用)", r"(?:大量)?刷(?:药|卡)",
             r"拘留", r"起诉(?:您|你)", r"(?:追究|承担)(?:法律|刑事)责任", r"上(?:了)?黑名单", r"征信黑名单"]),
    _cue("cooperate_investigation", "impersonation", "asks you to cooperate with an \"investigation\"",
         "要求配合\"调查\"", 0.25,
         en=[r"(?:cooperate|co-operate|assist) (?:with )?(?:the |our |an |this )?(?:investigation|police|enquiries|"
             r"inquiry)",
             r"help (?:us|with) (?:the|our|an|this) (?:investigation|enquiries|case)",
             r"(?:transfer|put|connect) you (?:through )?to (?:the |a )?(?:police|officer|detective|investigator)",
             r"(?:catch|trace|track down) the (?:criminals|fraudsters|gang|thieves)",
             r"(?:test|check|catch|trap|expose) (?:the|a|your) (?:cashier|bank staff|teller|bank clerk|branch staff)",
             r"(?:caught|arrested|found|stopped) (?:someone|a man|a woman|a gang|people|a suspect)(?: \w+){0,4} "
             r"(?:with|using) your"],
         zh=[r"配合(?:警方|公安|我们|调查|做笔录|核查|审查|侦查|办案)", r"做(?:个)?笔录",
             r"(?:给|帮)(?:您|你)转(?:接)?(?:到)?(?:当地)?(?:公安|派出所|警方|警官|检察院)", r"转接(?:到)?(?:当地)?(?:公安|警方|派出所)"]),
    _cue("account_frozen", "impersonation", "says an account or card is frozen, hacked or at risk",
         "称账户或卡被冻结/被盗/异常", 0.3,
         en=[r"(?:account|card|pension|benefits?|licence|license|subscription|membership|line|service|icloud|apple id|"
             r"email|computer|phone|router|wifi|broadband|ip address|device|laptop|password) (?:has been |will be |"
             r"is |was |got |have been )?"
             r"(?:frozen|suspended|locked|blocked|closed|restricted|compromised|cancell?ed|terminated|cut off|hacked|"
             r"breached|infected|at risk|disconnected|on hold)",
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
             r"(?:养老金|退休金|社保|医保)[^。!?]{0,6}(?:异常|停发|暂停|冻结|取消|资格)", r"(?:被)?盗刷", r"被黑客"]),
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
             r"被退回|拦截)", r"违禁(?:品|物品)", r"派送失败", r"地址(?:不详|有误|错误|不全)"]),
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
         en=[r"safe(?:ty)? account", r"secure account", r"holding account", r"protected account",
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
             r"(?:转|打|汇|存)(?:到|入)(?:我们)?(?:给(?:您|你)的|提供的|指定的|安排的)(?:这个)?(?:账户|账号|卡)"]),
    _cue("code_request", "verification_code", "asks for a verification code / PIN", "索要验证码/密码", 0.7,
         en=[rf"(?:{_ASK_VERBS})(?: (?:it|them))?(?: (?:to|back to))? (?:me|us)(?: \w+){{0,4}} "
             r"(?:code|codes|otp|pin|passcode|password|numbers|digits)",
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
             r"[^.!?]{0,20}(?:to|for) (?:me|us)"],
         zh=[rf"{_ZH_TO_ME}(?:一下)?(?:您|你)?(?:收到的|手机上的|刚才的|刚刚的|短信上的|短信里的)?(?:短信)?"
             r"(?:验证码|动态码|校验码|密码)",
             r"(?:把|将)(?:您|你)?(?:收到的|手机上的|短信里的|短信上的|刚才的|刚刚的)?(?:短信)?(?:验证码|动态码|校验码|密码)"
             r".{0,6}(?:告诉|报|念|读|发|给)(?:我|我们|工作人员|客服)",
             r"验证码(?:是多少|多少|发过来|报一下|念一下|读一下|告诉我|发我)",
             r"(?:提供|报|念|读)(?:一下)?(?:您|你)?(?:收到的|手机上的|刚才的)?(?:短信)?(?:验证码|动态码|校验码)",
             r"收到[^。!?]{0,8}(?:数字|短信|验证码|动态码)[^。!?]{0,12}(?:发|告诉|报|念|读)(?:给)?(?:我|我们)",
             rf"(?:把|将)[^。!?]{{0,14}}{_ZH_CODE}[^。!?]{{0,8}}{_ZH_TO_ME}",
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
             r"(?:with|using|by) (?:a |your )?(?:debit|credit) card (?:over the phone|now|today)"],
         zh=[r"(?:银行卡|卡)号?(?:和|及|跟|、)?密码", r"(?:密码|安全码)(?:告诉|报|发)", r"网银(?:密码|账号)",
             r"提供(?:您的|你的)?(?:银行卡号|卡号|银行卡信息|身份证号|银行卡|账号)",
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
             r"(?:buy|top up|load) (?:a |some )?(?:vouchers?|paysafe|prepaid cards?)"],
         # "转入活期" (a bank moving your own deposit) is not a request: a transfer needs someone else's account.
         zh=[r"(?<!收到)(?<!到账)转账(?!\d+元已)", r"汇款", r"打款", r"打钱", r"(?:转|汇)(?:到|入|给)(?:这个|指定|我的|我们的|他的|对方|下面的|以下|一个|平台)",
             r"(?:往|打到|转到|汇到|打进|存到|存入)(?:这个|我的|我|他的|我同事的|同事的|指定的|对方的?)?(?:卡|账户|账号)",
             r"(?:钱|存款|资金|退休金|积蓄|养老钱)[^。!?,]{0,6}(?:转(?:过去|出去|走|到|入)|投进来|投进去|投入|拿出来)",
             rf"{_ZH_NUM}+(?:万|千)(?:块|元)?钱?", r"取(?:出)?(?:现金|钱)",
             r"(?:现金|钱)(?:送|交)(?:给|到)", r"保释金", r"罚(?:款|金)", r"上门取(?:钱|现金|卡)",
             r"(?:微信|支付宝)(?:转|打)(?:给)?(?:我|他|她)", r"(?:先)?借(?:给)?(?:我|点)(?:一)?(?:点|些)?(?:钱)?",
             r"(?:转|打|汇)(?:给)?我(?:一下|点|些)?",
             r"(?:交|缴|付|支付)(?:一笔|一下)?(?:钱|费用|款|押金|定金)", r"垫付", r"充值", r"先(?:交|付|缴|转|打)"]),
    _cue("payment_request", "money_request", "asks you to pay something", "要求付款", 0.2, group="money",
         unless=_NO_FEE, unless_in_text=_BILL_NOTICE,
         en=[r"(?:need|have|has|must|got) to (?:pay|settle|cover)", r"(?:please|just|simply|kindly|can you|could you|"
             r"you can|you must|you should|you'll need to|you will need to) (?:\w+ )?(?:pay|settle|cover)",
             r"(?:pay|settle) (?:it |this |that |the \w+ )?(?:now|today|immediately|online|over the phone|by card)",
             r"(?:cover|pay for) (?:the )?(?:£ ?[\d.]+ |\$ ?[\d.]+ )?(?:\w+ )?(?:charge|fee|cost|postage|shipping)",
             r"(?:pay|settle|cover) (?:a |the |this |my |some )?(?:\w+ )?(?:bill|invoice|payment|fees?) for me",
             r"(?:requires?|needs?|wants?) (?:a |the |an )?(?:\w+ )?(?:deposit|payment|fee) (?:before|to|first|upfr"
             r"ont)",
             r"(?:pays?|paying|sends?) (?:£|\$|€) ?\d[\d,.]*"],
         zh=[r"(?<![无不毋])(?:需要|需|要|请|麻烦)(?:您|你)?(?:先)?(?:支付|付款|缴纳|交纳|交|缴|付)",
             r"(?<![无不毋])(?:需要|需|要|请|麻烦)(?:您|你)?[^。!?,]{0,6}(?:支付|付款|缴纳|交纳)",
             r"(?:并|然后|再)(?:支付|付款|缴纳)", r"(?:扫码|点击)(?:支付|付款|缴费)", r"支付(?:运费|邮费|费用)"]),
    _cue("gift_card_payment", "money_request", "asks for payment in gift cards", "要求用礼品卡/充值卡付款", 0.55,
         en=[r"pay(?: \w+){0,3} (?:with|in|using|by) (?:gift|itunes|google play|steam|amazon|apple) ?cards?",
             r"buy(?: \w+){0,4} (?:gift|itunes|google play|steam|amazon|apple) ?cards?",
             r"(?:read|send|tell)(?: \w+){0,2} (?:me )?the (?:numbers?|codes?) on the back", r"gift cards?"],
         zh=[r"(?:买|购买|充值)(?:一些|几张)?(?:礼品卡|充值卡|购物卡|游戏卡|点卡)", r"卡(?:背面|后面)的(?:卡密|密码|数字)",
             r"卡密"]),
    _cue("crypto", "money_request", "mentions crypto-currency payment", "涉及虚拟货币", 0.3,
         en=[r"bitcoin(?: atm)?", r"crypto(?:currency|currencies)?", r"usdt", r"tether", r"ethereum", r"binance"],
         zh=[r"比特币", r"虚拟货币", r"数字货币", r"usdt", r"泰达币", r"炒币", r"币圈"]),
    _cue("price_offer", "money_request", "a price or limited offer", "报价/限时优惠", 0.1,
         en=[r"special offer", r"order now", r"discount", r"(?:only|just) £ ?\d+", r"(?:only|just) \$ ?\d+",
             r"per bottle", r"buy (?:one|two|three|\d) (?:get|and get) (?:one|two|\d)(?: \w+)? free",
             r"(?:pensioners?'?|seniors?'?|special|introductory|members?'?) (?:price|rate|discount)",
             r"(?:\w+-month|\d+ ?month) supply", r"half price", r"\w+ (?:bottles|boxes|packs) left",
             r"(?:£|\$) ?\d+ (?:a|per) (?:box|bottle|pack|month|course)"],
         zh=[r"\d+元", r"优惠", r"特价", r"订购", r"下单", r"原价", r"只要\d+", r"活动价",
             r"现价", r"仅需", r"[\d一二三四五六七八九十百千]+块钱?", r"买[一二三四五六\d]+(?:盒|瓶|箱|疗程|个)?送",
             r"打[一二三四五六七八九\d]折", r"现场购买", r"团购价"]),
    # -- pressure ---------------------------------------------------------------------------------------
    _cue("urgency", "urgency_secrecy", "pushes you to act immediately", "催促马上行动", 0.12,
         en=[r"immediately", r"right now", r"right away", r"urgent(?:ly)?", r"as soon as possible", r"asap",
             r"within (?:the next )?\d+ (?:minutes|hours)", r"today only", r"before it'?s too late",
             r"last chance", r"final (?:notice|warning|reminder)", r"act now", r"time is running out", r"hurry",
             r"limited (?:places|spaces|spots|offer|stock)", r"(?:places|spaces|spots) (?:are )?(?:limited|left)",
             r"(?:by|before) (?:the end of )?(?:today|tonight|midnight)", r"or (?:else )?(?:you will|it will|we will)",
             r"otherwise"],
         zh=[r"马上", r"立即", r"立刻", r"赶紧", r"赶快", r"尽快", r"紧急", r"十万火急", r"来不及", r"最后(?:一次|期限|机会)",
             r"今天(?:之内|内|必须|截止|就要)", r"(?:\d+|一|两|二|三|几|半)个?(?:小时|分钟)内", r"限时", r"过期作废",
             r"名额(?:有限|不多)", r"否则", r"不然", r"逾期", r"即将(?:清零|过期|到期|失效|冻结)", r"急死了", r"急用"]),
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
             r"?\w+"],
         zh=[r"(?:不要|别|不能|不准|不许|千万别|千万不要|不得|先别|暂时别|不可以)(?:告诉|跟|和|对|让|通知|向)(?:你的?|您的?)?"
             r"(?:家人|家里人|家里|子女|儿女|孩子|儿子|女儿|老伴|任何人|别人|其他人|亲戚|银行|柜台|我爸妈|我爸|我妈|爸妈|"
             r"爸爸|妈妈|老公|老婆|奶奶|爷爷|外婆|外公|姥姥|姥爷|老伴|警察|民警|派出所|工作人员|外人)(?![^。!?,]{0,4}(?:验证码|密码|动态码))",
             r"保密", r"秘密(?:调查|侦查|案件|行动)", r"(?:不要|别|不能|不许)挂(?:断)?(?:电话)?", r"声张", r"外泄",
             r"(?:银行|柜员|柜台)[^。!?]{0,6}(?:参与|内鬼|同伙)", r"守口如瓶", r"(?:就说|就讲)是(?:给|借|买|亲戚|朋友|装修)",
             r"(?:一个人|单独)(?:去|到)(?:宾馆|酒店)", r"(?:开个?|住进)(?:房间|宾馆)"]),
    # -- relatives ----------------------------------------------------------------------------------------
    _cue("relative_impersonation", "relative_in_trouble", "caller hides who they are or has a \"new number\"",
         "对方身份不明/称换了号码", 0.3,
         en=[r"guess who(?: this is| it is|'s calling| i am)?", r"don'?t you recogni[sz]e (?:my voice|me)",
             r"it'?s your (?:favourite|favorite) (?:grandson|granddaughter)",
             r"(?:this is|here is|it'?s) my new (?:number|phone)", r"(?:i|i've) (?:lost|broke|changed|dropped|smashed|"
             r"cracked) my phone", r"my (?:phone|mobile) (?:is|was|got) (?:broken|lost|stolen|dead|smashed|damaged)",
             r"(?:temporary|friend'?s|borrowed|new) (?:one|phone|mobile|number)(?: for now)?",
             r"(?:nan|nana|gran|granny|grandma|grandpa|grandad|mum|mom|dad),? it'?s me[,.!]",
             r"(?:it'?s|this is) your (?:grandson|granddaughter|nephew|niece)(?![a-z ]*\b[a-z]+,)"],
         zh=[r"猜猜我是谁", r"你猜我是谁", r"听不出我(?:的声音)?(?:了)?", r"我换(?:号|号码|手机号|手机)了",
             r"这是我(?:的)?新(?:号|号码|手机号)", r"手机(?:掉了|丢了|坏了|摔坏|进水|被偷)",
             r"(?:奶奶|爷爷|外婆|外公|姥姥|姥爷|妈|爸)[,，]?是我(?:啊|呀)",
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
             r"(?:can't|cannot) (?:access|get into|use) my (?:bank|account|card|money|banking)",
             r"(?:hospital|medical|vet|lawyer'?s?) (?:bill|fees?)",
             r"(?:in|from) (?:a police station|the cells|custody)"],
         zh=[r"(?:我|孙子|孙女|儿子|女儿|外孙|外孙女|你儿子|你女儿|你孙子|您孙子|您儿子)(?:出事了|出了点事|出了事|遇到(?:了)?麻烦|"
             r"惹(?:了)?(?:点)?(?:麻烦|事)|被(?:抓|拘留|扣|打)|(?:在|进了)(?:派出所|看守所)|撞(?:了|伤了?)人|把人(?:打|撞)伤|"
             r"住院|出车祸|受伤)",
             r"出车祸", r"急需(?:用)?钱", r"急用钱", r"赌博被抓", r"私了", r"赔(?:人家|对方)(?:钱)?",
             r"钱包(?:被偷|被抢|丢)了?", r"被(?:偷|抢|骗)了", r"身上(?:没钱|一分钱都没有)", r"应(?:应)?急", r"回不来",
             r"(?:手术|医药|住院|抢救|治疗)费", r"在医院抢救", r"保释", r"(?:学费|报名费|罚款|押金)(?:没|还没)(?:交|凑)",
             r"(?:没|还没)(?:交上|凑够|凑齐)", r"别问(?:了|那么多)"]),
    # -- health ---------------------------------------------------------------------------------------------
    _cue("health_cure", "health_products", "promises a miracle cure", "宣称神奇疗效/根治", 0.55,
         en=[r"miracle (?:cure|remedy|supplement|pill|water|device)",
             r"cures? (?:cancer|diabetes|arthritis|dementia|alzheimer'?s|high blood pressure|everything|all)",
             r"reverses? (?:diabetes|ageing|aging|dementia|arthritis|heart disease)",
             r"(?:stop|no need to take|throw away|no more|quit|give up|no longer need|come off|ditch) (?:taking )?"
             r"(?:your |their |all )?(?:\w+ ){0,2}(?:medication|medicine|medicines|pills|insulin|tablets|painkillers|"
             r"statins|injections|drugs)",
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
             r"专治", r"永不复发", r"(?:一个|几个|三个)疗程(?:就)?(?:好|治好|见效|痊愈)", r"(?:癌症|肿瘤)[^。!?]{0,6}(?:消失|治好|克星)"]),
    _cue("pseudo_science", "health_products", "pseudo-scientific health claims", "伪科学养生说法", 0.3,
         en=[r"quantum (?:energy|healing|water|device)", r"copper (?:insoles|bracelets?)", r"detox(?:ify|ing)?",
             r"cleans? (?:your |the )?(?:arteries|blood|blood vessels)", r"energy (?:water|stones?|bracelets?)",
             r"(?:special|secret|ancient|patented) (?:herbal )?(?:formula|recipe|remedy)",
             r"(?:herbal|natural) (?:remedy|formula|capsules)", r"stem[- ]cells?", r"nano ?technology"],
         zh=[r"量子", r"能量(?:杯|水|床|鞋|石|仪)", r"清(?:理|除)?血管(?:里的)?(?:垃圾)?", r"排毒", r"净化血液", r"血管(?:里的)?垃圾",
             r"灵芝孢子粉", r"孢子粉", r"(?:调理|调养)身体", r"秘方", r"负离子", r"磁疗", r"石墨烯"]),
    _cue("health_product", "health_products", "sells health products", "推销保健品", 0.15,
         en=[r"supplements?", r"health products?", r"wellness (?:products?|devices?)", r"magnetic (?:bracelet|"
             r"mattress|insoles?)", r"therapy device", r"herbal (?:tea|capsules|pills)", r"(?:capsules|tonic)"],
         zh=[r"保健品", r"保健(?:产品|食品)", r"理疗仪", r"磁疗", r"养生(?:产品|馆|锅|壶)", r"(?:专家)?(?:义诊|健康讲座)",
             r"灵芝", r"(?:送|领)鸡蛋", r"深海鱼油", r"(?:听|参加)(?:健康)?讲座"]),
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
             r"好多(?:退休|老人|老干部)[^。!?]{0,8}(?:都)?(?:投|参加|买)", r"收益(?:率)?(?:高|稳定|可观)",
             r"(?:投资|理财)(?:项目|平台)", r"(?:每月|每个月|每年|每天|每周)(?:都)?(?:给(?:您|你))?返", r"回本"]),
    # -- remote control ------------------------------------------------------------------------------------
    _cue("remote_tool", "remote_control", "asks for remote access or screen sharing", "要求远程控制/共享屏幕", 0.55,
         en=[r"anydesk", r"teamviewer", r"quick ?support", r"rustdesk", r"ultraviewer", r"logmein", r"supremo",
             r"remote (?:access|desktop|control|support|assistance)", r"share (?:your |the )?screen",
             r"screen ?shar(?:e|ing)",
             r"(?:give|let) (?:me|us|our (?:engineer|technician)) (?:access|control)(?: to)?(?: your)? (?:computer|"
             r"phone|"
             r"laptop|tablet|mouse|screen)",
             r"connect (?:to|into) your (?:computer|laptop|pc|phone|device|tablet)", r"(?:take|get) control of your",
             r"take over (?:the |your )?(?:mouse|computer|screen|laptop|pc|phone|device)",
             r"(?:show|let) (?:me|us) (?:see )?(?:your|the) screen"],
         zh=[r"屏幕共享", r"共享(?:一下)?屏幕", r"远程(?:控制|协助|操作|桌面)", r"向日葵", r"todesk", r"anydesk",
             r"teamviewer", r"(?:开|打开|进)(?:一个)?(?:视频)?会议[^。!?]{0,6}(?:共享|屏幕)", r"(?:开启|打开)共享",
             r"投屏", r"(?:把|将)(?:手机)?屏幕(?:给|让)(?:我|我们)看", r"屏幕(?:给|让)(?:我|我们)看"]),
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
             r"(?:type|enter|put) (?:\S+ )?(?:in|into) (?:your|the) (?:browser|address bar|search bar)"],
         zh=[r"(?:按|照)(?:我|我们)(?:说的|的指示|的指导|的步骤)(?:操作|做|点|来)?", r"我(?:来)?(?:教|指导|带)(?:您|你)(?:操作|在手机上|装|下载|设置|点)",
             r"(?:打开|登录)(?:您的|你的)?(?:手机银行|网银|支付宝|微信)[^。!?]{0,6}(?:操作|点|转)", r"一步一步(?:操作|来)"]),
    _cue("install_app", "remote_control", "asks you to install an app / says your device is hacked",
         "要求安装软件/称设备中毒", 0.25,
         en=[r"(?:download|install)(?: \w+){0,3} (?:app|application|software|program|tool)",
             r"install (?:anydesk|teamviewer|it)", r"(?:app|software) (?:so (?:i|we) can|to let (?:me|us))",
             r"your (?:computer|phone|device|router|laptop) (?:has a virus|is infected|is sending|has been hacked"
             r"|has been compromised)", r"(?:virus|malware)"],
         zh=[r"(?:下载|安装|装)[^。!?,]{0,8}(?:app|软件|应用|程序|客户端|会议|插件)", r"(?:电脑|手机)(?:中毒|被黑|有病毒)",
             r"病毒", r"扫(?:一扫|码)(?:下载|安装)"]),
    # -- lures and fees -----------------------------------------------------------------------------------
    _cue("prize", "refund_prize_fee", "says you have won a prize or a free gift", "称您中奖/获赠", 0.35,
         en=[r"you(?:'ve| have)? (?:won|been (?:selected|chosen|picked|awarded))", r"winner", r"prize", r"lottery",
             r"jackpot",
             r"sweepstakes?", r"lucky (?:draw|customer|winner|visitor|number)", r"free (?:\w+ ){0,3}(?:is |has been )?"
             r"reserved for you", r"(?:reserved|set aside) for you", r"claim your (?:free |\w+ )?(?:gift|reward|prize)",
             r"free gift"],
         zh=[r"中奖", r"获奖", r"大奖", r"幸运(?:用户|观众|客户|儿|会员)", r"抽中", r"奖品", r"奖金", r"彩票",
             r"积分(?:即将|马上|快要|将)?(?:清零|过期|到期|作废)", r"积分兑换", r"兑换(?:价值|礼品|现金)",
             r"免费(?:领取|领|送|获得)", r"(?:领取|获得)[^。!?]{0,4}(?:资格|礼品|大礼包)", r"回馈(?:老客户|客户)"]),
    _cue("refund", "refund_prize_fee", "offers a refund, compensation or a grant", "称可退款/理赔/领补贴", 0.2,
         en=[r"refund(?:ed|s)?", r"compensation", r"rebate", r"overpaid", r"owed (?:money|a refund)",
             r"claim (?:your|the) (?:money|refund|compensation|grant|payment)", r"(?:qualify|eligible) for",
             r"grant of", r"(?:government|energy|cost of living|winter fuel) (?:grant|payment|support|rebate)"],
         zh=[r"退款", r"退费", r"理赔", r"赔偿", r"补贴", r"补偿", r"退税", r"多扣", r"补助", r"返还", r"退保",
             r"双倍赔", r"三倍赔", r"赔付"]),
    _cue("loan_offer", "refund_prize_fee", "offers a loan or a credit limit", "称贷款已批/可提额度", 0.25,
         en=[r"(?:loan|credit) (?:has been |is )?(?:approved|pre-approved|ready)", r"(?:no credit check|bad credit ok)",
             r"(?:instant|guaranteed|low[- ]interest) (?:loan|cash|credit)"],
         zh=[r"贷款(?:已)?(?:审批|批下来|通过|到账|额度)", r"(?:额度|借款)(?:已)?(?:批|审批|通过|提升)", r"(?:无抵押|低息|免息|秒批)(?:贷款|借款)?",
             r"(?:放款|提现)失败"]),
    _cue("upfront_fee", "refund_prize_fee", "asks for a fee to release money, a loan or a parcel",
         "要求先交手续费/保证金", 0.5, unless=_NO_FEE,
         en=[r"(?:processing|handling|release|admin(?:istration)?|clearance|activation|unlock(?:ing)?|"
             r"redelivery|transfer|insurance|delivery|shipping|postage|registration|verification|customs|courier|"
             r"service|unfreez(?:e|ing)|withdrawal|tax) (?:fee|charge|cost)s?",
             r"(?:pay|paying)(?: \w+){0,3} (?:customs|duty|taxes) (?:to|before)", r"small fee",
             r"(?:fee|charge|tax) (?:to|before) (?:release|receive|claim|collect|unlock)",
             r"(?:just|only) (?:cover|pay) (?:the )?(?:£|\$)",
             r"(?:fee|charge|tax|duty|payment) (?:of )?(?:£|\$|€)? ?[\d,.]+ (?:\w+ )?(?:to|before) (?:release|receive|"
             r"claim|collect|unlock|clear|get)"],
         zh=[r"手续费", r"保证金", r"解冻费", r"激活费", r"税费", r"工本费", r"公证费", r"先(?:交|付|缴)",
             r"(?:交|付|缴)(?:纳)?[^。!?]{0,4}(?:费|金)(?:才能|后|即可)", r"(?:运费|邮费)", r"认证费", r"服务费",
             r"关税", r"刷流水", r"会员费", r"入会费", r"(?:才能|方可)(?:放款|到账|提现|解冻|领取|放行)", r"个(?:人所得)?税"]),
    # -- phishing links ---------------------------------------------------------------------------------
    _cue("link", "phishing", "contains a link", "包含链接", 0.1,
         en=[r"https?://\S+", r"www\.\S+", r"(?:click|tap|visit|open|follow)(?: on)? (?:the |this )?link"],
         zh=[r"点击(?:下方|以下)?链接", r"(?:登录|打开)[^。!?]{0,6}(?:链接|网址|网站)", r"点(?:击|开)?[^。!?]{0,4}链接"]),
    _cue("suspicious_link", "phishing", "links to a web address of a kind fraud often uses", "链接网址可疑", 0.3,
         en=[r"[a-z0-9-]+\.(?:xyz|top|cc|vip|click|link|shop|info|icu|buzz|live|online|site|store|cn\.com|support|"
             r"help|cam|rest|sbs|cfd)(?:/\S*)?"]),
    _cue("contact_off_channel", "phishing", "asks you to continue on a private chat", "要求添加客服/私聊", 0.15,
         en=[r"(?:add|message|text|contact) (?:me|us) on (?:whatsapp|telegram|wechat|signal)", r"join (?:our|my|the) "
             r"(?:whatsapp|telegram|wechat) group", r"(?:whatsapp|telegram) (?:me|us)"],
         zh=[r"添加(?:客服|微信|qq|好友|群)", r"加(?:一下)?(?:客服)?(?:的)?(?:微信|qq)(?:群)?", r"进群", r"拉你进",
             r"加(?:一下)?客服"]),
    _cue("verify_details", "phishing", "asks you to verify or update your details", "要求验证/更新个人信息", 0.3,
         en=[r"(?:verify|confirm|update|reactivate|unlock|validate|re-?enter|enter(?:ing)?|provide|submit) (?:your )?"
             r"(?:account|details|identity|card|information|payment|bank details|card details|personal details)",
             r"register you", r"(?:fill in|complete) (?:the |a |your )?(?:claim )?form"],
         zh=[r"(?:认证|验证|激活|更新|核实|填写)(?:您的|你的)?(?:账户|信息|身份|银行卡|资料|收货信息)",
             r"(?:配合|需要)(?:核实|核对|登记)(?:身份|信息)"]),
)
"""Every text cue; weights were set by hand so that one claim alone stays low and a claim with an ask is high."""

CUE_BY_ID = {c.id: c for c in CUES}

# Who the caller claims to be, and the pretexts officials are used for.
_OFFICIALS = {"authority_police", "authority_procuratorate", "authority_court", "authority_social_security",
              "authority_customs"}
_CLAIMS = {*_OFFICIALS, "authority_bank", "authority_tech", "authority_merchant", "accusation", "account_frozen",
           "parcel_problem", "credit_threat", "subscription_trap", "money_protection", "cooperate_investigation"}
_MONEY = {"safe_account", "money_transfer", "payment_request", "gift_card_payment", "crypto", "upfront_fee"}
_ASKS = {"safe_account", "money_transfer", "gift_card_payment", "crypto", "code_request", "card_details",
         "remote_tool", "upfront_fee"}
# Any story that sets up an ask: who they claim to be, what went wrong, what you won, who is in trouble.
_PRETEXTS = {*_CLAIMS, "boss_teacher", "romance", "relative_impersonation", "relative_trouble", "prize", "refund",
             "loan_offer",
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
    _combo("combo_urgency_secrecy", "urgency together with secrecy", "催促并要求保密", 0.3, {"urgency"}, {"secrecy"}),
    _combo("combo_secrecy_ask", "secrecy together with a request for money or codes", "要求保密并索要钱财或验证码",
           0.4, {"secrecy"}, _ANY_ASK),
    _combo("combo_lure_fee", "a prize or refund that needs a fee, details or a link", "中奖/退款却要先交费、填信息或点链接",
           0.4, {"prize", "refund", "parcel_problem", "loan_offer"},
           {"upfront_fee", "card_details", "code_request", "link", "suspicious_link", "verify_details",
            "money_transfer", "payment_request", "contact_off_channel", "install_app", "meeting_app"}),
    _combo("combo_investment_money", "an investment pitch asking for money, an app or crypto",
           "投资推销要求转账、下载软件或虚拟货币", 0.35,
           {"guaranteed_returns", "high_returns"},
           {"money_transfer", "payment_request", "install_app", "remote_tool", "crypto", "link", "suspicious_link",
            "urgency", "secrecy", "contact_off_channel", "guaranteed_returns"}),
    _combo("combo_investment_promise", "high returns and a guarantee together", "高回报加保本承诺", 0.3,
           {"high_returns"}, {"guaranteed_returns"}),
    _combo("combo_health_sale", "a cure claim with a sales pitch", "宣称疗效并推销", 0.4,
           {"health_cure", "pseudo_science"},
           {"price_offer", "money_transfer", "payment_request", "urgency", "health_product", "prize"}),
    _combo("combo_remote_money", "remote access around money or accounts", "以远程控制操作账户或钱款", 0.4,
           {"remote_tool", "install_app", "meeting_app", "guided_operation"},
           {"authority_bank", "refund", "account_frozen", "money_transfer", "authority_tech", "verify_details",
            "subscription_trap", "authority_merchant", "parcel_problem", "credit_threat", *_OFFICIALS}),
    _combo("combo_account_link", "an account problem with a link to fix it", "称账户异常并附链接", 0.35,
           {"account_frozen", "accusation", "credit_threat", "subscription_trap"},
           {"link", "suspicious_link", "verify_details"}),
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
    r"\b(?:never|beware|be wary|watch out|be careful|warning|if (?:someone|anyone|somebody|a caller|a stranger)|"
    r"won't|will not|would not|wouldn't|no genuine|no real|no bank|no police|scams? (?:often|usually|where|that)|"
    r"(?:anyone|someone|anybody|a caller) (?:who )?(?:asks|asking|calls|calling|tells|telling|says|saying)|"
    r"pretend(?:ing|s)? to be|impersonat\w*|posing as|claiming to be|criminals (?:are|may)|fraudsters (?:are|may))\b"
    r"|冒充|假冒|自称|不会|绝不|决不|从不|从来不|谨防|警惕|防范|小心|切勿|请勿|凡是|如果有人|有人(?:让|叫|要求)|一律")
# Later in the same sentence: "...转到安全账户的都是诈骗", "... is a scam".
_WARNING_AFTER = re.compile(r"\b(?:is|are|it's) (?:always |definitely |certainly )?(?:a )?"
                            r"(?:scam|scams|fraud|scammers?|fraudsters?)\b|(?:都|均|一律|肯定|就)?(?:是|为)(?:诈骗|骗局|骗子)")
# Just before the match: "do not share your code", "无需转账".
_NEGATION_NEAR = re.compile(r"\b(?:not|don't|do not|no need to|never)\b(?: \S+){0,3} ?$|(?:不要|别|勿|无需|不用|不需要|没有)"
                            r"[^。!?,;]{0,3}$")
_SENTENCE_END = re.compile(r"[.!?。!?;\n]")


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
        parts = []
        for group in combo.groups:
            hit = next((fired[i] for i in sorted(group, key=lambda i: -CUE_BY_ID[i].weight) if i in fired), None)
            if hit is None:
                break
            parts.append(hit.text)
        else:
            fired[combo.id] = CueMatch(combo.id, "combination", combo.label_en, combo.label_zh, " + ".join(parts),
                                       combo.weight)
            specific_fired = specific_fired or not combo.fallback
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
