"""The language directions of Alibaba's image translation, in canonical codes.

Published (by third parties; the reference itself lists none) as: Chinese —
simplified ``zh`` and traditional ``zh-tw`` — to and from English, Japanese, Korean,
Russian, French, German, Italian, Spanish, Portuguese, Malay, Thai and Vietnamese;
English to the same list; Japanese ↔ Korean; every other listed language to and
from Chinese and English only.  The service has the last word: a pair it refuses
comes back as business code 105, which transhub reports as an unsupported language.
"""

from __future__ import annotations

from transhub.capabilities.base import LanguageSupport

CHINESE = ("zh", "zh-Hant")
#: The languages paired with Chinese (English included).
PARTNERS = ("en", "ja", "ko", "ru", "fr", "de", "it", "es", "pt", "ms", "th", "vi")


def _pairs() -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for chinese in CHINESE:
        for other in PARTNERS:
            pairs.update({(chinese, other), (other, chinese)})
    for other in PARTNERS:
        if other != "en":
            pairs.update({("en", other), (other, "en")})
    pairs.update({("ja", "ko"), ("ko", "ja")})
    return frozenset(pairs)


#: Canonical code → Alibaba's code (identical but for traditional Chinese).
CODES: dict[str, str] = {code: code for code in (*CHINESE, *PARTNERS)} | {"zh-Hant": "zh-tw"}

PAIRS = _pairs()

#: The source sent when none is given: the service's main use is Chinese product images.
DEFAULT_SOURCE = "zh"


class ImageLanguages(LanguageSupport):
    """Alibaba's directions, where "no source" is offered only for the targets
    :func:`default_source` has a source for: the core's checks before anything is
    sent (planning, routing) then refuse ``--to zh`` without ``--from``, instead of
    the submit, after a job was recorded."""

    def supports(self, source: str | None, target: str | None) -> bool:
        """Whether this direction is offered (``None`` source: the default source's)."""
        if source is None and target is not None and default_source(target) is None:
            return False
        return super().supports(source, target)


#: ``auto_detect`` is true although the API needs a source: the plugin fills in
#: :data:`DEFAULT_SOURCE` (see :func:`default_source`), so ``--to en`` alone works.
LANGUAGES = ImageLanguages(codes=CODES, pairs=PAIRS, auto_detect=True)


def default_source(target: str) -> str | None:
    """The source language to assume for ``target`` when the user named none, or
    ``None`` when no assumption is sensible (translating *into* Chinese)."""
    if target in CHINESE:
        return None
    return DEFAULT_SOURCE if (DEFAULT_SOURCE, target) in PAIRS else None
