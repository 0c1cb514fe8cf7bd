"""Running remote tasks through the journal, so that nothing is lost or paid twice.

:class:`Runner` drives documents, conversions and image tasks step by step, writing
the journal *before* each step that may cost money and after each step that changes
what a resume must do.  :meth:`Runner.resume` picks a job up from whatever state a
killed process left it in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transhub.capabilities.base import Implementation, TaskState, TaskStatus
from transhub.capabilities.document import (
    ConvertFormat,
    DocumentConverter,
    DocumentOptions,
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    SavedDocument,
)
from transhub.capabilities.image import (
    ImageItem,
    ImageOptions,
    ImageSource,
    ImageTaskStatus,
    ImageTranslator,
)
from transhub.capabilities.kinds import Capability
from transhub.errors import (
    Interrupted,
    JobFailedError,
    ResponseFormatError,
    ResultExpiredError,
    TranshubError,
    TransientError,
)
from transhub.files import atomic_writer, file_digest, remove_stale_parts, unique_path
from transhub.journal import Item, Job, JobState, Journal, now
from transhub.naming import output_name
from transhub.results import DocumentResult, ImageOutcome

if TYPE_CHECKING:
    from transhub.api import Hub

log = logging.getLogger("transhub.jobs")

StatusCallback = Callable[[str, TaskStatus], None]

#: Result files of one image task downloaded at once.
DOWNLOADS_AT_ONCE = 8


class MaybeSubmittedError(TranshubError):
    """A job whose submit may have reached the provider; resuming it could pay twice."""

    kind = "failure"


def fingerprint(**parts: Any) -> str:
    """What makes two requests the same work: content, provider, languages, options."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _epoch(stamp: str | None) -> float | None:
    return datetime.fromisoformat(stamp).timestamp() if stamp else None


def elapsed_since(stamp: str) -> float:
    """Seconds since a time recorded in the journal."""
    return time.time() - datetime.fromisoformat(stamp).timestamp()


def _unknown_fate(exc: TranshubError) -> bool:
    """Whether a failed submit may nonetheless have started the task."""
    return (isinstance(exc, TransientError) and not exc.retryable) or isinstance(
        exc, ResponseFormatError
    )


