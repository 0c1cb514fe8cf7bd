"""Text translation: ``POST /v2/translate``, many texts per request."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from transhub.capabilities.base import LanguageSupport
from transhub.capabilities.text import TextOptions, TextResult, TextTranslator
from transhub.errors import InputError, LimitExceededError

from transhub_deepl import languages, limits
from transhub_deepl.client import DeepLClient
from transhub_deepl.provider import DEEPL
from transhub_deepl.settings import DeepLSettings

TAG_HANDLING = frozenset({"xml", "html"})


def request_options(
    options: TextOptions | None, target_own: str, formal: frozenset[str]
) -> dict[str, Any]:
    """The ``/v2/translate`` fields for ``options`` (checked: nothing is sent otherwise)."""
    if options is None:
        return {}
    limits.check_formality(options.formality, target_own, formal)
    body: dict[str, Any] = {}
    if options.formality is not None:
        body["formality"] = options.formality
    if options.glossary_id is not None:
        body["glossary_id"] = options.glossary_id
    if options.preserve_formatting:
        body["preserve_formatting"] = True
    if options.tag_handling is not None:
        if options.tag_handling not in TAG_HANDLING:
            raise InputError(
                f"deepl: tag handling {options.tag_handling!r} is not one of xml, html"
            )
        body["tag_handling"] = options.tag_handling
    return body


def batches(texts: Sequence[str]) -> Iterator[list[int]]:
    """Indexes of ``texts`` grouped into requests within DeepL's limits: at most
    :data:`~transhub_deepl.limits.MAX_TEXTS_PER_REQUEST` texts and
    :data:`~transhub_deepl.limits.MAX_REQUEST_BYTES` bytes of body.  Every text is
    measured before the first group is yielded: one too large refuses them all
    before anything is sent."""
    budget = limits.MAX_TEXT_BYTES
    sizes = [_size(index, text, len(texts)) for index, text in enumerate(texts)]
    batch: list[int] = []
    used = 0
    for index, size in enumerate(sizes):
        if batch and (len(batch) >= limits.MAX_TEXTS_PER_REQUEST or used + size > budget):
            yield batch
            batch, used = [], 0
        batch.append(index)
        used += size
    if batch:
        yield batch


def _size(index: int, text: str, count: int) -> int:
    """The bytes ``text`` takes in a request body, or the error naming the limit."""
    which = "the text" if count == 1 else f"text {index + 1}"
    try:
        # As the body will carry it: JSON-quoted UTF-8, and a separating comma.
        size = len(json.dumps(text, ensure_ascii=False).encode("utf-8")) + 1
    except UnicodeEncodeError:
        raise InputError(f"deepl: {which} is not valid UTF-8 text") from None
    if size > limits.MAX_TEXT_BYTES:
        raise LimitExceededError(
            f"deepl: {which} is {size:,} bytes as sent (UTF-8), over DeepL's limit of "
            f"{limits.MAX_REQUEST_BYTES // 1024} KiB ({limits.MAX_REQUEST_BYTES:,} bytes) "
            f"per request, {limits.REQUEST_OVERHEAD // 1024} KiB of it kept for the rest "
            "of the request",
            provider="deepl",
        )
    return size


class DeepLText(TextTranslator[DeepLSettings, DeepLClient]):
    """Translates texts; detects the source when none is given."""

    provider = DEEPL
    languages: ClassVar[LanguageSupport] = languages.Languages()  # type: ignore[assignment]
    max_chars: ClassVar[int] = limits.MAX_TEXT_CHARS
    options: ClassVar[frozenset[str]] = frozenset(
        {"formality", "glossary_id", "preserve_formatting", "tag_handling"}
    )

    def refresh_languages(self) -> bool:
        """Fetch the account's language lists into the on-disk cache."""
        return languages.refresh(self.client)

    def translate(
        self, text: str, target: str, source: str | None, options: TextOptions | None = None
    ) -> TextResult:
        """Translate one text (see :meth:`translate_many`)."""
        return self.translate_many([text], target, source, options)[0]

    def translate_many(
        self,
        texts: Sequence[str],
        target: str,
        source: str | None,
        options: TextOptions | None = None,
    ) -> list[TextResult]:
        """Translate ``texts`` in as few requests as DeepL's limits allow; each
        result names the source language DeepL detected when none was given."""
        formal = languages.current()[1]
        target_own = languages.target_code(target)
        body = request_options(options, target_own, formal)
        if options is not None and options.glossary_id is not None and source is None:
            raise InputError("deepl: a glossary needs the source language: pass --from")
        source_own = languages.source_code(source) if source else None
        results: list[TextResult | None] = [None] * len(texts)
        for batch in batches(texts):
            answers = self.client.translate([texts[i] for i in batch], target_own, source_own, body)
            for index, answer in zip(batch, answers, strict=True):
                detected = (
                    languages.canonical(answer.detected_source) if answer.detected_source else None
                )
                results[index] = TextResult(
                    text=answer.text,
                    source=source or detected,
                    target=target,
                    billed_characters=answer.billed_characters,
                )
        return [r for r in results if r is not None]
