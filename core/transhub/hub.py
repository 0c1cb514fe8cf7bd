"""The hub: the provider pool of one configuration (:mod:`transhub.pool`), the
preparation of plans (:mod:`transhub.planning`), the requests answered at once
(:mod:`transhub.immediate`), and running plans through the batch runner
(:mod:`transhub.jobs.batch`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transhub.capabilities.base import TaskStatus
from transhub.capabilities.document import ConvertFormat, DocumentOptions, OutputKind
from transhub.capabilities.image import ImageOptions
from transhub.immediate import ImmediateRequests
from transhub.planning.documents import DocumentPlanning
from transhub.planning.images import ImagePlanning
from transhub.results import DocumentResult, ImageOutcome

if TYPE_CHECKING:
    from transhub.jobs.batch import Entry
    from transhub.jobs.events import BatchEvent, ItemFinished

StatusCallback = Callable[[str, TaskStatus], None]


class Hub(DocumentPlanning, ImagePlanning, ImmediateRequests):
    """transhub's operations under one configuration.

    ``settings`` and ``provider_settings`` override the environment and the config
    file (the CLI passes its options here); ``registry`` defaults to the installed
    plugins.  ``sandbox=True`` (or ``TRANSHUB_SANDBOX=1``) runs every request against
    the installed providers' local emulators, as ``transhub --sandbox`` does.  A hub
    is thread-safe and builds each provider's client once.

    Work that runs as remote tasks is prepared first (``prepare_document``,
    ``prepare_convert``, ``prepare_images``: validated and routed, nothing sent) and
    run by :meth:`run_batch`; ``translate_document`` and the others do both.
    """

    def run_batch(
        self,
        plans: Sequence[Entry],
        *,
        jobs: int = 4,
        force: bool = False,
        on_event: Callable[[BatchEvent], None] | None = None,
        stop: threading.Event | None = None,
        max_pages: int | None = None,
        max_images: int | None = None,
        confirm: Callable[[str], bool] | None = None,
    ) -> list[ItemFinished]:
        """Run many plans (from ``prepare_*``) as one batch, as ``transhub doc
        translate`` and ``image translate`` do: at most ``jobs`` tasks at once, never
        more than a provider allows; each plan paid at most once.  Returns one
        :class:`~transhub.jobs.events.ItemFinished` per input in input order (an
        image plan has one per image), each with its result or its error — one
        failing input never stops the others.

        ``on_event`` sees the batch's progress (:mod:`transhub.jobs.events`: tasks
        starting, their states and percent, a cap on ``jobs``, each input's
        outcome in input order), from worker threads.  The budget guard:
        ``max_pages`` / ``max_images`` refuse a larger batch before anything is sent;
        with ``confirm`` (or ``max_pages``) the batch is quoted first and
        ``confirm(question)`` may decline it."""
        from transhub.jobs.batch import BatchRunner

        runner = BatchRunner(
            self, jobs=jobs, force=force, stop=stop, on_event=on_event,
            max_pages=max_pages, max_images=max_images, confirm=confirm,
        )  # fmt: skip
        return runner.run(plans)

    def _run_one(
        self, plan: Any, force: bool, on_status: StatusCallback | None, stop: Any
    ) -> DocumentResult:
        from transhub.jobs.batch import BatchRunner

        done = BatchRunner(self, jobs=1, force=force, stop=stop, on_status=on_status).run([plan])
        if done[0].error is not None:
            raise done[0].error
        result = done[0].result
        assert isinstance(result, DocumentResult)
        return result

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
        fallback: bool | None = None,
    ) -> DocumentResult:
        """Translate one document and save the result in ``output_dir``.

        The result is named ``<stem>.<target><ext>`` (``.pdf`` with
        ``output=OutputKind.PDF``); an existing file is never replaced unless
        ``overwrite``.  Every step is recorded in the job journal; the same content
        translated the same way before is reused (``force`` translates anew).
        ``on_status(job_id, status)`` sees each progress change; setting ``stop``
        ends the wait (the task stays recorded for ``jobs resume``).  ``glossary``: a
        CSV/TSV file of term pairs the provider applies (see :meth:`prepare_document`).
        ``fallback`` (default: the setting ``routing.fallback``): a refusal before any
        payment moves the job to the next candidate (:mod:`transhub.jobs.fallback`).
        Many documents at once: :meth:`run_batch`.
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
            fallback=fallback,
        )
        return self._run_one(plan, force, on_status, stop)

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
        return self._run_one(plan, force, on_status, stop)

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
        fallback: bool | None = None,
    ) -> list[ImageOutcome]:
        """Translate images (local files or http(s) URLs), one outcome per input in
        input order.  Repeated inputs are translated once.  A batch larger than the
        provider's task size is split into tasks run concurrently, up to the
        provider's limit (and ``jobs``); every artifact is downloaded as soon as its
        task is done.  ``fallback`` (default: the setting ``routing.fallback``): a
        task refused before any payment moves to the next candidate
        (:mod:`transhub.jobs.fallback`).  Progress events and the budget guard:
        :meth:`run_batch` with :meth:`prepare_images`."""
        from transhub.jobs.batch import MAX_JOBS, BatchRunner

        plan = self.prepare_images(
            inputs, target, source=source, provider=provider, output_dir=output_dir,
            options=options, overwrite=overwrite, fallback=fallback,
        )  # fmt: skip
        runner = BatchRunner(
            self, jobs=jobs or MAX_JOBS, force=force, stop=stop, on_status=on_status
        )
        return [cast(ImageOutcome, done.result) for done in runner.run([plan])]

    def download_job(
        self, job_id: str, output_dir: str | Path, *, overwrite: bool = False
    ) -> list[Path]:
        """Save a journalled job's results again into ``output_dir``: from the
        provider while it keeps them, else copied from this job's saved files when
        they are intact.  Returns the paths written.  An existing file is never
        replaced unless ``overwrite`` (checked before the provider is asked)."""
        from transhub.jobs.downloads import download_job

        return download_job(self, job_id, output_dir, overwrite=overwrite)