class Runner:
    """Runs jobs for one :class:`~transhub.api.Hub` and one :class:`Journal`.

    ``stop`` (set on Ctrl-C) stops new submits and ends waits; running remote tasks
    stay recorded for ``transhub jobs resume``.
    """

    def __init__(
        self,
        hub: Hub,
        journal: Journal,
        *,
        stop: threading.Event | None = None,
        on_status: StatusCallback | None = None,
    ) -> None:
        self.hub = hub
        self.journal = journal
        self.stop = stop or threading.Event()
        self.on_status = on_status
        #: Jobs submitted by this runner (their progress is measured from the submit).
        self._submitted_here: set[str] = set()

    # -- shared steps ----------------------------------------------------------------

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Interrupted("interrupted before submitting")

    def _submit(self, job: Job, call: Callable[[], str]) -> str:
        """Submit, recording the outcome: the task id, a failure that cost nothing, or
        a failure of unknown fate (the job stays ``submitting``: "may have been
        submitted")."""
        self._check_stop()
        try:
            task_id = call()
        except TranshubError as exc:
            if _unknown_fate(exc):
                self.journal.update(
                    job.id, message="may have been submitted", error=str(exc), error_kind=exc.kind
                )
            else:
                self.journal.update(
                    job.id, state=JobState.FAILED, error=str(exc), error_kind=exc.kind
                )
            raise
        self.journal.update(
            job.id,
            state=JobState.RUNNING,
            task_id=task_id,
            submitted_at=now(),
            message="",
            error=None,
            error_kind=None,
        )
        job.task_id, job.state = task_id, JobState.RUNNING
        self._submitted_here.add(job.id)
        return task_id

    def _wait(self, job: Job, fetch: Callable[[str], TaskStatus]) -> TaskStatus:
        assert job.task_id is not None

        def update(task_id: str, status: TaskStatus) -> None:
            self.journal.update(
                job.id, percent=status.percent, pages=status.pages, message=status.message
            )
            if self.on_status is not None:
                self.on_status(job.id, status)

        fresh = job.id in self._submitted_here
        status = self.hub.wait(fetch, job.task_id, update, stop=self.stop, fresh=fresh)
        if status.state is TaskState.FAILED:
            message = status.message or "no reason given"
            self.journal.update(
                job.id, state=JobState.FAILED, error=message, error_kind="job-failed"
            )
            raise JobFailedError(
                f"{job.provider} task {job.task_id} failed: {message}",
                provider=job.provider,
                code=status.code,
                provider_message=status.message or None,
            )
        if status.state is TaskState.EXPIRED:
            self.journal.update(
                job.id, state=JobState.EXPIRED, error=status.message, error_kind="result-expired"
            )
            raise ResultExpiredError(
                f"the result of {job.provider} task {job.task_id} has expired",
                provider=job.provider,
            )
        self.journal.update(
            job.id, state=JobState.FINISHED, finished_at=now(), pages=status.pages, percent=100.0
        )
        job.state = JobState.FINISHED
        return status

    @staticmethod
    def _remind(implementation: Implementation[Any, Any], job: Job) -> None:
        """Before resuming in a new process, tell the implementation what the journal
        knows of the task (a provider that forgets finished results can then tell
        "expired" from "unknown")."""
        if job.task_id:
            implementation.remember(
                job.task_id,
                submitted_at=_epoch(job.submitted_at),
                finished_at=_epoch(job.finished_at),
            )

    @staticmethod
    def _landing(job: Job, destination: Path) -> Path:
        """Where a provider writes a result before the core moves it into place: a
        hidden file beside the destination, named after the job (a killed run's
        leftovers there are removed first)."""
        landing = destination.with_name(f".{destination.name}.{job.id}.download")
        remove_stale_parts(landing)
        landing.unlink(missing_ok=True)
        return landing

    def _place(self, job: Job, landed: Path, destination: Path, sha256: str) -> Path:
        """Move a downloaded result to its destination without ever replacing a file
        that is not this job's (unless the job was asked to overwrite).  A different
        file that appeared there meanwhile is kept, and the result — paid for — goes
        to the next free name instead."""
        if job.request.get("overwrite"):
            landed.replace(destination)
            return destination
        target = destination
        while True:
            try:
                os.link(landed, target)
            except FileExistsError:
                if file_digest(target) == sha256:
                    break  # this job's own result, saved by a run that died before recording it
                log.warning("%s appeared meanwhile and is kept; the result goes elsewhere", target)
                target = unique_path(target)
                continue
            break
        landed.unlink()
        return target

    def _record_failure(self, job: Job, exc: TranshubError) -> None:
        if isinstance(exc, ResultExpiredError):
            self.journal.update(job.id, state=JobState.EXPIRED, error=str(exc), error_kind=exc.kind)

    def _reuse(
        self, item: Item, prior: Item, destinations: dict[str, Path], overwrite: bool
    ) -> dict[str, Any]:
        """Copy a prior result's files to this item's destinations."""
        outputs: dict[str, Any] = {}
        for artifact, saved in prior.outputs.items():
            destination = destinations.get(artifact)
            if destination is None:
                continue
            with (
                atomic_writer(destination, overwrite=overwrite) as handle,
                Path(saved["path"]).open("rb") as source,
            ):
                shutil.copyfileobj(source, handle)
            outputs[artifact] = {
                "path": str(destination),
                "sha256": saved["sha256"],
                "size": saved.get("size"),
            }
        return outputs

    # -- documents -------------------------------------------------------------------

    def document(
        self,
        cls: type[DocumentTranslator[Any, Any]],
        request: DocumentRequest,
        destination: Path,
        kind: OutputKind,
        *,
        overwrite: bool = False,
        force: bool = False,
    ) -> DocumentResult:
        """Translate one validated document (see :meth:`Hub.prepare_document`)."""
        path = request.path.resolve()
        destination = destination.resolve()
        sha = file_digest(path)
        provider = cls.provider.name
        print_ = self.document_fingerprint(cls, request, kind, sha)
        item = Item(
            position=0,
            input=str(request.path),
            fingerprint=print_,
            plan={"document": str(destination)},
            input_size=path.stat().st_size,
            input_sha256=sha,
        )
        job_request = {
            "path": str(path),
            "target": request.target,
            "source": request.source,
            "options": request.options.model_dump(),
            "kind": kind.value,
            "overwrite": overwrite,
            "prepared_task_id": request.prepared_task_id,
        }
        prior = None if force else self.journal.reusable(print_)
        if prior is not None:
            return self._reused_document(
                provider, "document", job_request, item, prior, destination, overwrite
            )
        job = self.journal.create(
            provider=provider, capability="document", request=job_request, items=[item]
        )
        if request.prepared_task_id:
            self.journal.update(job.id, prepared_task_id=request.prepared_task_id)
            job.prepared_task_id = request.prepared_task_id
        return self._drive_document(job, resubmit=True)

    @staticmethod
    def document_fingerprint(
        impl: type[DocumentTranslator[Any, Any]],
        request: DocumentRequest,
        kind: OutputKind,
        sha256: str | None = None,
    ) -> str:
        """What makes two document translations the same work."""
        return fingerprint(
            capability="document",
            provider=impl.provider.name,
            sha256=sha256 or file_digest(request.path),
            source=request.source,
            target=request.target,
            options=request.options.model_dump(),
            kind=kind.value,
        )

    def is_own_result(self, print_: str, destination: Path) -> bool:
        """Whether ``destination`` is the intact saved result of identical earlier work
        (so a batch run again skips it instead of refusing to overwrite it)."""
        prior = self.journal.reusable(print_)
        return prior is not None and any(
            Path(saved["path"]) == destination.resolve() for saved in prior.outputs.values()
        )

    def _reused_document(
        self,
        provider: str,
        capability: str,
        job_request: dict[str, Any],
        item: Item,
        prior: Item,
        destination: Path,
        overwrite: bool,
    ) -> DocumentResult:
        key = next(iter(prior.outputs))
        if Path(prior.outputs[key]["path"]) == destination:
            outputs = {key: prior.outputs[key]}  # the result is already where it belongs
        else:
            outputs = self._reuse(item, prior, {key: destination}, overwrite)
        item.state = "reused"
        job = self.journal.create(
            provider=provider, capability=capability, request=job_request, items=[item]
        )
        self.journal.update_item(
            job.id,
            0,
            state="reused",
            outputs=outputs,
            message="reused the result of an identical earlier job",
        )
        self.journal.update(job.id, state=JobState.COMPLETED, message="reused", percent=100.0)
        log.info("%s: reused an earlier identical result", item.input)
        return DocumentResult(
            input=Path(item.input),
            output=destination,
            provider=provider,
            task_id="",
            job=job.id,
            sha256=outputs[key]["sha256"],
            reused=True,
        )

    def _drive_document(self, job: Job, *, resubmit: bool) -> DocumentResult:
        """Take a document job from its recorded state to completed."""
        cls = cast(
            type[DocumentTranslator[Any, Any]],
            self.hub.route(Capability.DOCUMENT, provider=job.provider),
        )
        translator = self.hub.instance(cls)
        spec = job.request
        request = DocumentRequest(
            path=Path(spec["path"]),
            target=spec["target"],
            source=spec["source"],
            options=DocumentOptions(**spec["options"]),
            prepared_task_id=job.prepared_task_id,
        )
        if job.state is JobState.SUBMITTING:
            if (
                request.prepared_task_id is None
                and translator.idempotent_submit
                and translator.counts_pages
            ):
                # Upload first without paying: the task id is journalled before the submit
                # that charges, and a repeated submit of it is refused, not charged.
                self._check_stop()
                count = translator.count_pages(request.path)
                self.journal.update(job.id, prepared_task_id=count.task_id, pages=count.pages)
                request = request.model_copy(update={"prepared_task_id": count.task_id})
            safe = request.prepared_task_id is not None and translator.idempotent_submit
            if not (resubmit or safe):
                raise MaybeSubmittedError(
                    f"job {job.id} ({job.items[0].input}) may have been submitted before the last "
                    "run stopped; resubmitting could pay twice. Check with the provider, then "
                    f"`transhub jobs resume {job.id} --resubmit` or `transhub jobs forget {job.id}`"
                )
            self._submit(job, lambda: translator.submit(request))
        else:
            self._remind(translator, job)
        kind = OutputKind(spec["kind"])
        return self._finish_single(
            job, translator.status, lambda t, d: translator.download(t, d, kind)
        )

    def _finish_single(
        self,
        job: Job,
        fetch: Callable[[str], TaskStatus],
        download: Callable[[str, Path], SavedDocument],
    ) -> DocumentResult:
        """Wait for a one-file job (if still running), save its result, record it."""
        try:
            status = self._wait(job, fetch) if job.state is JobState.RUNNING else None
            destination = Path(job.items[0].plan["document"])
            saved = download(job.task_id or "", self._landing(job, destination))
            final = self._place(job, saved.path, destination, saved.sha256)
        except TranshubError as exc:
            self._record_failure(job, exc)
            raise
        saved = saved.model_copy(update={"path": final})
        outputs = {
            "document": {"path": str(saved.path), "sha256": saved.sha256, "size": saved.size}
        }
        self.journal.update_item(job.id, 0, state="completed", outputs=outputs)
        self.journal.update(job.id, state=JobState.COMPLETED)
        pages = status.pages if status else self.journal.get(job.id).pages
        return DocumentResult(
            input=Path(job.items[0].input),
            output=saved.path,
            provider=job.provider,
            task_id=job.task_id or "",
            job=job.id,
            pages=pages,
            sha256=saved.sha256,
            detected_language=saved.detected_language
            or (status.detected_language if status else None),
        )

    # -- conversions -----------------------------------------------------------------

    def convert(
        self,
        cls: type[DocumentConverter[Any, Any]],
        path: Path,
        fmt: ConvertFormat,
        source: str | None,
        destination: Path,
        *,
        overwrite: bool = False,
        force: bool = False,
    ) -> DocumentResult:
        """Convert one validated document."""
        path, destination = path.resolve(), destination.resolve()
        sha = file_digest(path)
        provider = cls.provider.name
        print_ = fingerprint(
            capability="convert", provider=provider, sha256=sha, source=source, format=fmt.value
        )
        item = Item(
            position=0,
            input=str(path),
            fingerprint=print_,
            plan={"document": str(destination)},
            input_size=path.stat().st_size,
            input_sha256=sha,
        )
        job_request = {
            "path": str(path),
            "format": fmt.value,
            "source": source,
            "overwrite": overwrite,
        }
        prior = None if force else self.journal.reusable(print_)
        if prior is not None:
            return self._reused_document(
                provider, "convert", job_request, item, prior, destination, overwrite
            )
        job = self.journal.create(
            provider=provider, capability="convert", request=job_request, items=[item]
        )
        return self._drive_convert(job, resubmit=True)

    def _drive_convert(self, job: Job, *, resubmit: bool) -> DocumentResult:
        """Take a conversion job from its recorded state to completed."""
        cls = cast(
            type[DocumentConverter[Any, Any]],
            self.hub.route(Capability.CONVERT, provider=job.provider),
        )
        converter = self.hub.instance(cls)
        spec = job.request
        if job.state is JobState.SUBMITTING:
            if not resubmit:
                raise MaybeSubmittedError(
                    f"job {job.id} ({job.items[0].input}) may have been submitted; "
                    f"`transhub jobs resume {job.id} --resubmit` to send it again"
                )
            self._submit(
                job,
                lambda: converter.submit(
                    Path(spec["path"]), ConvertFormat(spec["format"]), spec["source"]
                ),
            )
        else:
            self._remind(converter, job)
        return self._finish_single(job, converter.status, converter.download)

    # -- images ----------------------------------------------------------------------

    def image_task(
        self,
        cls: type[ImageTranslator[Any, Any]],
        sources: list[ImageSource],
        stems: dict[ImageSource, str],
        *,
        target: str,
        source: str | None,
        options: ImageOptions,
        output_dir: Path,
        overwrite: bool,
    ) -> list[ImageOutcome]:
        """Run one remote task for ``sources`` (at most the provider's task size)."""
        provider = cls.provider.name
        items = [
            Item(
                position=n,
                input=s.label,
                fingerprint=self._image_print(provider, s, target, source, options),
                plan={
                    "stem": stems[s],
                    "path": str(s.path.resolve()) if s.path else "",
                    "url": s.url or "",
                },
                input_sha256=file_digest(s.path) if s.path else None,
            )
            for n, s in enumerate(sources)
        ]
        request = {
            "target": target,
            "source": source,
            "options": options.model_dump(),
            "output_dir": str(output_dir.resolve()),
            "overwrite": overwrite,
        }
        job = self.journal.create(
            provider=provider, capability="image", request=request, items=items
        )
        return self._drive_images(job, resubmit=True)

    @staticmethod
    def _image_print(
        provider: str, s: ImageSource, target: str, source: str | None, options: ImageOptions
    ) -> str:
        content = file_digest(s.path) if s.path else s.url
        return fingerprint(
            capability="image",
            provider=provider,
            content=content,
            source=source,
            target=target,
            options=options.model_dump(),
        )

    def reuse_image(
        self,
        provider: str,
        source: ImageSource,
        stem: str,
        *,
        target: str,
        source_language: str | None,
        options: ImageOptions,
        output_dir: Path,
        overwrite: bool,
    ) -> ImageOutcome | None:
        """An earlier identical image's result copied to this batch's names, if one is intact."""
        print_ = self._image_print(provider, source, target, source_language, options)
        prior = self.journal.reusable(print_)
        if prior is None:
            return None
        destinations = {
            artifact: output_name(output_dir, stem, target, artifact, saved["path"])
            for artifact, saved in prior.outputs.items()
        }
        item = Item(
            position=0,
            input=source.label,
            fingerprint=print_,
            plan={
                "stem": stem,
                "url": source.url or "",
                "path": str(source.path) if source.path else "",
            },
        )
        outputs = self._reuse(item, prior, destinations, overwrite)
        job = self.journal.create(
            provider=provider,
            capability="image",
            request={
                "target": target,
                "source": source_language,
                "options": options.model_dump(),
                "output_dir": str(output_dir),
                "overwrite": overwrite,
            },
            items=[item],
        )
        self.journal.update_item(job.id, 0, state="reused", outputs=outputs, code=prior.code)
        self.journal.update(job.id, state=JobState.COMPLETED, message="reused", percent=100.0)
        return ImageOutcome(
            source=source.label,
            provider=provider,
            job=job.id,
            success=True,
            reused=True,
            outputs={k: Path(v["path"]) for k, v in outputs.items()},
        )

    def _drive_images(self, job: Job, *, resubmit: bool) -> list[ImageOutcome]:
        """Take an image job from its recorded state to completed (or its images'
        failures)."""
        cls = cast(
            type[ImageTranslator[Any, Any]], self.hub.route(Capability.IMAGE, provider=job.provider)
        )
        translator = self.hub.instance(cls)
        spec = job.request
        sources = [image_source(i) for i in job.items]
        options = ImageOptions(**spec["options"])
        if job.state is JobState.SUBMITTING:
            window = translator.idempotency_window
            recognised = translator.idempotent_submit and (
                window is None or elapsed_since(job.created_at) < window
            )
            if not (resubmit or recognised):
                raise MaybeSubmittedError(
                    f"job {job.id} ({len(sources)} images) may have been submitted; "
                    f"`transhub jobs resume {job.id} --resubmit` to send it again"
                )
            self._submit(
                job, lambda: translator.submit(sources, spec["target"], spec["source"], options)
            )
        else:
            self._remind(translator, job)
        try:
            if job.state is JobState.RUNNING:
                status = cast(
                    ImageTaskStatus, self._wait(job, lambda t: translator.status(t, sources))
                )
                self._record_items(job, status, translator)
            elif job.state is JobState.FINISHED and any(
                i.state == "pending" and not i.artifacts for i in job.items
            ):
                status = translator.status(job.task_id or "", sources)
                if status.state is TaskState.EXPIRED:
                    raise ResultExpiredError(
                        f"the result of {job.provider} task {job.task_id} has expired",
                        provider=job.provider,
                    )
                self._record_items(job, status, translator)
        except TranshubError as exc:
            self._record_failure(job, exc)
            if isinstance(exc, JobFailedError):
                for item in job.items:
                    self.journal.update_item(
                        job.id, item.position, state="failed", message=str(exc)
                    )
                return [
                    ImageOutcome(
                        source=i.input,
                        provider=job.provider,
                        job=job.id,
                        task_id=job.task_id,
                        success=False,
                        code=str(exc.code or ""),
                        message=str(exc),
                    )
                    for i in job.items
                ]
            raise
        try:
            return self._save_items(self.journal.get(job.id), translator, sources)
        except TranshubError as exc:
            self._record_failure(job, exc)  # an expired result must not be retried forever
            raise

    def _save_items(
        self, job: Job, translator: ImageTranslator[Any, Any], sources: list[ImageSource]
    ) -> list[ImageOutcome]:
        """Download every artifact not saved yet — all images of the task at once, as
        result URLs may be short-lived — recording each item as it lands."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=DOWNLOADS_AT_ONCE) as pool:
            outcomes = list(
                pool.map(
                    lambda pair: self._save_item(job, translator, *pair),
                    zip(job.items, sources, strict=True),
                )
            )
        if all(o.success or o.code != "download" for o in outcomes):
            self.journal.update(job.id, state=JobState.COMPLETED)
        # else the job stays "finished": `jobs resume` downloads what is missing.
        return outcomes

    def _save_item(
        self,
        job: Job,
        translator: ImageTranslator[Any, Any],
        item: Item,
        source: ImageSource,
    ) -> ImageOutcome:
        if item.state == "failed":
            return ImageOutcome(
                source=item.input,
                provider=job.provider,
                job=job.id,
                task_id=job.task_id,
                success=False,
                code=item.code,
                message=item.message,
            )
        output_dir, target = Path(job.request["output_dir"]), job.request["target"]
        outputs = dict(item.outputs)
        result = ImageItem(
            source=source,
            success=True,
            code=item.code,
            message=item.message,
            artifacts=item.artifacts,
        )
        for artifact, reference in item.artifacts.items():
            if artifact in outputs:
                continue  # saved before the last run stopped
            destination = output_name(output_dir, item.plan["stem"], target, artifact, reference)
            try:
                landed = translator.download(
                    job.task_id or "", result, artifact, self._landing(job, destination)
                )
            except ResultExpiredError:
                raise  # the whole task's results are gone
            except TranshubError as exc:
                # This image only: the others are saved, and resume fetches this one.
                return ImageOutcome(
                    source=item.input,
                    provider=job.provider,
                    job=job.id,
                    task_id=job.task_id,
                    success=False,
                    code="download",
                    message=f"{exc} (finish with `transhub jobs resume {job.id}`)",
                    outputs={k: Path(v["path"]) for k, v in outputs.items()},
                )
            sha256, size = file_digest(landed), landed.stat().st_size
            saved = self._place(job, landed, destination, sha256)
            outputs[artifact] = {"path": str(saved), "sha256": sha256, "size": size}
            self.journal.update_item(job.id, item.position, outputs=outputs)
        self.journal.update_item(job.id, item.position, state="completed", outputs=outputs)
        return ImageOutcome(
            source=item.input,
            provider=job.provider,
            job=job.id,
            task_id=job.task_id,
            success=True,
            code=item.code,
            message=item.message,
            outputs={k: Path(v["path"]) for k, v in outputs.items()},
        )

    def _record_items(
        self, job: Job, status: ImageTaskStatus, translator: ImageTranslator[Any, Any]
    ) -> None:
        finished = translator.finished_at(job.task_id or "")
        if finished is not None:
            self.journal.update(
                job.id, finished_at=datetime.fromtimestamp(finished).astimezone().isoformat()
            )
        for item, result in zip(job.items, status.items, strict=False):
            self.journal.update_item(
                job.id,
                item.position,
                state="pending" if result.success else "failed",
                code=result.code,
                message=result.message,
                artifacts=result.artifacts,
            )

    # -- resume ----------------------------------------------------------------------

    def resume(self, job_id: str, *, resubmit: bool = False) -> Any:
        """Finish one unfinished job from its recorded state."""
        job = self.journal.get(job_id)
        if job.state.is_final:
            return None
        drive = {
            "document": self._drive_document,
            "convert": self._drive_convert,
            "image": self._drive_images,
        }
        return drive[job.capability](job, resubmit=resubmit)


def copy_saved(job: Job, folder: Path) -> list[Path]:
    """Copy a job's saved result files into ``folder``, checking each against the
    SHA-256 recorded when it was saved."""
    if not any(item.outputs for item in job.items):
        raise ResultExpiredError(
            f"job {job.id}: the provider no longer keeps the result, and none was saved"
        )
    written = []
    for item in job.items:
        for saved in item.outputs.values():
            path = Path(saved["path"])
            if not path.is_file() or file_digest(path) != saved["sha256"]:
                raise ResultExpiredError(
                    f"job {job.id}: the provider no longer keeps the result and the saved "
                    f"copy {path} is missing or changed"
                )
            destination = folder / path.name
            with atomic_writer(destination) as handle, path.open("rb") as source:
                shutil.copyfileobj(source, handle)
            written.append(destination)
    return written


def image_source(item: Item) -> ImageSource:
    """The image an item of an image job stands for."""
    if item.plan.get("url"):
        return ImageSource(url=item.plan["url"])
    return ImageSource(path=Path(item.plan["path"]))
