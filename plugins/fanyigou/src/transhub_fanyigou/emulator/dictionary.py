"""The emulator's dictionary: the reference's own example entry (``access``), shortened
but with every section the service returns; a labelled entry made up for any other
word that looks like one (English letters with a vowel, or Chinese characters); and an
empty ``dict`` — "no entry" — for anything else (``zzzq``, ``x1``)."""

from __future__ import annotations

import copy
import re
from typing import Any

from transhub_fanyigou.emulator.outputs import LABEL

_ACCESS: dict[str, Any] = {
    "base": {
        "explain": {
            "word_means": [
                {"part": "n.", "means": ["入口,通道", "(使用或见到的)机会/权利"]},
                {"part": "v.", "means": ["访问,存取(计算机信息)", "到达,进入,使用"]},
            ],
            "case_word": ["ACCESS"],
        },
        "explain_zh": "",
        "exchange": {
            "word_ing": ["accessing"],
            "word_done": ["accessed"],
            "word_past": ["accessed"],
            "word_third": ["accesses"],
            "word_pl": [],
        },
        "pron_zh": "",
        "pron_am": {"text": "ˈækses", "pronounce": ""},
        "pron_en": {"text": "ˈækses", "pronounce": ""},
        "word": "access",
        "chinese": False,
    },
    "practical_sentences": [],
    "true_sentences": [
        {"tag": "四级", "sentences": []},
        {
            "tag": "高考",
            "sentences": [
                {
                    "text": "We need a better way to access information.",
                    "text_cn": "",
                    "source": "2015年高考英语安徽卷 阅读理解 阅读C 选项",
                }
            ],
        },
        {
            "tag": "考研",
            "sentences": [
                {
                    "text": "Favoritism in official access can fan public perceptions of "
                    "corruption.",
                    "text_cn": "",
                    "source": "出自-2017年考研阅读原文",
                }
            ],
        },
    ],
    "ee_means": [],
    "roots_affixes": [],
    "phrases": [],
    "synonym": [
        {
            "part": "n.",
            "word_means": [{"mean": "接近的机会", "words": ["of", "way", "entry", "approach"]}],
        },
        {
            "part": "",
            "word_means": [{"mean": "其他释义", "words": ["admission", "approach", "door"]}],
        },
    ],
    "antonym": [
        {"part": "n.", "word_means": [{"mean": "接近;进入", "words": ["retirement", "retreat"]}]}
    ],
    "industry_dict": [],
    "synonym_explain": [],
    "collins": [
        {
            "entries": [
                {
                    "define": "If you have access to a building or other place, you are able or "
                    "allowed to go into it.",
                    "trans": "进入(权);通道;入径",
                    "part": "N-UNCOUNT",
                    "sentences": [
                        {
                            "origin": "The facilities have been adapted to give access to "
                            "wheelchair users.",
                            "trans": "这些设施已经改造过以方便轮椅使用者进入。",
                        }
                    ],
                },
                {
                    "define": "If you access something, especially information held on a "
                    "computer, you succeed in finding or obtaining it.",
                    "trans": "存取,访问(计算机信息)",
                    "part": "VERB",
                    "sentences": [
                        {
                            "origin": "You've illegally accessed and misused confidential "
                            "security files.",
                            "trans": "你已经非法访问并盗用了机密的安全文件。",
                        }
                    ],
                },
            ]
        }
    ],
}

_ENTRIES = {"access": _ACCESS}


_ENGLISH = re.compile(r"[A-Za-z]*[AEIOUYaeiouy][A-Za-z]*")
_CHINESE = re.compile(r"[\u4e00-\u9fff]+")


def entry(word: str) -> dict[str, Any]:
    """The ``dict`` object for ``word`` (case-insensitive); empty when it has none."""
    key = word.strip().lower()
    found = _ENTRIES.get(key)
    if found is not None:
        return copy.deepcopy(found)
    if _ENGLISH.fullmatch(key) or _CHINESE.fullmatch(key):
        return _made_up(key, chinese=bool(_CHINESE.fullmatch(key)))
    return {}


def _made_up(word: str, *, chinese: bool) -> dict[str, Any]:
    """A labelled entry in the service's shape, for a word the emulator does not know."""
    meaning = f"[{LABEL}] meaning of {word}"
    return {
        "base": {
            "explain": {"word_means": [] if chinese else [{"part": "n.", "means": [meaning]}]},
            "explain_zh": meaning if chinese else "",
            "exchange": {},
            "pron_zh": "",
            "pron_am": {"text": "" if chinese else word, "pronounce": ""},
            "pron_en": {"text": "" if chinese else word, "pronounce": ""},
            "word": word,
            "chinese": chinese,
        },
        "practical_sentences": [],
        "true_sentences": [],
        "synonym": [],
        "antonym": [],
        "collins": [],
    }
