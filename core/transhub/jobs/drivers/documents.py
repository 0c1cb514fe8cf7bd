"""Documents and conversions: one file in, one result file out, one job each."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, cast

from transhub.capabilities.base import Implementation, TaskStatus
from transhub.capabilities.document import (
    ConvertFormat,
    DocumentConverter,
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    SavedDocument,
)
from transhub.capabilities.kinds import Capability
from transhub.errors import JobFailedError, TranshubError
from transhub.files import atomic_writer, digests, file_digest
from transhub.jobs import fallback, placement
from transhub.jobs.drivers import Driver, copy_prior
from transhub.jobs.model import Item, ItemStatus, Job, JobState
from transhub.jobs.plans import ConvertPlan, DocumentPlan
from transhub.jobs.requests import ConvertJobRequest, DocumentJobRequest, FallbackSpec
from transhub.jobs.runner import fingerprint, maybe_submitted
from transhub.results import DocumentResult


def document_fingerprint(
    provider: str, request: DocumentRequest, kind: OutputKind, sha256: str | None = None
) -> str:
    """What makes two document translations the same work at ``provider`` — the one
    that does the work, never a chain of candidates (the same work at the same
    provider has one fingerprint, with or without ``--fallback``).  A glossary from a
    file counts by its content (the same terms are the same work, whichever id the
    provider gave them; other terms are other work)."""
    options = request.options.model_dump()
    extra = {}
    if request.glossary_digest is not None:
        options["glossary_id"] = None
        extra["glossary"] = request.glossary_digest
    return fingerprint(
        capability="document",
        provider=provider,
        sha256=sha256 or file_digest(request.path),
        source=request.source,
        target=request.target,
        options=options,
        kind=kind.value,
        **extra,
    )


def job_request(
    plan: DocumentPlan,
    *,
    next_: Sequence[str] | None = None,
    enabled: bool | None = None,
    glossary: str | None = None,
    path: Path | None = None,
) -> DocumentJobRequest:
    """What a document job records of its request: enough to submit, resume, or move
    it to the next candidate (``next_``: the candidates left, default the plan's;
    ``path``: the input's, already resolved)."""
    request = plan.request
    return DocumentJobRequest(
        path=path or request.path.resolve(),
        target=request.target,
        source=request.source,
        options=request.options,
        kind=plan.kind,
        overwrite=plan.overwrite,
        prepared_task_id=request.prepared_task_id,
        # The glossary sent (options.glossary_id) and the content it was made from.
        glossary_digest=request.glossary_digest,
        glossary_file=glossary if glossary is not None else plan.glossary_file,
        fallback=FallbackSpec(
            enabled=plan.fallback if enabled is None else enabled,
            next=tuple(plan.alternatives if next_ is None else next_),
        ),
    )


def convert_fingerprint(provider: str, sha256: str, source: str | None, fmt: ConvertFormat) -> str:
    """What makes two conversions the same work."""
    return fingerprint(
        capability="convert", provider=provider, sha256=sha256, source=source, format=fmt.value
    )


class SingleFileDriver(Driver):
    """What documents and conversions share: claim, then submit, adopt, wait or reuse."""

    def run(
        self,
        provider: str,
        item: Item,
        request: DocumentJobRequest | ConvertJobRequest,
        destination: Path,
        *,
        force: bool,
    ) -> DocumentResult:
        """The result of ``item``'s work saved at ``destination``, paid at most once:
        identical completed work is reused, work in flight elsewhere is waited for,
        an orphan is adopted and finished, and only new work is submitted."""
        runner = self.runner
        failed = runner.failed_before(item)
        if failed is not None:
            raise failed
        ignore: set[str] = set()
        while True:
            slot = runner.claim(
                provider=provider,
                capability=self.capability,
                request=lambda _items: request,
                items=[item],
                force=force,
                ignore=frozenset(ignore),
            )[0]
            holder = slot.holder
            if holder is None:
                try:
                    with runner.working(slot.job or self.journal.get(slot.job_id)) as job:
                        return cast(DocumentResult, self.drive(job, resubmit=True))
                except fallback.HeldElsewhere:
                    continue  # its next candidate's work is another job's: use that one
            if holder.state is JobState.COMPLETED:
                prior = runner.intact(holder)
                if prior is not None:
                    return self.reused(provider, request, item, prior, holder.job_id, destination)
                done = runner.done_before(item)
                if done is not None:  # this batch's own result, moved away: not paid again
                    raise done
                ignore.add(holder.job_id)  # its files were changed or removed
            elif holder.orphan:
                adopted = runner.adopt(holder)
                if adopted is not None:
                    self.redirect(adopted, destination)
                    with runner.working(adopted) as job:
                        result = cast(DocumentResult, self.drive(job, resubmit=runner.resubmit))
                    return self.deliver(result, destination, request.overwrite)
            else:
                state = runner.await_holder(holder, item.input)
                if state in (JobState.FAILED, JobState.EXPIRED):
                    other = self.journal.get(holder.job_id)
                    raise JobFailedError(
                        f"{item.input}: identical job {other.id} ended {state.value}: "
                        f"{other.error or 'no reason given'}",
                        provider=provider,
                    )

    def reused(
        self,
        provider: str,
        request: DocumentJobRequest | ConvertJobRequest,
        item: Item,
        prior: Item,
        prior_job: str,
        destination: Path,
    ) -> DocumentResult:
        """Identical earlier work's result, copied to ``destination`` (and recorded
        under the provider that made it: with fallback, maybe not the first one)."""
        earlier = self.journal.get(prior_job)
        provider = earlier.provider
        key = next(iter(prior.outputs))
        outputs = copy_prior(prior, {key: destination}, request.overwrite)
        job = self.runner.record_reuse(
            provider, self.capability, request, Item(**item.__dict__), outputs
        )
        return DocumentResult(
            input=Path(item.input),
            output=destination.resolve(),
            provider=provider,
            task_id="",
            job_id=job.id,
            pages=earlier.pages,
            sha256=outputs[key]["sha256"],
            reused=True,
        )

    def redirect(self, job: Job, destination: Path) -> None:
        """An adopted job not yet downloaded saves its result where this run asks
        (a rerun with a new ``-o``), not at the destination the stopped run planned
        (which may be the very folder that made it fail)."""
        planned = job.items[0].plan.get("document")
        wanted = str(destination.resolve())
        if planned != wanted and job.state is not JobState.COMPLETED:
            plan = {**job.items[0].plan, "document": wanted}
            self.journal.update_item(job.id, 0, plan=plan)
            job.items[0].plan = plan

    @staticmethod
    def deliver(result: DocumentResult, destination: Path, overwrite: bool) -> DocumentResult:
        """An adopted job's result, copied to this request's destination if it went
        elsewhere."""
        if result.output.resolve() == destination.resolve():
            return result
        with (
            atomic_writer(destination, overwrite=overwrite) as handle,
            result.output.open("rb") as source,
        ):
            shutil.copyfileobj(source, handle)
        return result.model_copy(update={"output": destination.resolve()})

    def finish(
        self,
        job: Job,
        implementation: Implementation[Any, Any],
        fetch: Callable[[str], TaskStatus],
        download: Callable[[str, Path], SavedDocument],
    ) -> DocumentResult:
        """Wait for a one-file job (if still running), save its result, record it."""
        runner = self.runner
        try:
            running = job.state is JobState.RUNNING
            status = runner.wait(job, implementation, fetch) if running else None
            destination = Path(job.items[0].plan["document"])
            saved = download(job.task_id or "", placement.landing(job, destination))
            # The plan's destination, recorded resolved (see DocumentDriver.parts).
            final = placement.place(
                self.journal, job, saved.path, destination, saved.sha256,
                job.items[0].fingerprint, resolved=True,
            )  # fmt: skip
        except TranshubError as exc:
            runner.record_failure(job, exc)
            raise
        saved = saved.model_copy(update={"path": final})
        outputs = {
            "document": {"path": str(saved.path), "sha256": saved.sha256, "size": saved.size}
        }
        self.journal.update_item(
            job.id, 0, state=ItemStatus.COMPLETED, outputs=outputs, job_state=JobState.COMPLETED
        )
        job.state = JobState.COMPLETED
        # Waited for here: ``job`` holds what the wait recorded; else the journal does.
        recorded = job if status is not None else self.journal.get(job.id)
        return DocumentResult(
            input=Path(job.items[0].input),
            output=saved.path,
            provider=job.provider,
            task_id=job.task_id or "",
            job_id=job.id,
            pages=status.pages if status else recorded.pages,
            billed_characters=recorded.billed_characters,
            sha256=saved.sha256,
            detected_language=saved.detected_language
            or (status.detected_language if status else None),
        )


class DocumentDriver(SingleFileDriver):
    """Document translations."""

    capability: ClassVar[Capability] = Capability.DOCUMENT

    def run_plan(self, plan: DocumentPlan, *, force: bool) -> DocumentResult:
        """Translate one document plan (see :meth:`Hub.prepare_document`)."""
        item, request = self.parts(plan)
        return self.run(plan.provider, item, request, plan.resolved_destination, force=force)

    @staticmethod
    def parts(plan: DocumentPlan) -> tuple[Item, DocumentJobRequest]:
        """The journal item and job request a document plan is recorded as."""
        request = plan.request
        path = plan.resolved_path
        known = digests(path)  # the size and hash of one look at the file
        item = Item(
            position=0,
            input=str(request.path),
            fingerprint=plan.fingerprint,
            plan={"document": str(plan.resolved_destination)},
            alternates=plan.alternate_fingerprints,
            input_size=known.size,
            input_sha256=known.sha256,
        )
        return item, job_request(plan, path=path)

    def drive(self, job: Job, *, resubmit: bool) -> DocumentResult:
        """Take a document job from its recorded state to completed."""
        runner = self.runner
        cls = cast(
            type[DocumentTranslator[Any, Any]],
            self.hub.route(Capability.DOCUMENT, provider=job.provider),
        )
        translator = self.hub.instance(cls)
        spec = self.request(job, DocumentJobRequest)
        request = spec.document(job.prepared_task_id)
        if job.state is JobState.SUBMITTING:
            safe = request.prepared_task_id is not None and translator.idempotent_submit
            if job.may_have_been_submitted and not (resubmit or safe):
                raise maybe_submitted(job)
            moved = fallback.guarded(
                runner, job, lambda: self._submit(job, translator, request), fallback.move_document
            )
            if moved is not None:  # refused before any payment: the next provider's turn
                return self.drive(moved, resubmit=resubmit)
        else:
            runner.remind(translator, job)
        return self.finish(
            job, translator, translator.status, lambda t, d: translator.download(t, d, spec.kind)
        )

    def _submit(
        self, job: Job, translator: DocumentTranslator[Any, Any], request: DocumentRequest
    ) -> None:
        """The submit step: for a provider that counts pages on an upload it keeps,
        upload first without paying (the task id is journalled before the submit that
        charges, and a repeated submit of it is refused, not charged).  A failure is
        left to the caller to record (it may move the job: transhub.jobs.fallback)."""
        runner = self.runner
        if (
            request.prepared_task_id is None
            and translator.idempotent_submit
            and translator.counts_pages
        ):
            runner._check_stop()
            count = translator.count_pages(request.path)
            self.journal.update(job.id, prepared_task_id=count.task_id, pages=count.pages)
            request = request.model_copy(update={"prepared_task_id": count.task_id})
        runner.submit(job, translator, lambda: translator.submit(request), record_failure=False)


class ConvertDriver(SingleFileDriver):
    """Format conversions."""

    capability: ClassVar[Capability] = Capability.CONVERT

    def run_plan(self, plan: ConvertPlan, *, force: bool) -> DocumentResult:
        """Convert one document plan (see :meth:`Hub.prepare_convert`)."""
        item, request = self.parts(plan)
        return self.run(plan.provider, item, request, plan.resolved_destination, force=force)

    @staticmethod
    def parts(plan: ConvertPlan) -> tuple[Item, ConvertJobRequest]:
        """The journal item and job request a conversion plan is recorded as."""
        path, destination = plan.resolved_path, plan.resolved_destination
        sha = file_digest(path)
        item = Item(
            position=0,
            input=str(path),
            fingerprint=convert_fingerprint(plan.provider, sha, plan.source, plan.format),
            plan={"document": str(destination)},
            input_size=path.stat().st_size,
            input_sha256=sha,
        )
        request = ConvertJobRequest(
            path=path, format=plan.format, source=plan.source, overwrite=plan.overwrite
        )
        return item, request

    def drive(self, job: Job, *, resubmit: bool) -> DocumentResult:
        """Take a conversion job from its recorded state to completed."""
        cls = cast(
            type[DocumentConverter[Any, Any]],
            self.hub.route(Capability.CONVERT, provider=job.provider),
        )
        converter = self.hub.instance(cls)
        spec = self.request(job, ConvertJobRequest)
        if job.state is JobState.SUBMITTING:
            if job.may_have_been_submitted and not resubmit:
                raise maybe_submitted(job)
            self.runner.submit(
                job, converter, lambda: converter.submit(spec.path, spec.format, spec.source)
            )
        else:
            self.runner.remind(converter, job)
        return self.finish(job, converter, converter.status, converter.download)
