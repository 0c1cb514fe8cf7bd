"""``transhub ocr``: recognise the text in an image."""

from __future__ import annotations

from pathlib import Path

import click

from transhub.cli.output import emit_json, json_option, provider_option
from transhub.cli.runtime import Runtime


@click.command()
@click.argument("image", type=click.Path(path_type=Path))
@click.option("--lang", "language", metavar="LANG", help="The text's language (omit to detect).")
@provider_option
@json_option
@click.pass_obj
def ocr(
    runtime: Runtime, image: Path, language: str | None, provider: str | None, as_json: bool
) -> None:
    """Print the lines of text recognised in IMAGE (with --json, with their boxes)."""
    result = runtime.hub.recognize_text(image, language=language, provider=provider)
    if as_json:
        emit_json(result)
    else:
        click.echo(result.text)
