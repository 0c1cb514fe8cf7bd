"""Printing results: tables for people, JSON lines for programs.

Results go to stdout; messages, progress and warnings go to stderr, so ``--json``
output can be piped.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click


class OutputMode(str, enum.Enum):
    """How a command prints its results."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"


class Records:
    """A command's results: with --json one JSON document (an array when many=True, else the
    single object); with --jsonl one object per line; in TEXT mode nothing is printed (the
    caller renders its table).  Streams: an array is written item by item ("[", ",", "]"),
    so a 100k-row listing never sits in memory; the array is closed even on error."""

    def __init__(self, mode: OutputMode, *, many: bool) -> None:
        self.mode = mode
        self.many = many
        self._count = 0

    def add(self, record: Any) -> None:
        """One result (a pydantic model or a dict)."""
        if self.mode is OutputMode.TEXT:
            return
        if self.mode is OutputMode.JSONL or not self.many:
            emit_json(record)
        else:
            click.echo("[" if self._count == 0 else ",", nl=False)
            click.echo(_dumps(record), nl=False)
        self._count += 1

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.mode is OutputMode.JSON and self.many:
            click.echo("[]" if self._count == 0 else "]")


def _default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _dumps(data: Any) -> str:
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    text = json.dumps(data, ensure_ascii=False, default=_default)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A path that is not valid UTF-8: escaped, so the line stays valid JSON.
        text = json.dumps(data, ensure_ascii=True, default=_default)
    return text


def emit_json(data: Any) -> None:
    """One JSON document on one line of stdout."""
    click.echo(_dumps(data))


def note(message: str) -> None:
    """A message for the person at the terminal (stderr)."""
    click.echo(message, err=True)


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> None:
    """A plain aligned table on stdout."""
    text_rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    widths = [
        max([len(header), *(len(row[i]) for row in text_rows)]) for i, header in enumerate(headers)
    ]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
        for row in text_rows
    ]
    # One write: a journal of 10,000 jobs prints in a blink.
    click.echo("\n".join(lines))


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON on stdout (one object per line)."
)
provider_option = click.option(
    "--provider", metavar="NAME", help="Use this provider (see `transhub providers`)."
)
to_option = click.option(
    "--to", "target", required=True, metavar="LANG", help="Target language, e.g. zh, en, ja."
)
from_option = click.option(
    "--from",
    "source",
    metavar="LANG",
    help="Source language (omit to detect, where the provider can).",
)
output_dir_option = click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default="current folder",
    help="Folder for results (created if missing).",
)
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace existing result files.")
