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

import functools
import inspect
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from transhub import languages as lang
from transhub import validation
from transhub.capabilities.account import Account, Balance
from transhub.capabilities.base import (
    Implementation,
    LanguageSupport,
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
    ImageTranslator,
)
from transhub.capabilities.kinds import Capability
from transhub.capabilities.ocr import OcrEngine, OcrResult
from transhub.capabilities.text import TextOptions, TextResult, TextTranslator
from transhub.errors import (
    InputError,
    JobFailedError,
    NotFoundError,
    ResultExpiredError,
    TranshubError,
)
from transhub.http import HttpClient
from transhub.naming import Stems, existing_output, image_source, output_name
from transhub.polling import wait_for
from transhub.registry import Registry
from transhub.results import DocumentResult, ImageOutcome, ProviderStatus, Quote
from transhub.router import Need, choose, language_fit, options_fit
from transhub.sandbox import for_hub as sandbox_mode
from transhub.settings import CoreSettings, ProviderSettings, load_settings

if TYPE_CHECKING:
    from transhub.glossaries import GlossaryFile
    from transhub.jobs.plans import ConvertPlan, DocumentPlan
    from transhub.jobs.runner import Runner
    from transhub.journal import Journal

__all__ = [
    "DocumentResult",
    "Hub",
    "ImageOutcome",
    "ProviderStatus",
    "Quote",
    "account_balance",
    "convert_document",
    "count_pages",
    "default_hub",
    "lookup_word",
    "output_name",
    "recognize_text",
    "translate_document",
    "translate_images",
    "translate_text",
]

log = logging.getLogger("transhub")

ImplT = TypeVar("ImplT", bound=Implementation[Any, Any])
P = ParamSpec("P")
R = TypeVar("R")
StatusCallback = Callable[[str, TaskStatus], None]


