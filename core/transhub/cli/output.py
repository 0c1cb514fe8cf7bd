"""Printing results: tables for people, one JSON document (or JSON lines) for programs.

Results go to stdout; messages, progress and warnings go to stderr, so ``--json``
output can be piped.  With ``--json`` a command prints exactly one JSON document (an
array for lists and batches, an object for a single result); with ``--jsonl`` one
object per line.  Paths are absolute in JSON, always.

rich renders tables on a terminal; it is imported only then, so ``--help`` and
piped output stay fast.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, TextIO, TypeVar

import click

from transhub.counts import counted

F = TypeVar("F", bound=Callable[..., Any])


class OutputMode(str, enum.Enum):
    """How a command prints its results."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"


def _default(value: Any) -> Any:
    if isinstance(value, PurePath):
        return str(Path(value).absolute())
    if hasattr(value, "model_dump"):
        return jsonable(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if hasattr(value, "get_secret_value"):
        return "********"
    raise TypeError(f"cannot serialise {type(value).__name__}")


def jsonable(record: Any) -> Any:
    """A pydantic model or a dict as JSON-ready data, with every path absolute."""
    if hasattr(record, "model_dump"):
        # Python mode keeps paths as paths, so that _default can make them absolute.
        record = record.model_dump(mode="python")
    return json.loads(dumps(record))


def dumps(data: Any) -> str:
    """``data`` as one line of JSON (paths absolute; escaped when not valid UTF-8)."""
    text = json.dumps(data, ensure_ascii=False, default=_default)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A path that is not valid UTF-8: escaped, so the document stays valid JSON.
        text = json.dumps(data, ensure_ascii=True, default=_default)
    return text


class Records:
    """A command's results: with --json one JSON document (an array when many=True, else the
    single object); with --jsonl one object per line; in TEXT mode nothing is printed (the
    caller renders its table).  Streams: an array is written item by item ("[", ",", "]"),
    so a 100k-row listing never sits in memory; the array is closed even on error."""

    def __init__(self, mode: OutputMode, *, many: bool) -> None:
        self.mode = mode
        self.many = many
        self.count = 0
        self._opened = False

    def __enter__(self) -> Records:
        if self.mode is OutputMode.JSON and self.many:
            self._write("[")
            self._opened = True
        return self

    def add(self, record: Any) -> None:
        """Print one record (a pydantic model or a dict) as the mode says."""
        if self.mode is OutputMode.TEXT:
            self.count += 1
            return
        if hasattr(record, "model_dump"):
            record = record.model_dump(mode="python")
        text = dumps(record)
        if self.mode is OutputMode.JSON and self.many:
            self._write(("," if self.count else "") + "\n" + text)
        elif self.mode is OutputMode.JSON and self.count:
            raise RuntimeError("a single-result command added a second record")
        else:
            self._write(text + "\n")
        self.count += 1

    def __exit__(self, *exc: object) -> None:
        if self._opened:
            self._write(("\n" if self.count else "") + "]\n")
            self._opened = False

    @staticmethod
    def _write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()


def batch_records(
    mode: OutputMode, records: Records | None = None
) -> contextlib.AbstractContextManager[Records]:
    """Where a batch's records go: ``records`` when given (an array already open, so
    that ``jobs resume`` prints one array for every batch it runs), else a new array."""
    if records is not None:
        return contextlib.nullcontext(records)
    return Records(mode, many=True)


def json_option(function: F) -> F:
    """Add ``--json`` and ``--jsonl`` (mutually exclusive) to a command and pass it the
    keyword argument ``mode: OutputMode``."""

    @functools.wraps(function)
    def wrapper(*args: Any, json_flag: bool, jsonl_flag: bool, **kwargs: Any) -> Any:
        if json_flag and jsonl_flag:
            raise click.UsageError("--json and --jsonl cannot be used together")
        mode = OutputMode.JSON if json_flag else OutputMode.JSONL if jsonl_flag else OutputMode.TEXT
        return function(*args, mode=mode, **kwargs)

    with_jsonl = click.option(
        "--jsonl",
        "jsonl_flag",
        is_flag=True,
        help="Print one JSON object per line on stdout (for long listings and batches).",
    )(wrapper)
    return click.option(  # type: ignore[return-value]
        "--json",
        "json_flag",
        is_flag=True,
        help="Print one JSON document on stdout (an array for lists).",
    )(with_jsonl)


def note(message: str) -> None:
    """A message for the person at the terminal (stderr)."""
    click.echo(message, err=True)


def colour_allowed(stream: TextIO) -> bool:
    """Whether to style text written to ``stream``: a terminal, and no ``NO_COLOR``."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def console(*, stderr: bool = False) -> Any:
    """A rich console on stdout (or stderr), honouring ``NO_COLOR`` and the terminal's
    width (``COLUMNS`` when set)."""
    from rich.console import Console

    # NO_COLOR: no styling at all (rich alone would still send bold).
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr, highlight=False, soft_wrap=False, color_system=None if plain else "auto"
    )


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> None:
    """A table on stdout: on a terminal drawn by rich to fit its width (cells wrap,
    nothing is cut off); piped, plain aligned columns that scripts and ``grep`` read."""
    text_rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    if sys.stdout.isatty():
        _rich_table(text_rows, headers)
        return
    # One write: a journal of 10,000 jobs prints in a blink.
    click.echo(plain_table(text_rows, headers))


def plain_table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    """A table as plain aligned columns (what :func:`table` prints when piped, and
    what ``-o FILE`` writes)."""
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
    return "\n".join(lines)


def _rich_table(rows: list[list[str]], headers: Sequence[str]) -> None:
    from rich import box
    from rich.table import Table

    # Every column may wrap, at spaces first (rich never makes a column narrower than
    # its longest word unless the terminal leaves no choice); a word longer than its
    # column folds onto the next line rather than being cut: nothing is lost.  The
    # widest columns give up their width first.
    shown = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for header in headers:
        shown.add_column(header, overflow="fold")
    for row in rows:
        shown.add_row(*row)
    console().print(shown)


def error_line(label: str, message: str) -> None:
    """``transhub: <label>: <message>`` on stderr, the label highlighted on a terminal."""
    if colour_allowed(sys.stderr):
        from rich.markup import escape

        console(stderr=True).print(f"[bold red]transhub: {label}:[/] {escape(message)}")
    else:
        click.echo(f"transhub: {label}: {message}", err=True)


#: What ``-o`` takes to mean standard output.
STDOUT = "-"


def check_result_file(output: str | None, *, overwrite: bool = False) -> None:
    """Refuse an ``-o FILE`` that cannot take the result, before anything is sent
    (an existing file unless ``overwrite``, a folder, a folder that cannot be
    written): found after the request, the provider would have been paid for a
    result with nowhere to go."""
    if output in (None, STDOUT):
        return
    from transhub.files import check_output_file

    check_output_file(Path(output), overwrite=overwrite)


def write_result(data: str, output: str | None, *, overwrite: bool = False) -> None:
    """A single text result: on stdout (no ``-o``, or ``-o -``), else written
    atomically to the file ``output`` (never replaced unless ``overwrite``; checked
    before the request by :func:`check_result_file`)."""
    if output in (None, STDOUT):
        click.echo(data)
        return
    from transhub.files import atomic_write_bytes

    path = atomic_write_bytes(Path(output), (data + "\n").encode("utf-8"), overwrite=overwrite)
    note(f"written: {path.absolute()}")


def save_result(data: str, output: str | None, mode: OutputMode, *, overwrite: bool) -> None:
    """A short capability's result after its record: in TEXT mode printed or written
    to ``-o FILE``; with ``--json``/``--jsonl`` the document is on stdout already, and
    ``-o FILE`` still gets the text (the option means the same in every mode)."""
    if mode is OutputMode.TEXT or output not in (None, STDOUT):
        write_result(data, output, overwrite=overwrite)


def to_stdout(output_dir: Path) -> bool:
    """Whether ``-o`` asks for the result on standard output (``-o -``)."""
    return str(output_dir) == STDOUT


def single_result_only(mode: OutputMode, results: int, what: str, *, queue: bool = False) -> None:
    """``-o -``: refuse, before anything is sent, a run that cannot end in exactly one
    file on stdout: several ``results`` (counted as ``what``), ``--json``/``--jsonl``
    (stdout cannot carry both the file and the document) or ``--queue`` (the
    workers save the result, not this process).  One line, exit 2."""
    from transhub.errors import UsageError

    if mode is not OutputMode.TEXT:
        raise UsageError(
            f"-o - writes the result to standard output, which --{mode.value} needs for "
            "its records; give -o FOLDER with --json"
        )
    if queue:
        raise UsageError("-o - cannot be used with --queue: workers save the results")
    if results != 1:
        raise UsageError(
            "-o - writes a single result to standard output; this run would make "
            + counted(results, what)
            + " (give -o FOLDER)"
        )


@contextlib.contextmanager
def result_folder(output_dir: Path) -> Iterator[Path]:
    """The folder a single file result is saved in: ``output_dir`` itself, or, for
    ``-o -``, a private temporary folder whose one file is copied to stdout at the end
    (and never a folder named ``-``).  A run that failed made no file: nothing is
    copied (its error was reported).  Several files (refused up front by
    :func:`single_result_only`, so never expected) are kept, their folder named: a
    paid result is never deleted."""
    if not to_stdout(output_dir):
        yield output_dir
        return
    import shutil
    import tempfile

    from transhub.errors import UsageError

    folder = Path(tempfile.mkdtemp(prefix="transhub-stdout-"))
    keep = False
    try:
        yield folder
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        if len(files) > 1:
            keep = True
            raise UsageError(
                "-o - writes a single result to standard output; this run made "
                + counted(len(files), "file")
                + f", kept in {folder}"
            )
        if files:
            write_to_stdout(files[0])
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def on_stderr(render: Callable[[Any], None]) -> Callable[[Any], None]:
    """A batch's summary under ``-o -``, where stdout carries the result file alone:
    ``render`` on stderr when the input failed (its reason), else only a note when
    the result was reused (the path it would name is a temporary one)."""

    def shown(items: Sequence[Any]) -> None:
        if any(done.status == "failed" for done in items):
            with contextlib.redirect_stdout(sys.stderr):
                render(items)
        elif any(done.status == "reused" for done in items):
            note("reused the result of an identical earlier translation (--force translates anew)")

    return shown


def write_to_stdout(path: Path) -> None:
    """Copy a result file to stdout as bytes, in chunks."""
    sys.stdout.flush()
    stream = sys.stdout.buffer
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 16):
            stream.write(chunk)
    stream.flush()


output_file_option = click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write the result to FILE (- or omitted: standard output).",
)


def completer(name: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """A shell completer from :mod:`transhub.cli.completion`, imported when used."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from transhub.cli import completion

        found: list[Any] = getattr(completion, name)(ctx, param, incomplete)
        return found

    return complete


provider_option = click.option(
    "--provider",
    metavar="NAME",
    shell_complete=completer("complete_providers"),
    help="Use this provider (see `transhub providers`).",
)
to_option = click.option(
    "--to",
    "target",
    required=True,
    metavar="LANG",
    shell_complete=completer("complete_languages"),
    help="Target language, e.g. zh, en, ja.",
)
from_option = click.option(
    "--from",
    "source",
    metavar="LANG",
    shell_complete=completer("complete_languages"),
    help="Source language (omit to detect, where the provider can).",
)
glossary_option = click.option(
    "--glossary",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A CSV/TSV of `source term,target term` lines the provider applies "
    "(needs --from; created once per content, reused after).",
)
fallback_option = click.option(
    "--fallback/--no-fallback",
    default=None,
    help="When the provider refuses before any payment (quota, throttling, busy "
    "channels), move to the next provider that fits (default: the setting "
    "routing.fallback).",
)
#: DeepL's formality values ("default": no preference, the same as leaving it out).
FORMALITIES = ("default", "more", "less", "prefer_more", "prefer_less")
formality_option = click.option(
    "--formality",
    type=click.Choice(FORMALITIES),
    help="Formal or informal address (providers that offer it; prefer_* falls back to "
    "the default where the language has none).",
)


def formality_value(formality: str | None) -> str | None:
    """The option's value as the request carries it ("default" asks for nothing)."""
    return None if formality in (None, "default") else formality


output_dir_option = click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default="current folder",
    help="Folder for results (created if missing); - writes a single result to standard "
    "output (not with --json).",
)
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace existing result files.")


