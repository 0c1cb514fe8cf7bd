"""Requests answered at once, without a job: text, dictionary look-ups, OCR and
account balances (a part of :class:`~transhub.hub.Hub`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from transhub import validation
from transhub.capabilities.account import Account, Balance
from transhub.capabilities.base import Implementation
from transhub.capabilities.dictionary import Dictionary, DictionaryEntry
from transhub.capabilities.kinds import Capability
from transhub.capabilities.ocr import OcrEngine, OcrResult
from transhub.capabilities.text import TextOptions, TextResult, TextTranslator
from transhub.errors import InputError
from transhub.pool import ProviderPool
from transhub.router import Need, options_fit

R = TypeVar("R")


class ImmediateRequests(ProviderPool):
    """``translate_text``, ``lookup_word``, ``recognize_text`` and ``account_balance``."""

    def _served(
        self,
        capability: Capability,
        first: type[Implementation[Any, Any]],
        provider: str | None,
        need: Need | None,
        call: Callable[[type[Implementation[Any, Any]]], R],
        fallback: bool | None,
    ) -> R:
        """``call(first)``, or with fallback the next candidates' while each refuses
        before any payment (:func:`transhub.jobs.fallback.serve`)."""
        from transhub.jobs import fallback as fallbacks

        others = fallbacks.alternatives(
            self, capability, first.provider.name, provider=provider, need=need
        )
        on = fallbacks.enabled(self, fallback)
        return fallbacks.serve(self, capability, first, others, call, fallback=on)

    def recognize_text(
        self,
        path: str | Path,
        *,
        language: str | None = None,
        provider: str | None = None,
        fallback: bool | None = None,
    ) -> OcrResult:
        """Recognise the text in an image (``fallback``: see :meth:`translate_text`)."""
        path = Path(path)
        src, _ = self._languages(Capability.OCR, provider, language, None)
        need = Need(
            f"recognise {src or 'any language'}",
            lambda c: None if src is None or src in c.languages.source_codes() else f"no {src}",
        )
        first = self.route(Capability.OCR, provider=provider, need=need)

        def recognize(impl: type[Implementation[Any, Any]]) -> OcrResult:
            cls = cast(type[OcrEngine[Any, Any]], impl)
            validation.check_file(path, cls.limits, cls.provider.name)
            validation.check_languages(cls.languages, src, None, cls.provider.name)
            return self.instance(cls).recognize(path, src)

        return self._served(Capability.OCR, first, provider, need, recognize, fallback)

    def lookup_word(
        self,
        word: str,
        *,
        source: str | None = None,
        target: str | None = None,
        provider: str | None = None,
        fallback: bool | None = None,
    ) -> DictionaryEntry:
        """Look a word up in a dictionary (from ``source`` into ``target``, when given;
        ``fallback``: see :meth:`translate_text`)."""
        src, dst = self._languages(Capability.DICTIONARY, provider, source, target)
        need = None
        if src is not None or dst is not None:
            need = Need(
                f"look words up {_direction(src, dst)}",
                lambda c: None if c.languages.supports(src, dst) else _directions_offered(c),
            )
        first = self.route(Capability.DICTIONARY, provider=provider, need=need)

        def lookup(impl: type[Implementation[Any, Any]]) -> DictionaryEntry:
            cls = cast(type[Dictionary[Any, Any]], impl)
            validation.check_word(word, cls.min_length, cls.max_length, cls.provider.name)
            if src is not None or dst is not None:
                validation.check_languages(cls.languages, src, dst, cls.provider.name)
            entry = self.instance(cls).lookup_in(word.strip(), src, dst)
            if cls.attribution and not entry.attribution:
                entry = entry.model_copy(update={"attribution": cls.attribution})
            return entry

        return self._served(Capability.DICTIONARY, first, provider, need, lookup, fallback)

    def translate_text(
        self,
        text: str,
        target: str,
        *,
        source: str | None = None,
        provider: str | None = None,
        options: TextOptions | None = None,
        glossary: str | Path | None = None,
        fallback: bool | None = None,
    ) -> TextResult:
        """Translate a short text (``options``: formality, glossary, tag handling…,
        honoured only by providers that declare them).  ``glossary``: a CSV/TSV file
        of term pairs (needs ``source``), sent as the provider's glossary created once
        per content; only providers that take glossaries are routed to.  ``fallback``
        (default: the setting ``routing.fallback``): when the provider refuses before
        any payment (quota, throttling, busy), the next candidate is asked
        (:mod:`transhub.jobs.fallback`; without it the error's hint names it)."""
        src, dst = self._languages(Capability.TEXT, provider, source, target)
        assert dst is not None
        terms = self._glossary_file(glossary, src)

        def fits(cls: Any) -> str | InputError | None:
            if len(text) > cls.max_chars:
                try:  # the error naming the length and the limit, as with --provider
                    validation.check_text(text, cls.max_chars, cls.provider.name)
                except InputError as exc:
                    return exc
            return options_fit(cls, options) or self._glossary_fit(cls, terms, src, dst)

        need = self._language_need(src, dst, fits)
        first = self.route(Capability.TEXT, provider=provider, need=need)

        def translate(impl: type[Implementation[Any, Any]]) -> TextResult:
            cls = cast(type[TextTranslator[Any, Any]], impl)
            validation.check_text(text, cls.max_chars, cls.provider.name)
            validation.check_languages(cls.languages, src, dst, cls.provider.name)
            reason = options_fit(cls, options)
            if reason is not None:
                raise InputError(f"{cls.provider.name} {reason}")
            sent = options
            if terms is not None and src is not None:
                from transhub.glossaries import glossary_for

                glossary_id, _digest = glossary_for(self, cls, terms, src, dst)
                sent = (options or TextOptions()).model_copy(update={"glossary_id": glossary_id})
            if sent is not None:
                return self.instance(cls).translate_many([text], dst, src, sent)[0]
            return self.instance(cls).translate(text, dst, src)

        return self._served(Capability.TEXT, first, provider, need, translate, fallback)

    def account_balance(
        self, kind: str | None = None, *, provider: str | None = None
    ) -> list[Balance]:
        """The account's balance of one resource kind, or of every kind."""
        cls = cast(type[Account[Any, Any]], self.route(Capability.ACCOUNT, provider=provider))
        if kind is not None and kind not in cls.kinds:
            raise InputError(
                f"{cls.provider.name} has no balance of {kind!r} "
                f"(resources: {', '.join(sorted(cls.kinds))})"
            )
        account = self.instance(cls)
        return [account.balance(k) for k in ([kind] if kind else sorted(cls.kinds))]


def _direction(source: str | None, target: str | None) -> str:
    """``en → zh``, ``from en`` or ``into fr``: the direction a request names."""
    if source is not None and target is not None:
        return f"{source} → {target}"
    return f"from {source}" if source is not None else f"into {target}"


def _directions_offered(cls: Any) -> str:
    """Why ``cls`` does not fit a direction: what it offers instead (its pairs, or
    its sources and targets), a few of them."""
    support = cls.languages
    if support.pairs is not None:
        offered = sorted(f"{s} → {t}" for s, t in support.pairs)
    else:
        sources, targets = sorted(support.source_codes()), sorted(support.target_codes())
        offered = [f"{'/'.join(sources)} → {'/'.join(targets)}"]
    shown = ", ".join(offered[:6]) + (", …" if len(offered) > 6 else "")
    return f"offers {shown} only"
