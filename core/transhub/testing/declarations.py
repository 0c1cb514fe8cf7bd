"""Whether a capability class's declarations are present and coherent.

The core routes and validates from what an implementation declares as class
attributes (:mod:`transhub.capabilities`), so a missing or self-contradictory
declaration is a bug even before any request is sent.  :func:`problems` lists them,
one readable sentence each; it touches no network and imports no test framework, so
anything that inspects installed plugins can use it.
"""

from __future__ import annotations

from typing import Any

from transhub.capabilities.base import FileLimits, Implementation, LanguageSupport
from transhub.capabilities.kinds import Capability


def problems(cls: type[Implementation[Any, Any]]) -> list[str]:
    """Everything wrong with ``cls``'s declarations (empty when they are coherent)."""
    found = _provider_problems(cls)
    capability = getattr(cls, "capability", None)
    checks = {
        Capability.DOCUMENT: _document,
        Capability.CONVERT: _converter,
        Capability.IMAGE: _image,
        Capability.OCR: _ocr,
        Capability.DICTIONARY: _dictionary,
        Capability.TEXT: _text,
        Capability.ACCOUNT: _account,
        Capability.GLOSSARY: _glossary,
    }
    if capability not in checks:
        return [*found, f"capability {capability!r} is not one of transhub's capabilities"]
    try:
        found += checks[capability](cls)
    except AttributeError as exc:
        found.append(f"a declaration is missing: {exc}")
    return found


def _provider_problems(cls: type[Any]) -> list[str]:
    from transhub.capabilities.base import ProviderInfo
    from transhub.settings import ProviderSettings

    info = getattr(cls, "provider", None)
    if not isinstance(info, ProviderInfo):
        return ["`provider` is not a transhub.capabilities.base.ProviderInfo"]
    found = []
    if not info.name or info.name != info.name.lower() or not info.name.isidentifier():
        found.append(f"provider name {info.name!r} is not a lower-case identifier")
    if not (isinstance(info.settings, type) and issubclass(info.settings, ProviderSettings)):
        found.append("provider settings are not a subclass of transhub.settings.ProviderSettings")
    else:
        fields = info.settings.model_fields
        unknown = [name for name in info.settings.required if name not in fields]
        if unknown:
            found.append(f"required settings {unknown} are not fields of {info.settings.__name__}")
    return found


def file_limit_problems(limits: FileLimits) -> list[str]:
    """What is incoherent in one :class:`FileLimits`."""
    found = []
    if not limits.extensions:
        found.append("limits accept no file extension")
    odd = sorted(e for e in limits.extensions if e != e.lower() or e.startswith(".") or not e)
    if odd:
        found.append(f"extensions {odd} must be lower case, without the dot")
    if limits.min_bytes < 1:
        found.append(f"min_bytes is {limits.min_bytes}; an empty file is never a valid input")
    if limits.max_bytes < limits.min_bytes:
        found.append(f"max_bytes ({limits.max_bytes}) is below min_bytes ({limits.min_bytes})")
    low, high = limits.min_pixels, limits.max_pixels
    if low is not None and low < 1:
        found.append(f"min_pixels is {low}")
    if low is not None and high is not None and high < low:
        found.append(f"max_pixels ({high}) is below min_pixels ({low})")
    if limits.max_aspect_ratio is not None and limits.max_aspect_ratio <= 1:
        found.append(f"max_aspect_ratio is {limits.max_aspect_ratio}; it must be above 1")
    return found


def language_problems(support: LanguageSupport) -> list[str]:
    """What is incoherent in one :class:`LanguageSupport`."""
    from transhub.languages import is_canonical

    found = []
    if not support.codes:
        return ["no language is declared"]
    unknown = sorted(c for c in support.codes if not is_canonical(c))
    if unknown:
        found.append(
            f"{unknown} are not canonical codes (see transhub.languages.NAMES and VARIANTS)"
        )
    for name, subset in (("sources", support.sources), ("targets", support.targets)):
        stray = sorted(subset - set(support.codes)) if subset is not None else []
        if stray:
            found.append(f"{name} {stray} are missing from codes")
    if support.pairs is not None:
        stray = sorted({c for pair in support.pairs for c in pair} - set(support.codes))
        if stray:
            found.append(f"pairs use {stray}, missing from codes")
        if not support.pairs:
            found.append("pairs is empty: no direction can be translated")
    if not support.target_codes():
        found.append("no target language")
    return found


def _document(cls: Any) -> list[str]:
    from transhub.capabilities.document import DocumentOptions

    found = file_limit_problems(cls.limits) + language_problems(cls.languages)
    unknown = sorted(set(cls.options) - set(DocumentOptions.model_fields))
    if unknown:
        found.append(f"options {unknown} are not DocumentOptions fields")
    if not cls.outputs:
        found.append("outputs is empty: no result could be downloaded")
    if "industry" in cls.options and not cls.industries:
        found.append("the industry option is offered but no industry is declared")
    return found


def _converter(cls: Any) -> list[str]:
    found = file_limit_problems(cls.limits)
    if not cls.conversions:
        found.append("conversions is empty")
    for fmt, accepted in cls.conversions.items():
        if not accepted:
            found.append(f"no input extension converts to {fmt.value}")
        stray = sorted(set(accepted) - set(cls.limits.extensions))
        if stray:
            found.append(f"{fmt.value} converts from {stray}, which the limits refuse")
    return found


def _image(cls: Any) -> list[str]:
    found = language_problems(cls.languages)
    if not (cls.accepts_files or cls.accepts_urls):
        found.append("accepts neither files nor URLs")
    if cls.accepts_files and cls.limits is None:
        found.append("accepts files but declares no limits for them")
    if cls.limits is not None:
        found += file_limit_problems(cls.limits)
    if cls.max_per_task < 1:
        found.append(f"max_per_task is {cls.max_per_task}")
    from transhub.capabilities.image import ImageOptions

    unknown = sorted(set(cls.options) - set(ImageOptions.model_fields))
    if unknown:
        found.append(f"options {unknown} are not ImageOptions fields")
    if cls.result_ttl is not None and cls.result_ttl <= 0:
        found.append(f"result_ttl is {cls.result_ttl}")
    return found


def _ocr(cls: Any) -> list[str]:
    return file_limit_problems(cls.limits) + language_problems(cls.languages)


def _dictionary(cls: Any) -> list[str]:
    found = language_problems(cls.languages)
    if not 1 <= cls.min_length <= cls.max_length:
        found.append(f"word lengths {cls.min_length} to {cls.max_length} are not a range")
    return found


def _text(cls: Any) -> list[str]:
    found = language_problems(cls.languages)
    if cls.max_chars < 1:
        found.append(f"max_chars is {cls.max_chars}")
    return found


def _account(cls: Any) -> list[str]:
    return [] if cls.kinds else ["kinds is empty: no balance can be asked for"]


def _glossary(cls: Any) -> list[str]:
    found = language_problems(cls.languages)
    if not cls.languages.pairs:
        found.append("languages declares no pairs: no glossary could be created")
    if cls.max_term_bytes < 1 or cls.max_bytes < cls.max_term_bytes:
        found.append(f"max_term_bytes {cls.max_term_bytes} and max_bytes {cls.max_bytes} clash")
    return found
