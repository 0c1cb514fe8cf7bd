"""``transhub image``: translate images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    batch_records,
    from_option,
    json_option,
    note,
    output_dir_option,
    overwrite_option,
    provider_option,
    table,
    to_option,
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
    "--force", is_flag=True, help="Translate again even if an identical earlier result exists."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Tasks at once (never more than the provider allows).",
)
@overwrite_option
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
    force: bool,
    jobs: int,
    overwrite: bool,
    mode: OutputMode,
) -> int:
    """Translate images, given as local files or http(s) URLs.

    Prints one row per image, in input order (with --json one JSON array, with
    --jsonl one object per line) and exits non-zero when any image failed.
    """
    from transhub.errors import InputError
    from transhub.jobs.specs import ImageBatch

    distinct = len(dict.fromkeys(inputs))
    if max_images is not None and distinct > max_images:
        raise InputError(
            f"the batch has {distinct} distinct images, over --max-images {max_images}"
        )
    spec = ImageBatch(
        inputs=[i if "://" in i else str(Path(i).resolve()) for i in inputs],
        target=target,
        source=source,
        provider=provider,
        output_dir=str(output_dir.resolve()),
        options={"field": field, "editor_data": editor_data, "ignore_entity": ignore_entity},
        overwrite=overwrite,
        jobs=jobs,
    )
    return run_images(runtime, spec, inputs=list(inputs), force=force, mode=mode)


def run_images(
    runtime: Runtime,
    spec: Any,
    *,
    inputs: list[str] | None = None,
    force: bool = False,
    mode: OutputMode = OutputMode.TEXT,
    records: Records | None = None,
    batch_id: str | None = None,
) -> int:
    """Run an image batch (a :class:`~transhub.jobs.specs.ImageBatch`), recorded in the
    journal first so that ``jobs resume`` can run it again if it is stopped.  Its
    records go to ``records`` when given (an open array), else printed as ``mode`` says."""
    from transhub.capabilities.image import ImageOptions
    from transhub.errors import EXIT_CODES

    journal = runtime.hub.journal
    batch_id = batch_id or journal.open_batch(spec.model_dump())
    try:
        outcomes = runtime.hub.translate_images(
            inputs or spec.inputs,
            spec.target,
            source=spec.source,
            provider=spec.provider,
            output_dir=spec.output_dir,
            options=ImageOptions(**spec.options),
            overwrite=spec.overwrite,
            force=force,
            jobs=spec.jobs,
            batch_id=batch_id,
        )
    except KeyboardInterrupt:
        if records is None:
            with Records(mode, many=True):
                pass  # --json: still one document (an empty array)
        note(
            "transhub: interrupted; tasks already submitted keep running remotely and are "
            "recorded: `transhub jobs resume` finishes everything (the images not started too)"
        )
        return EXIT_CODES["interrupted"]
    journal.close_batch(batch_id)
    failed = [o for o in outcomes if not o.success]
    if records is not None or mode is not OutputMode.TEXT:
        with batch_records(mode, records) as out:
            for outcome in outcomes:
                out.add(_record(outcome))
    else:
        table(
            [
                (
                    o.input,
                    o.status,
                    ", ".join(str(p) for p in o.outputs.values())
                    if o.success
                    else f"{o.code}: {o.message}",
                )
                for o in outcomes
            ],
            ("input", "status", "output or error"),
        )
    if failed:
        note(f"{len(failed)} of {len(outcomes)} images failed")
        if len(outcomes) == 1 and failed[0].error_kind in EXIT_CODES:
            return EXIT_CODES[failed[0].error_kind]  # one image: its own class of failure
        return 1
    return 0


def _record(outcome: Any) -> dict[str, Any]:
    """One image's record, in the shared vocabulary (absolute paths)."""
    return {
        "input": outcome.input,
        "provider": outcome.provider,
        "job_id": outcome.job_id,
        "task_id": outcome.task_id,
        "status": outcome.status,
        "code": outcome.code,
        "error": None if outcome.success else outcome.message,
        "output": str(outcome.outputs["image"].resolve()) if "image" in outcome.outputs else None,
        "outputs": {k: str(v.resolve()) for k, v in outcome.outputs.items()},
    }
