"""The Python API: a :class:`Hub` per configuration, and module-level shortcuts.

The CLI is a thin layer over this module: everything it does is available here.
Every method validates its input against the chosen provider's declared limits
before anything is sent, routes through :mod:`transhub.router`, and raises the
typed errors of :mod:`transhub.errors`::

    from transhub import Hub
    hub = Hub()
    result = hub.translate_document("report.docx", target="zh")
    print(result.output)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import unquote, urlsplit

from pydantic import Field

from transhub import languages as lang
from transhub import validation
from transhub.capabilities.account import Account, Balance
from transhub.capabilities.base import (
    Implementation,
    LanguageSupport,
    Model,
    ProviderContext,
    TaskState,
    TaskStatus,
)
from transhub.capabilities.dictionary import Dictionary, DictionaryEntry
from transhub.capabilities.document import (
    ConvertFormat,
    DocumentConverter,
    DocumentOptions,
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    PageCount,
)
from transhub.capabilities.image import (
    ImageItem,
    ImageOptions,
    ImageSource,
    ImageTaskStatus,
    ImageTranslator,
)
from transhub.capabilities.kinds import Capability
from transhub.capabilities.ocr import OcrEngine, OcrResult
from transhub.capabilities.text import TextResult, TextTranslator
from transhub.errors import (
    InputError,
    JobFailedError,
    ResultExpiredError,
    TranshubError,
)
from transhub.files import safe_filename
from transhub.http import HttpClient
from transhub.polling import wait_for
from transhub.registry import Registry
from transhub.router import Need, choose
from transhub.settings import CoreSettings, ProviderSettings, load_settings

log = logging.getLogger("transhub")

ImplT = TypeVar("ImplT", bound=Implementation[Any, Any])
StatusCallback = Callable[[str, TaskStatus], None]


class DocumentResult(Model):
    """The outcome of one document translation or conversion."""

    input: Path
    output: Path
    provider: str
    task_id: str
    state: TaskState = TaskState.DONE
    pages: int | None = None
    sha256: str = ""
    detected_language: str | None = None


class ImageOutcome(Model):
    """The outcome for one input image: its saved artifacts, or why it failed."""

    source: str
    provider: str
    task_id: str | None = None
    success: bool
    code: str | None = None
    message: str = ""
    outputs: dict[str, Path] = Field(default_factory=dict)


class ProviderStatus(Model):
    """A provider as ``transhub providers`` shows it."""

    name: str
    title: str
    plugin: str
    version: str | None
    capabilities: tuple[str, ...]
    configured: bool
    missing: tuple[str, ...] = ()


class Hub:
    """transhub's operations under one configuration.

    ``settings`` and ``provider_settings`` override the environment and the config
    file (the CLI passes its options here); ``registry`` defaults to the installed
    plugins.  A hub is thread-safe and builds each provider's client once.
    """

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        settings: dict[str, Any] | None = None,
        provider_settings: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.registry = registry or Registry()
        self._core_overrides = settings or {}
        self._provider_overrides = provider_settings or {}
        self._core: CoreSettings | None = None
        self._settings: dict[str, ProviderSettings] = {}
        self._contexts: dict[str, ProviderContext[Any, Any]] = {}
        self._instances: dict[type[Any], Any] = {}
        self._lock = threading.RLock()

    # -- configuration -----------------------------------------------------------

    @property
    def settings(self) -> CoreSettings:
        """transhub's own settings."""
        if self._core is None:
            self._core = load_settings(CoreSettings, self._core_overrides)
        return self._core

    def provider_settings(self, cls: type[Implementation[Any, Any]]) -> ProviderSettings:
        """The validated settings of ``cls``'s provider."""
        info = cls.provider
        with self._lock:
            if info.name not in self._settings:
                self._settings[info.name] = load_settings(
                    info.settings, self._provider_overrides.get(info.name), what=info.name
                )
            return self._settings[info.name]

    def _configured(self, cls: type[Implementation[Any, Any]]) -> bool:
        try:
            return self.provider_settings(cls).configured
        except TranshubError:
            return False

    def _missing(self, cls: type[Implementation[Any, Any]]) -> list[str]:
        try:
            return self.provider_settings(cls).missing()
        except TranshubError as exc:
            return [str(exc)]

    def instance(self, cls: type[ImplT]) -> ImplT:
        """The (cached) instance of an implementation class, with its provider context."""
        with self._lock:
            if cls not in self._instances:
                settings = self.provider_settings(cls)
                missing = settings.missing()
                if missing:
                    from transhub.errors import ConfigurationError

                    raise ConfigurationError(
                        f"{cls.provider.name} is not configured: set {', '.join(missing)} "
                        f"(or `transhub config set {cls.provider.name}.<key> VALUE`)"
                    )
                self._instances[cls] = cls(self._context(cls, settings))
            return cast(ImplT, self._instances[cls])

    def _context(
        self, cls: type[Implementation[Any, Any]], settings: ProviderSettings
    ) -> ProviderContext[Any, Any]:
        info = cls.provider
        if info.name not in self._contexts:
            http = HttpClient(info.name, self.settings.http_options())
            client = info.connect(settings, http)
            self._contexts[info.name] = ProviderContext(
                info=info, settings=settings, http=http, client=client
            )
        return self._contexts[info.name]

    def secret_values(self) -> list[str]:
        """The secret values of every provider settings loaded so far."""
        from pydantic import SecretStr

        values = []
        for settings in list(self._settings.values()):
            for name in type(settings).model_fields:
                value = getattr(settings, name)
                if isinstance(value, SecretStr) and value.get_secret_value():
                    values.append(value.get_secret_value())
        return values

    def close(self) -> None:
        """Close every provider's pooled connections."""
        for context in self._contexts.values():
            context.http.close()

    # -- routing -----------------------------------------------------------------

    def route(
        self,
        capability: Capability,
        *,
        provider: str | None = None,
        need: Need | None = None,
    ) -> type[Implementation[Any, Any]]:
        """The implementation class that serves a request (see :mod:`transhub.router`)."""
        return choose(
            capability,
            self.registry.implementations(capability),
            provider=provider,
            default=self.settings.defaults.get(capability.value),
            configured=self._configured,
            missing=self._missing,
            need=need,
        )

    def _languages(
        self,
        capability: Capability,
        provider: str | None,
        source: str | None,
        target: str | None,
    ) -> tuple[str | None, str | None]:
        """Canonical codes for what the user typed (a provider's own codes allowed)."""
        own: list[tuple[str, str]] = []
        for cls in self.registry.implementations(capability):
            support: LanguageSupport | None = getattr(cls, "languages", None)
            if support is not None and (provider is None or cls.provider.name == provider):
                own.extend(support.codes.items())
        return (
            lang.source_language(source, own),
            lang.target_language(target, own) if target is not None else None,
        )

    @staticmethod
    def _language_need(
        source: str | None, target: str | None, extra: Callable[[Any], str | None] | None = None
    ) -> Need:
        def fits(cls: Any) -> str | None:
            if not cls.languages.supports(source, target):
                return f"no {source or 'auto'} → {target}"
            return extra(cls) if extra is not None else None

        return Need(f"translate {source or 'auto'} → {target}", fits)

    # -- documents ---------------------------------------------------------------

    def translate_document(
        self,
        path: str | Path,
        target: str,
        *,
        source: str | None = None,
        provider: str | None = None,
        output_dir: str | Path = ".",
        options: DocumentOptions | None = None,
        output: OutputKind = OutputKind.SAME,
        overwrite: bool = False,
        on_status: StatusCallback | None = None,
    ) -> DocumentResult:
        """Translate one document and save the result in ``output_dir``.

        The result is named ``<stem>.<target><ext>`` (``.pdf`` with
        ``output=OutputKind.PDF``); an existing file is never replaced unless
        ``overwrite``.  ``on_status(task_id, status)`` sees each progress change.
        """
        cls, request, destination = self.prepare_document(
            path,
            target,
            source=source,
            provider=provider,
            output_dir=output_dir,
            options=options,
            output=output,
            overwrite=overwrite,
        )
        translator = self.instance(cls)
        task_id = translator.submit(request)
        log.info("%s: submitted %s as task %s", cls.provider.name, request.path, task_id)
        status = self.wait(translator.status, task_id, on_status)
        self._raise_for_final(cls.provider.name, task_id, status, request.path)
        saved = translator.download(task_id, destination, output)
        return DocumentResult(
            input=request.path,
            output=saved.path,
            provider=cls.provider.name,
            task_id=task_id,
            pages=status.pages,
            sha256=saved.sha256,
            detected_language=saved.detected_language or status.detected_language,
        )

    def prepare_document(
        self,
        path: str | Path,
        target: str,
        *,
        source: str | None = None,
        provider: str | None = None,
        output_dir: str | Path = ".",
        options: DocumentOptions | None = None,
        output: OutputKind = OutputKind.SAME,
        overwrite: bool = False,
    ) -> tuple[type[DocumentTranslator[Any, Any]], DocumentRequest, Path]:
        """Validate and route a document translation without sending anything:
        the implementation class, the request, and where the result will go."""
        path = Path(path)
        src, dst = self._languages(Capability.DOCUMENT, provider, source, target)
        assert dst is not None
        options = options or DocumentOptions()
        extension = path.suffix.lower().lstrip(".")

        def fits(cls: Any) -> str | None:
            return (
                None if extension in cls.limits.extensions else f"does not take .{extension} files"
            )

        cls = cast(
            type[DocumentTranslator[Any, Any]],
            self.route(
                Capability.DOCUMENT, provider=provider, need=self._language_need(src, dst, fits)
            ),
        )
        name = cls.provider.name
        validation.check_file(path, cls.limits, name)
        validation.check_languages(cls.languages, src, dst, name)
        self._check_document_options(cls, options, output)
        suffix = ".pdf" if output is OutputKind.PDF else path.suffix
        destination = Path(output_dir) / f"{path.stem}.{dst}{suffix}"
        if destination.exists() and not overwrite:
            raise InputError("already exists (use --overwrite to replace it)", path=destination)
        request = DocumentRequest(path=path, target=dst, source=src, options=options)
        return cls, request, destination

    @staticmethod
    def _check_document_options(
        impl: type[DocumentTranslator[Any, Any]], options: DocumentOptions, output: OutputKind
    ) -> None:
        cls = impl
        name = cls.provider.name
        for option, value in options.model_dump().items():
            if value and option not in cls.options:
                raise InputError(f"{name} does not offer the option {option.replace('_', '-')}")
        if options.industry is not None and cls.industries:
            key = options.industry.strip().lower()
            if key not in cls.industries and key not in cls.industries.values():
                known = ", ".join(sorted(cls.industries))
                raise InputError(
                    f"unknown industry {options.industry!r} for {name} (known: {known})"
                )
        if output not in cls.outputs:
            raise InputError(f"{name} cannot deliver the result as {output.value}")

    def count_pages(self, path: str | Path, *, provider: str | None = None) -> PageCount:
        """Estimate the pages a translation of ``path`` would be charged for: the
        provider's count where it offers one, else a local count."""
        from transhub.pages import count_locally

        path = Path(path)
        extension = path.suffix.lower().lstrip(".")
        candidates = [
            c
            for c in self.registry.implementations(Capability.DOCUMENT)
            if getattr(c, "counts_pages", False)
        ]
        if provider is not None or candidates:
            try:
                cls = cast(
                    type[DocumentTranslator[Any, Any]],
                    self.route(
                        Capability.DOCUMENT,
                        provider=provider,
                        need=Need(
                            f"count the pages of .{extension} files",
                            lambda c: (
                                None
                                if c.counts_pages and extension in c.limits.extensions
                                else "no page count"
                            ),
                        ),
                    ),
                )
            except TranshubError:
                if provider is not None:
                    raise
            else:
                if cls.counts_pages:
                    validation.check_file(path, cls.limits, cls.provider.name)
                    return self.instance(cls).count_pages(path)
        validation.check_readable_file(path)
        return count_locally(path)

    def convert_document(
        self,
        path: str | Path,
        target_format: ConvertFormat | str,
        *,
        source: str | None = None,
        provider: str | None = None,
        output_dir: str | Path = ".",
        overwrite: bool = False,
        on_status: StatusCallback | None = None,
    ) -> DocumentResult:
        """Convert a document to ``target_format`` and save it as ``<stem>.<ext>``."""
        path = Path(path)
        fmt = ConvertFormat(target_format)
        extension = path.suffix.lower().lstrip(".")
        src = lang.source_language(source)

        def fits(cls: Any) -> str | None:
            accepted = cls.conversions.get(fmt)
            if accepted is None:
                return f"cannot produce {fmt.value}"
            return None if extension in accepted else f"cannot convert .{extension} to {fmt.value}"

        cls = cast(
            type[DocumentConverter[Any, Any]],
            self.route(
                Capability.CONVERT,
                provider=provider,
                need=Need(f"convert .{extension} to {fmt.value}", fits),
            ),
        )
        name = cls.provider.name
        validation.check_file(path, cls.limits, name)
        reason = fits(cls)
        if reason is not None:
            accepted = ", ".join(sorted(cls.conversions.get(fmt, ())))
            raise InputError(
                f"{name} {reason} (it converts to {fmt.value} from: {accepted or 'nothing'})",
                path=path,
            )
        destination = Path(output_dir) / f"{path.stem}.{fmt.extension}"
        if destination.resolve() == path.resolve() or (destination.exists() and not overwrite):
            raise InputError("already exists (use --overwrite to replace it)", path=destination)
        converter = self.instance(cls)
        task_id = converter.submit(path, fmt, src)
        status = self.wait(converter.status, task_id, on_status)
        self._raise_for_final(name, task_id, status, path)
        saved = converter.download(task_id, destination)
        return DocumentResult(
            input=path,
            output=saved.path,
            provider=name,
            task_id=task_id,
            pages=status.pages,
            sha256=saved.sha256,
        )

    # -- images ------------------------------------------------------------------

    def translate_images(
        self,
        inputs: Sequence[str | Path],
        target: str,
        *,
        source: str | None = None,
        provider: str | None = None,
        output_dir: str | Path = ".",
        options: ImageOptions | None = None,
        overwrite: bool = False,
        on_status: StatusCallback | None = None,
    ) -> list[ImageOutcome]:
        """Translate images (local files or http(s) URLs), one outcome per input in
        input order.  Repeated inputs are translated once.  A batch larger than the
        provider's task size is split into tasks run concurrently, up to the
        provider's limit; every artifact is downloaded as soon as its task is done."""
        if not inputs:
            raise InputError("no image given")
        options = options or ImageOptions()
        sources = [_image_source(item) for item in inputs]
        unique = list(dict.fromkeys(sources))
        has_files = any(s.path is not None for s in unique)
        has_urls = any(s.url is not None for s in unique)
        src, dst = self._languages(Capability.IMAGE, provider, source, target)
        assert dst is not None

        def kinds(cls: Any) -> str | None:
            if has_files and not cls.accepts_files:
                return "takes public URLs only, not local files"
            if has_urls and not cls.accepts_urls:
                return "takes local files only, not URLs"
            return None

        cls = cast(
            type[ImageTranslator[Any, Any]],
            self.route(
                Capability.IMAGE, provider=provider, need=self._language_need(src, dst, kinds)
            ),
        )
        name = cls.provider.name
        reason = kinds(cls)
        if reason is not None:
            others = [
                c.provider.name
                for c in self.registry.implementations(Capability.IMAGE)
                if kinds(c) is None and c is not cls
            ]
            alternative = f"; use --provider {others[0]}" if others else ""
            example = next(
                s.label
                for s in unique
                if (s.path if has_files and not cls.accepts_files else s.url)
            )
            raise InputError(f"{example}: {name} {reason}{alternative}")
        for item in unique:
            if item.path is not None:
                assert cls.limits is not None
                validation.check_file(item.path, cls.limits, name)
        validation.check_languages(cls.languages, src, dst, name)
        if options.field is not None and options.field not in cls.fields:
            raise InputError(
                f"{name} has no field {options.field!r} "
                f"(fields: {', '.join(sorted(cls.fields)) or 'none'})"
            )
        for option in ("editor_data", "ignore_entity"):
            if getattr(options, option) and option not in cls.options:
                raise InputError(f"{name} does not offer --{option.replace('_', '-')}")

        translator = self.instance(cls)
        chunks = [unique[i : i + cls.max_per_task] for i in range(0, len(unique), cls.max_per_task)]
        names = _OutputNames(Path(output_dir), dst, overwrite)
        names.reserve(unique)
        outcomes: dict[ImageSource, ImageOutcome] = {}
        workers = max(
            1, min(len(chunks), cls.provider.max_concurrent_tasks(self.provider_settings(cls)))
        )

        def run(chunk: list[ImageSource]) -> None:
            task_id = translator.submit(chunk, dst, src, options)
            status = self.wait(lambda t: translator.status(t, chunk), task_id, on_status)
            if status.state is not TaskState.DONE:
                for item in chunk:
                    outcomes[item] = ImageOutcome(
                        source=item.label,
                        provider=name,
                        task_id=task_id,
                        success=False,
                        code=status.code,
                        message=status.message or status.state.value,
                    )
                return
            for result in cast(ImageTaskStatus, status).items:
                outcomes[result.source] = self._save_image(translator, task_id, result, names)

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{name}-images") as pool:
            for future in [pool.submit(run, chunk) for chunk in chunks]:
                future.result()
        return [outcomes[s] for s in sources]

    def _save_image(
        self,
        translator: ImageTranslator[Any, Any],
        task_id: str,
        item: ImageItem,
        names: _OutputNames,
    ) -> ImageOutcome:
        name = translator.provider.name
        if not item.success:
            return ImageOutcome(
                source=item.source.label,
                provider=name,
                task_id=task_id,
                success=False,
                code=item.code,
                message=item.message,
            )
        outputs: dict[str, Path] = {}
        for artifact, reference in item.artifacts.items():
            destination = names.claim(item.source, artifact, reference)
            outputs[artifact] = translator.download(task_id, item, artifact, destination)
        return ImageOutcome(
            source=item.source.label,
            provider=name,
            task_id=task_id,
            success=True,
            code=item.code,
            message=item.message,
            outputs=outputs,
        )

    # -- short requests ----------------------------------------------------------

    def recognize_text(
        self, path: str | Path, *, language: str | None = None, provider: str | None = None
    ) -> OcrResult:
        """Recognise the text in an image."""
        path = Path(path)
        src, _ = self._languages(Capability.OCR, provider, language, None)
        need = Need(
            f"recognise {src or 'any language'}",
            lambda c: None if src is None or src in c.languages.source_codes() else f"no {src}",
        )
        cls = cast(
            type[OcrEngine[Any, Any]], self.route(Capability.OCR, provider=provider, need=need)
        )
        validation.check_file(path, cls.limits, cls.provider.name)
        validation.check_languages(cls.languages, src, None, cls.provider.name)
        return self.instance(cls).recognize(path, src)

    def lookup_word(self, word: str, *, provider: str | None = None) -> DictionaryEntry:
        """Look a word up in a dictionary."""
        cls = cast(type[Dictionary[Any, Any]], self.route(Capability.DICTIONARY, provider=provider))
        validation.check_word(word, cls.min_length, cls.max_length, cls.provider.name)
        return self.instance(cls).lookup(word.strip())

    def translate_text(
        self,
        text: str,
        target: str,
        *,
        source: str | None = None,
        provider: str | None = None,
    ) -> TextResult:
        """Translate a short text."""
        src, dst = self._languages(Capability.TEXT, provider, source, target)
        assert dst is not None
        need = self._language_need(
            src,
            dst,
            lambda c: None if len(text) <= c.max_chars else f"texts up to {c.max_chars} characters",
        )
        cls = cast(
            type[TextTranslator[Any, Any]],
            self.route(Capability.TEXT, provider=provider, need=need),
        )
        validation.check_text(text, cls.max_chars, cls.provider.name)
        validation.check_languages(cls.languages, src, dst, cls.provider.name)
        return self.instance(cls).translate(text, dst, src)

    def account_balance(
        self, kind: str | None = None, *, provider: str | None = None
    ) -> list[Balance]:
        """The account's balance of one resource kind, or of every kind."""
        cls = cast(type[Account[Any, Any]], self.route(Capability.ACCOUNT, provider=provider))
        if kind is not None and kind not in cls.kinds:
            raise InputError(
                f"{cls.provider.name} has no balance kind {kind!r} "
                f"(kinds: {', '.join(sorted(cls.kinds))})"
            )
        account = self.instance(cls)
        return [account.balance(k) for k in ([kind] if kind else sorted(cls.kinds))]

    # -- providers ---------------------------------------------------------------

    def providers(self) -> list[ProviderStatus]:
        """Every provider the installed plugins offer, with its capabilities and
        whether it is configured."""
        table = self.registry.providers()
        shown = []
        for name, capabilities in sorted(table.items()):
            any_cls = next(iter(capabilities.values()))
            record = self.registry.owner(any_cls)
            missing = self._missing(any_cls)
            shown.append(
                ProviderStatus(
                    name=name,
                    title=any_cls.provider.title,
                    plugin=(record.distribution or record.name) if record else "",
                    version=record.version if record else None,
                    capabilities=tuple(c.value for c in capabilities),
                    configured=not missing,
                    missing=tuple(missing),
                )
            )
        return shown

    # -- shared steps ------------------------------------------------------------

    def wait(
        self,
        fetch: Callable[[str], TaskStatus],
        task_id: str,
        on_status: StatusCallback | None = None,
    ) -> TaskStatus:
        """Poll a task until it is final (intervals from the settings)."""
        core = self.settings
        return wait_for(
            lambda: fetch(task_id),
            interval=core.poll_interval,
            max_interval=core.poll_max_interval,
            timeout=core.task_timeout,
            on_update=(lambda status: on_status(task_id, status)) if on_status else None,
        )

    @staticmethod
    def _raise_for_final(provider: str, task_id: str, status: TaskStatus, path: Path) -> None:
        if status.state is TaskState.FAILED:
            raise JobFailedError(
                f"{path}: {provider} task {task_id} failed: {status.message or 'no reason given'}",
                provider=provider,
                code=status.code,
            )
        if status.state is TaskState.EXPIRED:
            raise ResultExpiredError(
                f"{path}: the result of {provider} task {task_id} has expired", provider=provider
            )


