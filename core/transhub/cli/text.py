"""``transhub text``: translate a short text."""

from __future__ import annotations

import sys

import click

from transhub.cli.output import emit_json, from_option, json_option, provider_option, to_option
from transhub.cli.runtime import Runtime


@click.command()
@click.argument("text")
@to_option
@from_option
@provider_option
@json_option
@click.pass_obj
def text(
    runtime: Runtime,
    text: str,
    target: str,
    source: str | None,
    provider: str | None,
    as_json: bool,
) -> None:
    """Translate TEXT (or standard input, with -) into --to LANG."""
    if text == "-":
        text = sys.stdin.read().rstrip("\n")
    result = runtime.hub.translate_text(text, target, source=source, provider=provider)
    if as_json:
        emit_json(result)
    else:
        click.echo(result.text)
