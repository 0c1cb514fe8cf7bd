"""The JSON schema of each command's ``--json`` output, generated from the models in
:mod:`transhub.cli.schemas` (the same models the test suite validates real output
against), so the page cannot drift from what the commands print."""

from __future__ import annotations

import json
from typing import Any

MARKER = "<!-- json-schemas -->"


def render() -> str:
    """One section per command: its shape in a sentence, then its schema."""
    from transhub.cli.schemas import COMMANDS, ErrorDocument, schema

    parts = []
    for command, (model, many) in COMMANDS.items():
        shape = f"an array of `{model.__name__}`" if many else f"one `{model.__name__}` object"
        parts += [
            f"### `transhub {command} --json`",
            "",
            f"{shape}.",
            "",
            "```json",
            json.dumps(schema(command), indent=2, ensure_ascii=False),
            "```",
            "",
        ]
    parts += [
        "### Errors (any command, on stderr)",
        "",
        "```json",
        json.dumps(ErrorDocument.model_json_schema(), indent=2),
        "```",
        "",
    ]
    return "\n".join(parts)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """mkdocs hook: the marker in docs/json.md becomes the schemas."""
    return markdown.replace(MARKER, render()) if MARKER in markdown else markdown
