"""Fanyigou's languages, industries and text-translation directions, as data.

Codes are transhub's canonical ones (BCP 47 style) mapped to Fanyigou's own, which
differ from ISO 639-1 in several places (``jp``, ``kor``, ``fra``, ``cht``…).
"""

from __future__ import annotations

from transhub.errors import InputError

#: Canonical code → Fanyigou code, in the reference's order ("语言列表").
CODES: dict[str, str] = {
    "zh": "zh", "ja": "jp", "th": "th", "fr": "fra", "en": "en", "es": "spa", "ko": "kor",
    "tr": "tr", "vi": "vie", "ms": "ms", "de": "de", "ru": "ru", "ar": "ara", "et": "est",
    "be": "be", "bg": "bul", "hi": "hi", "is": "is", "fil": "tl", "tl": "tl", "fi": "fin",
    "nl": "nl", "ca": "ca", "cs": "cs", "hr": "hr", "lv": "lv", "lt": "lt", "ro": "rom",
    "no": "no", "pt": "pt", "sv": "swe", "sr": "sr", "eo": "eo", "sk": "sk", "sl": "slo",
    "sw": "sw", "uk": "uk", "he": "iw", "el": "el", "hu": "hu", "hy": "hy", "it": "it",
    "id": "id", "sq": "sq", "am": "am", "az": "az", "eu": "eu", "bn": "bn", "bs": "bs",
    "gl": "gl", "ka": "ka", "gu": "gu", "ig": "ig", "ga": "ga", "zu": "zu", "kn": "kn",
    "kk": "kk", "ky": "ky", "lb": "lb", "mk": "mk", "mt": "mt", "mi": "mi", "mr": "mr",
    "ne": "ne", "pa": "pa", "si": "si", "ta": "ta", "te": "te", "ur": "ur", "uz": "uz",
    "cy": "cy", "yo": "yo", "zh-Hant": "cht",
}  # fmt: skip

#: The Chinese names the service uses in ``fromLan``/``toLan`` → canonical code.
CHINESE_NAMES: dict[str, str] = {
    "中文": "zh", "日语": "ja", "泰语": "th", "法语": "fr", "英语": "en", "西班牙语": "es",
    "韩语": "ko", "土耳其语": "tr", "越南语": "vi", "马来语": "ms", "德语": "de", "俄语": "ru",
    "阿拉伯语": "ar", "爱沙尼亚语": "et", "白俄罗斯语": "be", "保加利亚语": "bg", "印地语": "hi",
    "冰岛语": "is", "菲律宾语": "fil", "芬兰语": "fi", "荷兰语": "nl", "加泰罗尼亚语": "ca",
    "捷克语": "cs", "克罗地亚语": "hr", "拉脱维亚语": "lv", "立陶宛语": "lt", "罗马尼亚语": "ro",
    "挪威语": "no", "葡萄牙语": "pt", "瑞典语": "sv", "塞尔维亚语": "sr", "世界语": "eo",
    "斯洛伐克语": "sk", "斯洛文尼亚语": "sl", "斯瓦希里语": "sw", "乌克兰语": "uk",
    "希伯来语": "he", "希腊语": "el", "匈牙利语": "hu", "亚美尼亚语": "hy", "意大利语": "it",
    "印尼语": "id", "阿尔巴尼亚语": "sq", "阿姆哈拉语": "am", "阿塞拜疆语": "az",
    "巴斯克语": "eu", "孟加拉语": "bn", "波斯尼亚语": "bs", "加利西亚语": "gl",
    "格鲁吉亚语": "ka", "古吉拉特语": "gu", "伊博语": "ig", "爱尔兰语": "ga", "祖鲁语": "zu",
    "卡纳达语": "kn", "哈萨克语": "kk", "吉尔吉斯语": "ky", "卢森堡语": "lb", "马其顿语": "mk",
    "马耳他语": "mt", "毛利语": "mi", "马拉提语": "mr", "尼泊尔语": "ne", "旁遮普语": "pa",
    "僧加罗语": "si", "泰米尔语": "ta", "泰卢固语": "te", "乌尔都语": "ur", "乌兹别克语": "uz",
    "威尔士语": "cy", "约鲁巴语": "yo", "中文繁体": "zh-Hant",
}  # fmt: skip

#: What a source of "detect" is sent as (the reference accepts ``""`` or ``auto``).
AUTO = "auto"

#: Industries 1–26 ("行业列表"): number → (canonical English name, Chinese name).
INDUSTRIES: dict[int, tuple[str, str]] = {
    1: ("law", "法律"),
    2: ("finance", "金融"),
    3: ("agriculture", "农林牧渔"),
    4: ("medicine", "医药卫生"),
    5: ("construction", "建筑建材"),
    6: ("metallurgy-mining", "冶金矿产"),
    7: ("petrochemicals", "石油化工"),
    8: ("water-power", "水利水电"),
    9: ("transport", "交通运输"),
    10: ("information-technology", "信息产业"),
    11: ("machinery", "机械机电"),
    12: ("food", "轻工食品"),
    13: ("textiles", "服装纺织"),
    14: ("professional-services", "专业服务"),
    15: ("safety", "安全防护"),
    16: ("environment", "环保绿化"),
    17: ("tourism", "旅游休闲"),
    18: ("education", "办公文教"),
    19: ("electronics", "电子电工"),
    20: ("toys-gifts", "玩具礼品"),
    21: ("household", "家居用品"),
    22: ("supplies", "物资"),
    23: ("packaging", "包装"),
    24: ("sports", "体育"),
    25: ("office", "办公"),
    26: ("other", "其他"),
}

#: Canonical industry name → the number sent as ``industryId`` (the capability's
#: ``industries`` declaration; the core also accepts the numbers themselves).
INDUSTRY_IDS: dict[str, str] = {name: str(number) for number, (name, _) in INDUSTRIES.items()}


def industry_id(value: str) -> int:
    """The ``industryId`` for an industry given by number, English or Chinese name."""
    key = value.strip().lower()
    if key.isdigit() and int(key) in INDUSTRIES:
        return int(key)
    for number, (name, chinese) in INDUSTRIES.items():
        if key in (name, chinese, name.replace("-", " ")):
            return number
    known = ", ".join(f"{n} {name}" for n, (name, _) in INDUSTRIES.items())
    raise InputError(f"unknown Fanyigou industry {value!r} (known: {known})")


#: ``trans`` directions ("语言方向"): en/ja/ru/ko/de/fr/it → zh and zh/ja/ru/ko/de/fr/it → en.
TEXT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {(source, "zh") for source in ("en", "ja", "ru", "ko", "de", "fr", "it")}
    | {(source, "en") for source in ("zh", "ja", "ru", "ko", "de", "fr", "it")}
)

#: The dictionary looks up English and Chinese words.
DICTIONARY_CODES: dict[str, str] = {"en": "en", "zh": "zh"}


def canonical_of(provider_value: str) -> str | None:
    """The canonical code of a language the service names, by code or Chinese name."""
    value = provider_value.strip()
    if not value or value == AUTO:
        return None
    if value in CHINESE_NAMES:
        return CHINESE_NAMES[value]
    for canonical, own in CODES.items():
        if own == value:
            return canonical
    return None


def detected(provider_value: str | None) -> str | None:
    """A detected language as transhub reports it: canonical codes where known (the
    service may name several, comma-separated), else the service's own text."""
    if not provider_value or not provider_value.strip():
        return None
    parts = [p.strip() for p in provider_value.replace("\uff0c", ",").split(",") if p.strip()]
    shown = [canonical_of(p) or p for p in parts]
    return ",".join(shown) or None
