"""Preparing documents and conversions: each input validated against the chosen
provider's declared limits and routed, before anything is sent; the result a typed plan
(:mod:`transhub.jobs.plans`) the batch runner executes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transhub import languages as lang
from transhub import validation
from transhub.capabilities.document import (
    ConvertFormat,
    DocumentConverter,
    DocumentOptions,
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    PageCount,
)
from transhub.capabilities.kinds import Capability
from transhub.errors import InputError, TranshubError
from transhub.pool import ProviderPool
from transhub.router import Need, options_fit, output_format_fit

if TYPE_CHECKING:
    from transhub.jobs.plans import ConvertPlan, DocumentPlan


class DocumentPlanning(ProviderPool):
    """``prepare_document``, ``prepare_convert`` and ``count_pages`` (a part of
    :class:`~transhub.hub.Hub`)."""

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
        fallback: bool | None = None,
    ) -> DocumentPlan:
        """Validate and route a document translation: its plan (the implementation,
        the request, where the result will go).  Nothing is sent, except that with
        ``glossary`` (a CSV/TSV of term pairs; needs ``source``) the provider's
        glossary for that file is looked up, or created once per content
        (:func:`~transhub.glossaries.ensure_glossary`): its content digest is part of
        the plan's fingerprint.  Only providers that take glossaries are routed to.
        The plan names the other candidates, to move to with ``fallback``."""
        from transhub.jobs import fallback as fallbacks
        from transhub.jobs.plans import DocumentPlan

        path = Path(path)
        src, dst = self._languages(Capability.DOCUMENT, provider, source, target)
        assert dst is not None
        options = options or DocumentOptions()
        extension = path.suffix.lower().lstrip(".")
        terms = self._glossary_file(glossary, src)
        if terms is not None:
            # Planning creates the glossary at the provider: a folder the result could
            # not be saved in is refused first (the batch runner checks it otherwise).
            from transhub.files import check_output_folder

            check_output_folder(Path(output_dir))

        def fits(cls: Any) -> str | InputError | None:
            if extension not in cls.limits.extensions:
                try:  # the error naming the file and the accepted types
                    validation.check_file(path, cls.limits, cls.provider.name)
                except InputError as exc:
                    return exc
            return (
                options_fit(cls, options)
                or output_format_fit(cls, options, extension)
                or self._glossary_fit(cls, terms, src, dst)
            )

        need = self._language_need(src, dst, fits)
        cls = cast(
            type[DocumentTranslator[Any, Any]],
            self.route(Capability.DOCUMENT, provider=provider, need=need),
        )
        name = cls.provider.name
        others = fallbacks.alternatives(
            self, Capability.DOCUMENT, name, provider=provider, need=need
        )
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
        plan = DocumentPlan(
            cls,
            request,
            destination,
            output,
            overwrite,
            alternatives=others,
            fallback=fallbacks.enabled(self, fallback),
            glossary_file=str(Path(glossary).resolve()) if glossary is not None else None,
        )
        if (
            destination.exists()
            and not overwrite
            and not self.journal.is_own_output(
                destination, (plan.fingerprint, *plan.alternate_fingerprints)
            )
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
        reason = output_format_fit(cls, options, extension)
        if reason is not None:
            raise InputError(f"{name} {reason}")
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
        unrouted: TranshubError | None = None
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
            except TranshubError as exc:
                if provider is not None:
                    raise
                unrouted = exc  # said if the local count cannot do without a provider
            else:
                if cls.counts_pages:
                    validation.check_file(path, cls.limits, cls.provider.name)
                    with validation.quiet_pypdf():
                        return self.instance(cls).count_pages(path)
        validation.check_content(path)  # a zip of junk named .docx is no document
        with validation.quiet_pypdf():
            try:
                return count_locally(path)
            except InputError as exc:
                if unrouted is None:
                    raise
                # Not "cannot estimate locally" alone: why no provider counted it (two
                # fit and none was chosen, say) is what the user can act on.
                raise type(unrouted)(f"{exc.message}; {unrouted.message}") from None

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
        if destination.resolve() == path.resolve() or (
            destination.exists()
            and not overwrite
            and not self._own_conversion(destination, path, name, src, fmt)
        ):
            raise InputError("already exists (use --overwrite to replace it)", path=destination)
        return ConvertPlan(cls, path, fmt, src, destination, overwrite)

    def _own_conversion(
        self, destination: Path, path: Path, provider: str, source: str | None, fmt: ConvertFormat
    ) -> bool:
        """Whether ``destination`` is the result transhub wrote for this very conversion
        (a rerun reuses it, as a document translation's rerun does)."""
        from transhub.files import file_digest
        from transhub.jobs.drivers.documents import convert_fingerprint

        fingerprint = convert_fingerprint(provider, file_digest(path), source, fmt)
        return self.journal.is_own_output(destination, (fingerprint,))
