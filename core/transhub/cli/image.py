"""``transhub image``: translate images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    batch_options,
    fallback_option,
    from_option,
    json_option,
    on_stderr,
    output_dir_option,
    overwrite_option,
    provider_option,
    queue_option,
    result_folder,
    single_result_only,
    table,
    to_option,
    to_stdout,
)
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime


@click.group(cls=WholeSummaries)
def image() -> None:
    """Translate the text in images."""


@image.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@to_option
@from_option
@provider_option
@output_dir_option
@click.option("--field", metavar="NAME", help="Domain of the images, e.g. general or e-commerce.")
@click.option(
    "--editor-data", is_flag=True, help="Also save the editor data (background and template)."
)
@click.option(
    "--ignore-entity", is_flag=True, help="E-commerce: also translate text on the product itself."
)
@click.option(
    "--max-images",
    type=click.IntRange(1),
    metavar="N",
    help="Refuse to start when the batch has more than N distinct images.",
)
@click.option(
    "--confirm", is_flag=True, help="Show the estimate and the balance, and ask before paying."
)
@fallback_option
@overwrite_option
@batch_options("Tasks at once (never more than the provider allows).")
@queue_option
@json_option
@click.pass_obj
def translate(
    runtime: Runtime,
    inputs: tuple[str, ...],
    target: str,
    source: str | None,
    provider: str | None,
    output_dir: Path,
    field: str | None,
    editor_data: bool,
    ignore_entity: bool,
    max_images: int | None,
    confirm: bool,
    fallback: bool | None,
    overwrite: bool,
    recursive: bool,
    include: tuple[str, ...],
    jobs: int,
    force: bool,
    keep_going: bool,
    quiet: bool,
    queue: bool,
    mode: OutputMode,
) -> int:
    """Translate images, given as local files, folders of files, or http(s) URLs.

    Prints one row per image, in input order (with --json one JSON array, with
    --jsonl one object per line) and exits non-zero when any image failed.  Every
    image is checked before anything is sent; a batch larger than the provider's
    task size is split into tasks run concurrently (-j).
    """
    from transhub.cli.doc import own_inputs
    from transhub.jobs.specs import ImageBatch

    paths = tuple(Path(i) for i in inputs if "://" not in i)
    real: dict[Path, Path] = {}  # each file's resolved path, filled by own_inputs
    files = (
        own_inputs(runtime.hub, paths, recursive=recursive, include=include, real=real)
        if paths
        else []
    )
    given: list[str] = []
    for item in inputs:  # folders expanded in place: the input order is kept
        if "://" not in item and Path(item).is_dir():
            given.extend(str(f) for f in sorted(f for f in files if Path(item) in f.parents))
        else:
            given.append(item)
    stdout = to_stdout(output_dir)
    if stdout:  # refused before anything is sent, not after paying
        # --editor-data saves a background and a template beside each image.
        files_made = len(set(given)) * (3 if editor_data else 1)  # repeats: translated once
        single_result_only(mode, files_made, "file", queue=queue)
    if queue:  # cluster mode: record, enqueue, return (docs/cluster.md)
        from transhub.capabilities.image import ImageOptions
        from transhub.cli.queued import queued_without_fallback, submit, unbudgeted

        unbudgeted(confirm=confirm)
        queued_without_fallback(runtime, fallback)
        options = ImageOptions(field=field, editor_data=editor_data, ignore_entity=ignore_entity)
        return submit(
            runtime,
            lambda s: s.images(
                given, target, source=source, provider=provider, options=options, force=force,
            ),
            mode=mode,
        )  # fmt: skip
    with result_folder(output_dir) as folder:
        spec = ImageBatch(
            inputs=[
                i if "://" in i else str(real.get(Path(i)) or Path(i).resolve()) for i in given
            ],
            target=target,
            source=source,
            provider=provider,
            output_dir=str(folder.resolve()),
            options={"field": field, "editor_data": editor_data, "ignore_entity": ignore_entity},
            overwrite=overwrite,
            jobs=jobs,
            fallback=fallback,
            **runtime.recorded(),
        )
        return run_images(
            runtime, spec, inputs=given, force=force, mode=mode, quiet=quiet, confirm=confirm,
            max_images=max_images, keep_going=keep_going, stdout=stdout,
        )  # fmt: skip


def run_images(
    runtime: Runtime,
    spec: Any,
    *,
    inputs: list[str] | None = None,
    force: bool = False,
    mode: OutputMode = OutputMode.TEXT,
    quiet: bool = False,
    confirm: bool = False,
    max_images: int | None = None,
    keep_going: bool = False,
    records: Records | None = None,
    batch_id: str | None = None,
    stdout: bool = False,
) -> int:
    """Run an image batch (a :class:`~transhub.jobs.specs.ImageBatch`), recorded in the
    journal first so that ``jobs resume`` can run it again if it is stopped.  Its
    records go to ``records`` when given (an open array), else printed as ``mode`` says
    (``stdout``: ``-o -``, the summary on stderr; stdout is the result's)."""
    from transhub.capabilities.image import ImageOptions
    from transhub.cli.batch import confirm_on_terminal, run_batch, skipped
    from transhub.errors import EXIT_CODES
    from transhub.files import check_output_folder

    check_output_folder(Path(spec.output_dir))  # before anything is sent
    plan = runtime.hub.prepare_images(
        inputs or spec.inputs,
        spec.target,
        source=spec.source,
        provider=spec.provider,
        output_dir=spec.output_dir,
        options=ImageOptions(**spec.options),
        overwrite=spec.overwrite,
        keep_going=keep_going,
        fallback=spec.fallback,
    )
    skipped(plan.refused, lambda s: s.label)
    code = run_batch(
        runtime, [plan], mode=mode, quiet=quiet, record=image_record,
        summary=on_stderr(image_summary) if stdout else image_summary, records=records,
        noun="image", single="code", jobs=spec.jobs, force=force,
        max_images=max_images, confirm=confirm_on_terminal if confirm else None,
        batch_id=batch_id, spec=None if batch_id else spec.model_dump(),
    )  # fmt: skip
    if plan.refused:
        # Counted by the batch's summary ("2 of 4 inputs failed"): not said again.
        return code or EXIT_CODES["failure"]
    return code


def image_record(done: Any) -> dict[str, Any]:
    """One image's record, in the shared vocabulary (paths absolute)."""
    from transhub.cli.doc import absolute, error_code

    outcome, error = done.result, done.error
    outputs = outcome.outputs if outcome is not None else {}
    return {
        "input": absolute(done.input),
        "provider": done.provider,
        "job_id": outcome.job_id if outcome else None,
        "task_id": outcome.task_id if outcome else None,
        "status": done.status,
        "code": outcome.code if outcome else error_code(error),
        "error": str(error) if error else (None if outcome.success else outcome.message),
        # Saved under the resolved output folder: absolute() costs no system call,
        # where resolve() looks up every component (400 images: 0.5 s of CPU).
        "output": str(outputs["image"].absolute()) if "image" in outputs else None,
        "outputs": {k: str(v.absolute()) for k, v in outputs.items()},
    }


def image_summary(items: list[Any]) -> None:
    """The table after an image batch: one row per input, in input order."""
    rows = []
    for done in items:
        outcome = done.result
        if outcome is not None and outcome.success:
            shown = ", ".join(str(p) for p in outcome.outputs.values())
        elif outcome is not None:
            shown = f"{outcome.code}: {outcome.message}"
        else:
            shown = f"{done.error.kind}: {done.error}"
        rows.append((done.input, done.status, shown))
    table(rows, ("input", "status", "output or error"))
