"""The ``image`` capability on Alibaba's asynchronous image batch translation.

The core splits a batch into tasks of at most :attr:`AlibabaImageTranslator.max_per_task`
URLs, dedupes them and merges results; this class speaks one task's protocol.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from transhub.capabilities.base import TaskState
from transhub.capabilities.image import (
    ImageItem,
    ImageOptions,
    ImageSource,
    ImageTaskStatus,
    ImageTranslator,
)
from transhub.errors import (
    InputError,
    LimitExceededError,
    NotFoundError,
    ResponseFormatError,
    UnsupportedLanguageError,
)
from transhub.files import atomic_write_bytes

from transhub_alibaba import codes
from transhub_alibaba.answers import BatchResult, ImageResult
from transhub_alibaba.client import RESULT_TTL, AlibabaClient
from transhub_alibaba.languages import LANGUAGES, default_source
from transhub_alibaba.provider import PROVIDER
from transhub_alibaba.settings import AlibabaSettings

#: ``Field`` values the service knows (others count as ``general`` there; refused here).
FIELDS = frozenset({"general", "e-commerce"})
MAX_URLS = 20
_TEMPLATE_PREFIX = "data:application/json;base64,"

_STATES = {"created": TaskState.QUEUED, "running": TaskState.RUNNING, "finished": TaskState.DONE}


class AlibabaImageTranslator(ImageTranslator[AlibabaSettings, AlibabaClient]):
    """Translates the text inside images given as public http(s) URLs.

    Artifacts of a successful image: ``image`` (the translated image), and with
    ``editor_data`` also ``inpainting`` (the editor's background image) and
    ``template`` (the editor's JSON template).
    """

    provider = PROVIDER
    languages = LANGUAGES
    limits = None
    accepts_files = False
    accepts_urls = True
    max_per_task = MAX_URLS
    options = frozenset({"field", "editor_data", "ignore_entity"})
    fields = FIELDS
    idempotent_submit = True
    #: CustomTaskId dedupes for three minutes only (the reference).
    idempotency_window = 180.0
    result_ttl: ClassVar[float | None] = RESULT_TTL

    # --- submit -------------------------------------------------------------------

    def submit(
        self,
        images: list[ImageSource],
        target: str,
        source: str | None,
        options: ImageOptions,
    ) -> str:
        """Start one ``TranslateImageBatch`` task (at most 20 URLs); return its task id.

        Checks everything it can before sending: URLs only, the count, the languages
        and the options.  The submit carries a ``CustomTaskId`` derived from all of
        it, so a retried submit is processed once.
        """
        urls = [_url_of(image) for image in images]
        if not urls:
            raise InputError("alibaba: no image to translate")
        if len(urls) > MAX_URLS:
            raise LimitExceededError(
                f"alibaba: {len(urls)} images in one task; the service takes at most {MAX_URLS}"
            )
        source_code, target_code = self._languages(source, target)
        field = options.field or "general"
        if field not in FIELDS:
            raise InputError(
                f"alibaba: unknown field {field!r}; choose one of {', '.join(sorted(FIELDS))}"
            )
        ext: dict[str, str] = {}
        if options.editor_data:
            ext["needEditorData"] = "true"
        if options.ignore_entity:
            if field != "e-commerce":
                raise InputError(
                    "alibaba: --ignore-entity applies only to the e-commerce field "
                    "(add --field e-commerce)"
                )
            ext["ignoreEntityRecognize"] = "true"
        return self.client.submit(
            urls, source=source_code, target=target_code, field=field, ext=ext
        )

    def _languages(self, source: str | None, target: str) -> tuple[str, str]:
        if source is None:
            source = default_source(target)
            if source is None:
                raise UnsupportedLanguageError(
                    f"alibaba: image translation into {target} needs the source language "
                    "(pass --from)"
                )
        if not self.languages.supports(source, target):
            raise UnsupportedLanguageError(
                f"alibaba: images cannot be translated from {source} to {target}"
            )
        return self.languages.provider_code(source), self.languages.provider_code(target)

    # --- status -------------------------------------------------------------------

    def status(self, task_id: str, images: list[ImageSource]) -> ImageTaskStatus:
        """Poll the task.  When done, one item per image in ``images``' order, each
        with the service's own success flag, code and message.

        ``invalid`` raises :class:`~transhub.errors.ResultExpiredError` for a task
        the core's task memory knows finished (or submitted over an hour ago), else
        :class:`~transhub.errors.NotFoundError`.
        """
        batch = self.client.result(task_id, self.tasks.times(task_id))
        state = _STATES[batch.status]
        if state is not TaskState.DONE:
            percent = 0.0 if state is TaskState.QUEUED else None
            return ImageTaskStatus(state=state, percent=percent, message=batch.status)
        items = tuple(_items(batch, images, self.client.scrub))
        failed = sum(not item.success for item in items)
        message = f"{failed} of {len(items)} images failed" if failed else "finished"
        return ImageTaskStatus(state=TaskState.DONE, percent=100.0, message=message, items=items)

    # --- download -----------------------------------------------------------------

    def download(self, task_id: str, item: ImageItem, artifact: str, destination: Path) -> Path:
        """Write one artifact of a successful image to ``destination`` atomically."""
        reference = item.artifacts.get(artifact)
        if reference is None:
            available = ", ".join(sorted(item.artifacts)) or "none"
            raise NotFoundError(
                f"alibaba: {item.source.label} has no {artifact!r} result (available: {available})",
                provider=PROVIDER.name,
            )
        if reference.startswith(_TEMPLATE_PREFIX):
            try:
                data = base64.b64decode(reference[len(_TEMPLATE_PREFIX) :], validate=True)
            except (binascii.Error, ValueError):
                raise ResponseFormatError(
                    f"alibaba: the editor template of {item.source.label} is not valid",
                    provider=PROVIDER.name,
                ) from None
            return atomic_write_bytes(destination, data, overwrite=True)
        return self.client.download(reference, destination).path


def _url_of(image: ImageSource) -> str:
    """The image's URL, checked: http(s), and no comma (``ImageUrls`` is comma-separated)."""
    if image.url is None:
        raise InputError(
            "alibaba takes public http(s) image URLs only, not local files",
            path=str(image.path),
        )
    url = image.url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).netloc:
        raise InputError(f"alibaba: not an http(s) URL: {url!r}")
    if "," in url:
        raise InputError(
            f"alibaba: {url!r} holds a comma, which the service's comma-separated ImageUrls "
            "cannot carry; percent-encode it as %2C"
        )
    return url


def _normalized(url: str) -> str:
    return unquote(url.strip())


def _items(
    batch: BatchResult, images: list[ImageSource], scrub: Callable[[str], str]
) -> list[ImageItem]:
    """Match the service's results to the images: by URL, then by URL with escapes
    decoded, then — when the counts agree — by position, taking only an entry whose
    URL matches no image (so a rewritten URL cannot steal another image's result)."""
    exact: dict[str, ImageResult] = {}
    loose: dict[str, ImageResult] = {}
    for entry in batch.results:
        exact.setdefault(entry.source_url, entry)
        loose.setdefault(_normalized(entry.source_url), entry)
    wanted = {(image.url or "").strip() for image in images}
    wanted |= {_normalized(url) for url in wanted}
    positional = len(batch.results) == len(images)
    items = []
    for index, image in enumerate(images):
        url = (image.url or "").strip()
        found = exact.get(url) or loose.get(_normalized(url))
        if found is None and positional:
            candidate = batch.results[index]
            if not {candidate.source_url, _normalized(candidate.source_url)} & wanted:
                found = candidate
        items.append(_item(image, found, scrub))
    return items


def _item(image: ImageSource, result: ImageResult | None, scrub: Callable[[str], str]) -> ImageItem:
    if result is None:
        return ImageItem(
            source=image, success=False, message="the service returned no result for this image"
        )
    message = scrub(result.message)
    if not result.success:
        name = codes.business_name(result.code)
        text = message or name or "translation failed"
        if name and name not in text:
            text = f"{text} ({name})"
        return ImageItem(source=image, success=False, code=result.code, message=text)
    artifacts = {"image": result.final_url or ""}
    if result.inpainting_url:
        artifacts["inpainting"] = result.inpainting_url
    if result.template:
        artifacts["template"] = _template_reference(result.template)
    return ImageItem(
        source=image, success=True, code=result.code, message=message, artifacts=artifacts
    )


def _template_reference(template: str) -> str:
    """A URL as given, or inline JSON as a ``data:`` URL, so that the reference alone
    (which the journal may keep) is enough to write the file later."""
    if urlsplit(template).scheme.lower() in ("http", "https"):
        return template
    return _TEMPLATE_PREFIX + base64.b64encode(template.encode("utf-8")).decode("ascii")
