"""``transhub ocr``: recognise the text in an image."""

from __future__ import annotations

from pathlib import Path

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    check_result_file,
    fallback_option,
    json_option,
    output_file_option,
    overwrite_option,
    provider_option,
    save_result,
)
from transhub.cli.runtime import Runtime


@click.command()
@click.argument("image", type=click.Path(path_type=Path))
@click.option("--lang", "language", metavar="LANG", help="The text's language (omit to detect).")
@provider_option
@fallback_option
@output_file_option
@overwrite_option
@json_option
@click.pass_obj
def ocr(
    runtime: Runtime,
    image: Path,
    language: str | None,
    provider: str | None,
    fallback: bool | None,
    output: str | None,
    overwrite: bool,
    mode: OutputMode,
) -> None:
    """Print the lines of text recognised in IMAGE (with --json, with their boxes)."""
    check_result_file(output, overwrite=overwrite)  # before the image is sent
    result = runtime.hub.recognize_text(
        image, language=language, provider=provider, fallback=fallback
    )
    with Records(mode, many=False) as records:
        records.add(result)
    save_result(result.text, output, mode, overwrite=overwrite)