def _image_source(item: str | Path) -> ImageSource:
    text = str(item)
    if "://" in text:
        return ImageSource(url=validation.check_url(text))
    return ImageSource(path=Path(text))


class _OutputNames:
    """Unique, safe output names for a batch: ``<stem>.<target><ext>``, with
    ``-2``, ``-3``… when two sources share a name."""

    def __init__(self, folder: Path, target: str, overwrite: bool) -> None:
        self.folder = folder
        self.target = target
        self.overwrite = overwrite
        self._taken: set[str] = set()
        self._stems: dict[ImageSource, str] = {}
        self._lock = threading.Lock()

    def reserve(self, sources: Iterable[ImageSource]) -> None:
        """Give each source its stem up front, in input order, so that names do not
        depend on which task finishes first."""
        for source in sources:
            self._stem(source)

    def _stem(self, source: ImageSource) -> str:
        stem = self._stems.get(source)
        if stem is None:
            base = source.path.name if source.path else unquote(urlsplit(source.url or "").path)
            base_stem = Path(safe_filename(base, fallback="image")).stem or "image"
            stem, number = base_stem, 1
            while stem in self._taken:
                number += 1
                stem = f"{base_stem}-{number}"
            self._taken.add(stem)
            self._stems[source] = stem
        return stem

    def claim(self, source: ImageSource, artifact: str, reference: str) -> Path:
        """The path for one artifact of one source's result."""
        with self._lock:
            stem = self._stem(source)
            extension = Path(urlsplit(reference).path).suffix.lower() if "://" in reference else ""
            if artifact == "template":
                extension = ".json"
            if not extension:
                source_name = source.path.name if source.path else urlsplit(source.url or "").path
                extension = Path(source_name).suffix.lower() or ".png"
            label = "" if artifact == "image" else f".{safe_filename(artifact)}"
            destination = self.folder / f"{stem}.{self.target}{label}{extension}"
            if destination.exists() and not self.overwrite:
                raise InputError("already exists (use --overwrite to replace it)", path=destination)
            return destination