def batch_options(jobs_help: str) -> Callable[[F], F]:
    """The options every batch command shares: ``-r``, ``--include``, ``-j``,
    ``--force``, ``--keep-going`` and ``-q`` (``jobs_help``: what ``-j`` counts)."""

    def add(func: F) -> F:
        func = click.option(
            "-r", "--recursive", is_flag=True, help="Include files in subfolders of folders given."
        )(func)
        func = click.option(
            "--include",
            multiple=True,
            metavar="GLOB",
            help="Only files matching GLOB (repeatable).",
        )(func)
        func = click.option(
            "-j", "--jobs", type=click.IntRange(1, 64), default=4, show_default=True,
            help=jobs_help,
        )(func)  # fmt: skip
        func = click.option(
            "--force",
            is_flag=True,
            help="Translate again even if an identical earlier result exists.",
        )(func)
        func = click.option(
            "--keep-going",
            is_flag=True,
            help="Translate the valid inputs and report the others (default: refuse the batch).",
        )(func)
        return click.option("-q", "--quiet", is_flag=True, help="No progress display.")(func)

    return add


queue_option = click.option(
    "--queue",
    is_flag=True,
    help="Cluster mode: record the jobs for `transhub worker` processes, print their ids "
    "and return (needs a PostgreSQL journal; see docs/cluster.md).",
)