class Hub:
    """transhub's operations under one configuration.

    ``settings`` and ``provider_settings`` override the environment and the config
    file (the CLI passes its options here); ``registry`` defaults to the installed
    plugins.  ``sandbox=True`` (or ``TRANSHUB_SANDBOX=1``) runs every request against
    the installed providers' local emulators, as ``transhub --sandbox`` does.  A hub
    is thread-safe and builds each provider's client once.
    """

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        settings: dict[str, Any] | None = None,
        provider_settings: dict[str, dict[str, Any]] | None = None,
        journal: Journal | None = None,
        sandbox: bool | None = None,
    ) -> None:
        self.registry = registry or Registry()
        # Sandbox mode (sandbox=True, or TRANSHUB_SANDBOX=1): the installed emulators.
        sandbox_mode(sandbox, self.registry)
        self._journal = journal
        self._core_overrides = settings or {}
        self._provider_overrides = provider_settings or {}
        self._core: CoreSettings | None = None
        self._settings: dict[str, ProviderSettings] = {}
        self._contexts: dict[str, ProviderContext[Any, Any]] = {}
        self._instances: dict[type[Any], Any] = {}
        self._lock = threading.RLock()

    # -- configuration -----------------------------------------------------------

    @property
    def journal(self) -> Journal:
        """The job journal (in the data folder, opened on first use)."""
        with self._lock:
            if self._journal is None:
                from transhub.journal import open_journal

                self._journal = open_journal()
            return self._journal

    def runner(
        self,
        *,
        stop: threading.Event | None = None,
        on_status: StatusCallback | None = None,
        resubmit: bool = False,
        batch_id: str | None = None,
    ) -> Runner:
        """A job runner over this hub and its journal."""
        from transhub.jobs.runner import Runner

        return Runner(
            self,
            self.journal,
            stop=stop,
            on_status=on_status,
            resubmit=resubmit,
            batch_id=batch_id,
        )

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
                    from transhub.errors import missing_credentials

                    raise missing_credentials(
                        {cls.provider.name: missing}, what=f"{cls.provider.name} is not configured"
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
            order=self.settings.routing.order,
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
        source: str | None,
        target: str | None,
        extra: Callable[[Any], str | InputError | None] | None = None,
    ) -> Need:
        def fits(cls: Any) -> str | InputError | None:
            if language_fit(cls, source, target) is not None:
                try:  # the error naming the language, as with --provider
                    validation.check_languages(cls.languages, source, target, cls.provider.name)
                except InputError as exc:
                    return exc
                return language_fit(cls, source, target)
            return extra(cls) if extra is not None else None

        return Need(
            f"translate {source or 'auto'} → {target}", fits, source_given=source is not None
        )

    @staticmethod
    def _glossary_file(glossary: str | Path | None, source: str | None) -> GlossaryFile | None:
        """The glossary file read and validated (nothing sent), with its source given."""
        if glossary is None:
            return None
        from transhub.glossaries import need_source, read_glossary

        terms = read_glossary(glossary)
        need_source(terms, source)
        return terms

    def _glossary_fit(
        self, cls: Any, terms: GlossaryFile | None, source: str | None, target: str
    ) -> str | None:
        if terms is None:
            return None
        from transhub.glossaries import glossary_fit

        return glossary_fit(self, cls, source, target)

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
        force: bool = False,
        on_status: StatusCallback | None = None,
        stop: threading.Event | None = None,
        glossary: str | Path | None = None,
    ) -> DocumentResult:
        """Translate one document and save the result in ``output_dir``.

        The result is named ``<stem>.<target><ext>`` (``.pdf`` with
        ``output=OutputKind.PDF``); an existing file is never replaced unless
        ``overwrite``.  Every step is recorded in the job journal; the same content
        translated the same way before is reused (``force`` translates anew).
        ``on_status(job_id, status)`` sees each progress change; setting ``stop``
        ends the wait (the task stays recorded for ``jobs resume``).  ``glossary``: a
        CSV/TSV file of term pairs the provider applies (see :meth:`prepare_document`).
        """
        plan = self.prepare_document(
            path,
            target,
            source=source,
            provider=provider,
            output_dir=output_dir,
            options=options,
            output=output,
            overwrite=overwrite,
            glossary=glossary,
        )
        result: DocumentResult = self.runner(stop=stop, on_status=on_status).run(plan, force=force)
        return result

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
        glossary: str | Path | None = None,
    ) -> DocumentPlan:
        """Validate and route a document translation: its plan (the implementation,
        the request, where the result will go).  Nothing is sent, except that with
        ``glossary`` (a CSV/TSV of term pairs; needs ``source``) the provider's
        glossary for that file is looked up, or created once per content
        (:func:`~transhub.glossaries.ensure_glossary`): its content digest is part of
        the plan's fingerprint.  Only providers that take glossaries are routed to."""
        from transhub.jobs.plans import DocumentPlan

        path = Path(path)
        src, dst = self._languages(Capability.DOCUMENT, provider, source, target)
        assert dst is not None
        options = options or DocumentOptions()
        extension = path.suffix.lower().lstrip(".")
        terms = self._glossary_file(glossary, src)

        def fits(cls: Any) -> str | InputError | None:
            if extension not in cls.limits.extensions:
                try:  # the error naming the file and the accepted types
                    validation.check_file(path, cls.limits, cls.provider.name)
                except InputError as exc:
                    return exc
            return options_fit(cls, options) or self._glossary_fit(cls, terms, src, dst)

        cls = cast(
            type[DocumentTranslator[Any, Any]],
            self.route(
                Capability.DOCUMENT, provider=provider, need=self._language_need(src, dst, fits)
            ),
        )
        name = cls.provider.name
        validation.check_file(path, cls.limits, name)
        validation.check_languages(cls.languages, src, dst, name)
        self._check_document_options(cls, options, output, extension)
        suffix = ".pdf" if output is OutputKind.PDF else path.suffix
        # A result in another format (DeepL: .doc comes back as .docx; output_format).
        converted = options.output_format or cls.result_extensions.get(extension)
        if output is OutputKind.SAME and converted:
            suffix = "." + converted.lower().lstrip(".")
        destination = Path(output_dir) / f"{path.stem}.{dst}{suffix}"
        digest = None
        if terms is not None and src is not None:
            from transhub.glossaries import glossary_for

            glossary_id, digest = glossary_for(self, cls, terms, src, dst)
            options = options.model_copy(update={"glossary_id": glossary_id})
        request = DocumentRequest(
            path=path, target=dst, source=src, options=options, glossary_digest=digest
        )
        plan = DocumentPlan(cls, request, destination, output, overwrite)
        if (
            destination.exists()
            and not overwrite
            and not self.journal.is_own_output(destination, plan.fingerprint)
        ):
            raise InputError("already exists (use --overwrite to replace it)", path=destination)
        return plan

    @staticmethod
    def _check_document_options(
        impl: type[DocumentTranslator[Any, Any]],
        options: DocumentOptions,
        output: OutputKind,
        extension: str,
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
        if output is OutputKind.PDF and cls.pdf_from is not None and extension not in cls.pdf_from:
            accepted = ", ".join(f".{e}" for e in sorted(cls.pdf_from))
            raise InputError(
                f"{name} delivers a PDF only for {accepted} documents, not .{extension}"
            )

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

    def quote_documents(self, plans: Sequence[DocumentPlan]) -> list[Quote]:
        """Page estimates for document plans (see :meth:`prepare_document`).

        Where the provider counts pages itself, its count is used and the upload it
        keeps is attached to the plan (``prepared_task_id``), so translating
        afterwards sends nothing twice; elsewhere the count is local.
        """
        from transhub.pages import count_locally

        quotes = []
        for plan in plans:
            kept = plan
            if plan.implementation.counts_pages:
                count = self.instance(plan.implementation).count_pages(plan.request.path)
                if count.task_id is not None:
                    kept = plan.with_prepared_task(count.task_id)
            else:
                count = count_locally(plan.request.path)
            quotes.append(
                Quote(
                    provider=plan.provider,
                    pages=count.pages,
                    exact=count.exact,
                    prepared=kept,
                    characters=count.characters,
                )
            )
        return quotes

    def balances_for(self, quotes: Sequence[Quote]) -> dict[str, tuple[int, Balance | None]]:
        """For each provider of ``quotes``: the pages estimated and its documents
        balance (``None`` where the provider reports none)."""
        totals: dict[str, int] = {}
        for quote in quotes:
            totals[quote.provider] = totals.get(quote.provider, 0) + quote.pages
        result: dict[str, tuple[int, Balance | None]] = {}
        for provider, pages in totals.items():
            offers = any(
                c.provider.name == provider and "document" in getattr(c, "kinds", ())
                for c in self.registry.implementations(Capability.ACCOUNT)
            )
            balance = self.account_balance("document", provider=provider)[0] if offers else None
            result[provider] = (pages, balance)
        return result

    def convert_document(
        self,
        path: str | Path,
        target_format: ConvertFormat | str,
        *,
        source: str | None = None,
        provider: str | None = None,
        output_dir: str | Path = ".",
        overwrite: bool = False,
        force: bool = False,
        on_status: StatusCallback | None = None,
        stop: threading.Event | None = None,
    ) -> DocumentResult:
        """Convert a document to ``target_format`` and save it as ``<stem>.<ext>``
        (journalled and deduplicated like :meth:`translate_document`)."""
        plan = self.prepare_convert(
            path,
            target_format,
            source=source,
            provider=provider,
            output_dir=output_dir,
            overwrite=overwrite,
        )
        result: DocumentResult = self.runner(stop=stop, on_status=on_status).run(plan, force=force)
        return result

    def prepare_convert(
        self,
        path: str | Path,
        target_format: ConvertFormat | str,
        *,
        source: str | None = None,
        provider: str | None = None,
        output_dir: str | Path = ".",
        overwrite: bool = False,
    ) -> ConvertPlan:
        """Validate and route a conversion without sending anything: its plan."""
        from transhub.jobs.plans import ConvertPlan

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
        return ConvertPlan(cls, path, fmt, src, destination, overwrite)

    # -- images ------------------------------------------------------------------

    def prepare_images(
        self,
        unique: Sequence[ImageSource],
        target: str,
        *,
        source: str | None,
        provider: str | None,
        options: ImageOptions,
    ) -> tuple[type[ImageTranslator[Any, Any]], str | None, str]:
        """Validate and route an image batch without sending anything: the
        implementation class and the canonical source and target languages."""
        if not unique:
            raise InputError("no image given")
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
        return cls, src, dst

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
        force: bool = False,
        jobs: int | None = None,
        on_status: StatusCallback | None = None,
        stop: threading.Event | None = None,
        batch_id: str | None = None,
    ) -> list[ImageOutcome]:
        """Translate images (local files or http(s) URLs), one outcome per input in
        input order.  Repeated inputs are translated once.  A batch larger than the
        provider's task size is split into tasks run concurrently, up to the
        provider's limit (and ``jobs``); every artifact is downloaded as soon as its
        task is done.  ``batch_id`` records the jobs as part of a journalled batch
        (:meth:`~transhub.journal.Journal.open_batch`)."""
        options = options or ImageOptions()
        sources = [image_source(item) for item in inputs]
        unique = list(dict.fromkeys(sources))
        cls, src, dst = self.prepare_images(
            unique, target, source=source, provider=provider, options=options
        )
        from transhub.jobs.drivers.images import ImageDriver, image_print

        name = cls.provider.name
        names = Stems()
        names.reserve(unique)
        folder = Path(output_dir)
        if not overwrite:
            for item in unique:
                taken = existing_output(folder, names.stem(item), dst)
                if taken is not None and not self.journal.is_own_output(
                    taken, image_print(name, item, dst, src, options)
                ):
                    raise InputError("already exists (use --overwrite to replace it)", path=taken)
        stop = stop or threading.Event()
        driver = ImageDriver(self.runner(stop=stop, on_status=on_status, batch_id=batch_id))
        outcomes = driver.translate(
            cls,
            unique,
            {s: names.stem(s) for s in unique},
            target=dst,
            source=src,
            options=options,
            output_dir=folder,
            overwrite=overwrite,
            force=force,
            workers=min(jobs or 64, cls.provider.max_concurrent_tasks(self.provider_settings(cls))),
        )
        return [outcomes[s] for s in sources]

    def download_job(self, job_id: str, output_dir: str | Path) -> list[Path]:
        """Save a journalled job's results again into ``output_dir``: from the
        provider while it keeps them, else copied from this job's saved files when
        they are intact.  Returns the paths written."""
        from transhub.jobs.drivers.images import image_source
        from transhub.jobs.runner import copy_saved

        job = self.journal.get(job_id)
        folder = Path(output_dir)
        if job.state.value == "expired":
            return copy_saved(job, folder)  # the provider no longer has it: saved copies only
        if job.task_id is None or job.state.value not in ("finished", "completed"):
            raise InputError(f"job {job.id} has no result to download (state: {job.state.value})")
        written: list[Path] = []
        try:
            if job.capability in ("document", "convert"):
                capability = (
                    Capability.DOCUMENT if job.capability == "document" else Capability.CONVERT
                )
                impl = self.instance(self.route(capability, provider=job.provider))
                destination = folder / Path(job.items[0].plan["document"]).name
                if isinstance(impl, DocumentTranslator):
                    kind = OutputKind(job.request["kind"])
                    written.append(impl.download(job.task_id, destination, kind).path)
                else:
                    written.append(cast(Any, impl).download(job.task_id, destination).path)
            else:
                translator = self.instance(
                    cast(
                        type[ImageTranslator[Any, Any]],
                        self.route(Capability.IMAGE, provider=job.provider),
                    )
                )
                for item in job.items:
                    result = ImageItem(
                        source=image_source(item), success=True, artifacts=item.artifacts
                    )
                    for artifact, reference in item.artifacts.items():
                        destination = output_name(
                            folder, item.plan["stem"], job.request["target"], artifact, reference
                        )
                        written.append(
                            translator.download(job.task_id, result, artifact, destination)
                        )
        except (ResultExpiredError, NotFoundError):
            written = copy_saved(job, folder)
        return written

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

    def lookup_word(
        self,
        word: str,
        *,
        source: str | None = None,
        target: str | None = None,
        provider: str | None = None,
    ) -> DictionaryEntry:
        """Look a word up in a dictionary (from ``source`` into ``target``, when given)."""
        src, dst = self._languages(Capability.DICTIONARY, provider, source, target)
        need = None
        if src is not None or dst is not None:
            need = Need(
                f"look words up {src or 'any language'} → {dst or 'any language'}",
                lambda c: None if c.languages.supports(src, dst) else f"no {src} → {dst}",
            )
        cls = cast(
            type[Dictionary[Any, Any]],
            self.route(Capability.DICTIONARY, provider=provider, need=need),
        )
        validation.check_word(word, cls.min_length, cls.max_length, cls.provider.name)
        if src is not None or dst is not None:
            validation.check_languages(cls.languages, src, dst, cls.provider.name)
        entry = self.instance(cls).lookup_in(word.strip(), src, dst)
        if cls.attribution and not entry.attribution:
            entry = entry.model_copy(update={"attribution": cls.attribution})
        return entry

    def translate_text(
        self,
        text: str,
        target: str,
        *,
        source: str | None = None,
        provider: str | None = None,
        options: TextOptions | None = None,
        glossary: str | Path | None = None,
    ) -> TextResult:
        """Translate a short text (``options``: formality, glossary, tag handling…,
        honoured only by providers that declare them).  ``glossary``: a CSV/TSV file
        of term pairs (needs ``source``), sent as the provider's glossary created once
        per content; only providers that take glossaries are routed to."""
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
        cls = cast(
            type[TextTranslator[Any, Any]],
            self.route(Capability.TEXT, provider=provider, need=need),
        )
        validation.check_text(text, cls.max_chars, cls.provider.name)
        validation.check_languages(cls.languages, src, dst, cls.provider.name)
        reason = options_fit(cls, options)
        if reason is not None:
            raise InputError(f"{cls.provider.name} {reason}")
        if terms is not None and src is not None:
            from transhub.glossaries import glossary_for

            glossary_id, _digest = glossary_for(self, cls, terms, src, dst)
            options = (options or TextOptions()).model_copy(update={"glossary_id": glossary_id})
        if options is not None:
            return self.instance(cls).translate_many([text], dst, src, options)[0]
        return self.instance(cls).translate(text, dst, src)

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
        *,
        stop: threading.Event | None = None,
        fresh: bool = False,
    ) -> TaskStatus:
        """Poll a task until it is final (intervals from the settings; ``fresh``: it
        was just submitted, see :func:`~transhub.polling.wait_for`)."""
        core = self.settings
        return wait_for(
            lambda: fetch(task_id),
            interval=core.poll_interval,
            max_interval=core.poll_max_interval,
            timeout=core.task_timeout,
            on_update=(lambda status: on_status(task_id, status)) if on_status else None,
            stop=stop,
            fresh=fresh,
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


_default: Hub | None = None
_default_lock = threading.Lock()


def default_hub() -> Hub:
    """The hub the module-level functions use (created on first use)."""
    global _default  # noqa: PLW0603 - one lazily created hub behind the shortcuts
    with _default_lock:
        if _default is None:
            _default = Hub()
        return _default


def _on_default_hub(method: Callable[Concatenate[Hub, P], R]) -> Callable[P, R]:
    """``method`` as a module-level function on :func:`default_hub`, with the method's
    own signature (``ParamSpec`` for editors and type checkers, ``__signature__`` for
    ``help()`` and IPython): one definition, so the two cannot drift."""

    @functools.wraps(method)
    def shortcut(*args: P.args, **kwargs: P.kwargs) -> R:
        return method(default_hub(), *args, **kwargs)

    signature = inspect.signature(method)
    shortcut.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values())[1:]
    )
    shortcut.__doc__ = f"``Hub.{method.__name__}`` on the default hub.\n\n{method.__doc__ or ''}"
    return shortcut


translate_document = _on_default_hub(Hub.translate_document)
count_pages = _on_default_hub(Hub.count_pages)
convert_document = _on_default_hub(Hub.convert_document)
translate_images = _on_default_hub(Hub.translate_images)
recognize_text = _on_default_hub(Hub.recognize_text)
lookup_word = _on_default_hub(Hub.lookup_word)
translate_text = _on_default_hub(Hub.translate_text)
account_balance = _on_default_hub(Hub.account_balance)
