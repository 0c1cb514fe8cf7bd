"""What Fanyigou publishes, copied here for the emulator from the reference
(``provider-docs/fanyigou-open-api.zh.txt``, with ``fanyigou-notes.md``) — never
imported from the client.

The emulator is a witness: if the client's tables were wrong and the emulator read
them, both would agree and every test would pass.  ``tests/test_emulator_tables.py``
compares these rows with the client's and names any row where they differ.
"""

from __future__ import annotations

MB = 1024 * 1024

# -- codes ("状态码列表") -----------------------------------------------------------------

OK = 100
RATE_LIMITED = 108
NOT_FOUND = 312
RUNNING = 313
DONE = 314
CHANNEL_OCCUPIED = 320
DUPLICATE = 326
PAGES_COUNTED = 330
#: The ``trans`` example answers ``code: 0``, the image progress example ``status: 0``.
ZERO = 0

#: Every code of the reference and its description, verbatim.
STATUS_TEXT: dict[int, str] = {
    # 系统状态码
    100: "请求成功",
    101: "没有访问权限",
    102: "业务停机",
    103: "账户不存在",
    104: "账户异常",
    105: "系统错误",
    106: "参数异常",
    107: "黑名单管控",
    108: "访问地址频率过高",
    109: "该应用不存在",
    110: "该应用尚未启用",
    111: "无该功能权限",
    # 文档状态码
    300: "参数为空",
    301: "文件为空",
    302: "文件类型不支持",
    303: "文件MD5不匹配",
    304: "可用积分不足",
    305: "文档已加密或被保护",
    306: "文档不能识别",
    307: "文档损坏",
    309: "文档无法成功读取或读取超时,请将文件转换成其他版本的word或pdf后再次尝试",
    310: "自动处理超时,等待人工处理",
    311: "文件大小超过限制(50M)",
    312: "该翻译不存在",
    313: "进行中",
    314: "翻译完成",
    315: "正在传递",
    316: "处理超时",
    317: "已取消",
    318: "该文件不存在",
    320: "翻译通道已被占用(不能上传进行翻译,需等待正在翻译的文件翻译结束)",
    321: "没有读取到需要翻译的内容",
    322: "图片文件大小超过限制(20M)",
    323: "图片文件像素超过限制(1000万)",
    324: "图片文件解析失败",
    325: "正在人工处理",
    326: "重复翻译",
    327: "文档页数超限",
    328: "图片生成失败",
    329: "该文档状态异常",
    330: "检测页数完成",
}

# -- limits ("接口说明") ------------------------------------------------------------------

#: uploadTranslate / detectDocPage: "pdf、Microsoft Office(doc、docx、dot、dotx、dotm、
#: docm、xml、odt)、WPS Office(wps、wpt)、xls、xlsx、et、ett、ppt、pptx、dps、dpt、txt、rtf".
DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "dot", "dotx", "dotm", "docm", "xml", "odt", "wps", "wpt", "xls",
     "xlsx", "et", "ett", "ppt", "pptx", "dps", "dpt", "txt", "rtf"}
)  # fmt: skip
#: "上传文件最大50M".
DOCUMENT_MAX_BYTES = 50 * MB
#: convert: "pdf、doc、docx、ppt、pptx、xls、xlsx、hwp、caj、ofd", at most 50 MB.
CONVERSION_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "hwp", "caj", "ofd"}
)
CONVERSION_MAX_BYTES = 50 * MB
#: ``conversionFormat``: "-1:word;-3:excel;-6:pptx,-8:pdf,-9:ofd".
CONVERSION_FORMATS: dict[int, str] = {-1: "word", -3: "excel", -6: "pptx", -8: "pdf", -9: "ofd"}
#: Image translation and OCR: "jpg、jpeg、png、bmp", "上传文件最大4M".
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "bmp"})
IMAGE_MAX_BYTES = 4 * MB
#: "支持15*15 - 2048*2048px尺寸内" (translation), "15*15 - 8192*8192px" (OCR).
IMAGE_MIN_SIDE = 15
IMAGE_MAX_SIDE = 2048
OCR_MAX_SIDE = 8192
#: trans: "待翻译文本字符长度不能超过2000" (spaces count).
TEXT_MAX_CHARS = 2000
#: dict/search: "小于等于15个字符".
WORD_MAX_CHARS = 15
#: getAccount ``type``: "1.文档翻译 2.文字翻译 3.图片翻译 4.格式转换".
ACCOUNT_TYPES: dict[int, str] = {1: "文档翻译", 2: "文字翻译", 3: "图片翻译", 4: "格式转换"}
#: downloadFile ``dtype``: 2 translated PDF, 3 translated file of its own kind, 6 converted.
DOWNLOAD_TYPES = frozenset({2, 3, 6})
#: industryId ("行业列表").
INDUSTRIES: dict[int, str] = {
    1: "法律", 2: "金融", 3: "农林牧渔", 4: "医药卫生", 5: "建筑建材", 6: "冶金矿产",
    7: "石油化工", 8: "水利水电", 9: "交通运输", 10: "信息产业", 11: "机械机电",
    12: "轻工食品", 13: "服装纺织", 14: "专业服务", 15: "安全防护", 16: "环保绿化",
    17: "旅游休闲", 18: "办公文教", 19: "电子电工", 20: "玩具礼品", 21: "家居用品",
    22: "物资", 23: "包装", 24: "体育", 25: "办公", 26: "其他",
}  # fmt: skip