# -- module-level shortcuts, over one default hub --------------------------------

_default: Hub | None = None
_default_lock = threading.Lock()


def default_hub() -> Hub:
    """The hub the module-level functions use (created on first use)."""
    global _default  # noqa: PLW0603 - one lazily created hub behind the shortcuts
    with _default_lock:
        if _default is None:
            _default = Hub()
        return _default


def translate_document(path: str | Path, target: str, **kwargs: Any) -> DocumentResult:
    """:meth:`Hub.translate_document` on the default hub."""
    return default_hub().translate_document(path, target, **kwargs)


def count_pages(path: str | Path, **kwargs: Any) -> PageCount:
    """:meth:`Hub.count_pages` on the default hub."""
    return default_hub().count_pages(path, **kwargs)


def convert_document(path: str | Path, target_format: str, **kwargs: Any) -> DocumentResult:
    """:meth:`Hub.convert_document` on the default hub."""
    return default_hub().convert_document(path, target_format, **kwargs)


def translate_images(
    inputs: Iterable[str | Path], target: str, **kwargs: Any
) -> list[ImageOutcome]:
    """:meth:`Hub.translate_images` on the default hub."""
    return default_hub().translate_images(list(inputs), target, **kwargs)


def recognize_text(path: str | Path, **kwargs: Any) -> OcrResult:
    """:meth:`Hub.recognize_text` on the default hub."""
    return default_hub().recognize_text(path, **kwargs)


def lookup_word(word: str, **kwargs: Any) -> DictionaryEntry:
    """:meth:`Hub.lookup_word` on the default hub."""
    return default_hub().lookup_word(word, **kwargs)


def translate_text(text: str, target: str, **kwargs: Any) -> TextResult:
    """:meth:`Hub.translate_text` on the default hub."""
    return default_hub().translate_text(text, target, **kwargs)


def account_balance(kind: str | None = None, **kwargs: Any) -> list[Balance]:
    """:meth:`Hub.account_balance` on the default hub."""
    return default_hub().account_balance(kind, **kwargs)
