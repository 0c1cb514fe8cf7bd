"""``transhub image``: translate images."""

from __future__ import annotations

from pathlib import Path

import click

from transhub.cli.output import (
    OutputMode,
    emit_json,
    from_option,
    json_option,
    note,
    output_dir_option,
    overwrite_option,
    provider_option,
    table,
    to_option,
)
from transhub.cli.runtime import Runtime


@click.group()
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
    overwrite: bool,
    mode: OutputMode,
) -> int:
    """Translate images, given as local files or http(s) URLs.

    Prints one row per image (one JSON object per image with --json) and exits
    non-zero when any image failed.
    """
    as_json = mode is not OutputMode.TEXT
    from transhub.capabilities.image import ImageOptions
    from transhub.errors import EXIT_CODES, InputError

    distinct = len(dict.fromkeys(inputs))
    if max_images is not None and distinct > max_images:
        raise InputError(
            f"the batch has {distinct} distinct images, over --max-images {max_images}"
        )
    try:
        outcomes = runtime.hub.translate_images(
            list(inputs),
            target,
            source=source,
            provider=provider,
            output_dir=output_dir,
            options=ImageOptions(field=field, editor_data=editor_data, ignore_entity=ignore_entity),
            overwrite=overwrite,
            force=force,
        )
    except KeyboardInterrupt:
        note(
            "transhub: interrupted; tasks already submitted keep running remotely and are "
            "recorded: finish them with `transhub jobs resume`"
        )
        return EXIT_CODES["interrupted"]
    failed = [o for o in outcomes if not o.success]
    if as_json:
        for outcome in outcomes:
            emit_json(
                {
                    "input": outcome.source,
                    "provider": outcome.provider,
                    "job": outcome.job,
                    "task": outcome.task_id,
                    "reused": outcome.reused,
                    "state": "done" if outcome.success else "failed",
                    "code": outcome.code,
                    "error": None if outcome.success else outcome.message,
                    "output": str(outcome.outputs["image"]) if "image" in outcome.outputs else None,
                    "outputs": {k: str(v) for k, v in outcome.outputs.items()},
                }
            )
    else:
        table(
            [
                (
                    o.source,
                    "ok" if o.success else "FAILED",
                    ", ".join(str(p) for p in o.outputs.values())
                    if o.success
                    else f"{o.code}: {o.message}",
                )
                for o in outcomes
            ],
            ("image", "state", "output or error"),
        )
    if failed:
        note(f"{len(failed)} of {len(outcomes)} images failed")
        return 1
    return 0