# -- languages ("语言列表") ---------------------------------------------------------------

#: The source of "detect": ``""`` or ``auto`` ("" 或 auto 自动检测).
AUTO = "auto"
#: Every language code of the reference → its Chinese name, in the reference's order.
LANGUAGES: dict[str, str] = {
    "zh": "中文", "jp": "日语", "th": "泰语", "fra": "法语", "en": "英语", "spa": "西班牙语",
    "kor": "韩语", "tr": "土耳其语", "vie": "越南语", "ms": "马来语", "de": "德语",
    "ru": "俄语", "ara": "阿拉伯语", "est": "爱沙尼亚语", "be": "白俄罗斯语",
    "bul": "保加利亚语", "hi": "印地语", "is": "冰岛语", "tl": "菲律宾语", "fin": "芬兰语",
    "nl": "荷兰语", "ca": "加泰罗尼亚语", "cs": "捷克语", "hr": "克罗地亚语",
    "lv": "拉脱维亚语", "lt": "立陶宛语", "rom": "罗马尼亚语", "no": "挪威语",
    "pt": "葡萄牙语", "swe": "瑞典语", "sr": "塞尔维亚语", "eo": "世界语", "sk": "斯洛伐克语",
    "slo": "斯洛文尼亚语", "sw": "斯瓦希里语", "uk": "乌克兰语", "iw": "希伯来语",
    "el": "希腊语", "hu": "匈牙利语", "hy": "亚美尼亚语", "it": "意大利语", "id": "印尼语",
    "sq": "阿尔巴尼亚语", "am": "阿姆哈拉语", "az": "阿塞拜疆语", "eu": "巴斯克语",
    "bn": "孟加拉语", "bs": "波斯尼亚语", "gl": "加利西亚语", "ka": "格鲁吉亚语",
    "gu": "古吉拉特语", "ig": "伊博语", "ga": "爱尔兰语", "zu": "祖鲁语", "kn": "卡纳达语",
    "kk": "哈萨克语", "ky": "吉尔吉斯语", "lb": "卢森堡语", "mk": "马其顿语", "mt": "马耳他语",
    "mi": "毛利语", "mr": "马拉提语", "ne": "尼泊尔语", "pa": "旁遮普语", "si": "僧加罗语",
    "ta": "泰米尔语", "te": "泰卢固语", "ur": "乌尔都语", "uz": "乌兹别克语", "cy": "威尔士语",
    "yo": "约鲁巴语", "cht": "中文繁体",
}  # fmt: skip
#: trans "语言方向: 英、日、俄、韩、德、法、意 到中;中、日、俄、韩、德、法、意 到英".
TEXT_DIRECTIONS: frozenset[tuple[str, str]] = frozenset(
    {(source, "zh") for source in ("en", "jp", "ru", "kor", "de", "fra", "it")}
    | {(source, "en") for source in ("zh", "jp", "ru", "kor", "de", "fra", "it")}
)
