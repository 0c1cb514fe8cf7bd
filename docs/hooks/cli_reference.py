"""The CLI reference, generated from the click commands themselves.

mkdocs-click (0.9, its latest release) reads ``option.default`` directly, which click 8.2
and later set to a sentinel for "no default": it printed ``Sentinel.UNSET`` for every
such option, and cut each subcommand's summary at click's short-help width.  Pinning an
old click for the docs would document a click the project does not run on, so this
renders the reference itself: a section per command with its whole help, its usage, its
arguments, and a table of options whose *default* column says ``required``, the real
default, or nothing.  tests/test_docs.py renders it too and checks it.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import click

MARKER = "<!-- cli-reference -->"


def _unset(value: Any) -> bool:
    sentinel = getattr(click.core, "UNSET", None)
    return value is None or (sentinel is not None and value is sentinel)


def _cell(text: str) -> str:
    """Text fit for a table cell: one line, pipes as an HTML entity (never a backslash)."""
    return " ".join(text.split()).replace("|", "&#124;")


def default_of(option: click.Option, ctx: click.Context) -> str:
    """The *default* cell: ``required``, the real default, or empty."""
    if option.required:
        return "**required**"
    if isinstance(option.show_default, str):
        return _cell(option.show_default)
    value = option.get_default(ctx, call=False)
    if option.is_flag and not option.secondary_opts:
        return "" if not value or _unset(value) else "on"
    if _unset(value) or callable(value) or value in ((), []):
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{_cell(str(value))}`"


def type_of(option: click.Option) -> str:
    """The *value* cell: what the option takes."""
    if option.is_flag:
        return ""
    kind = option.type
    if isinstance(kind, click.Choice):
        return " &#124; ".join(f"`{c}`" for c in kind.choices)
    if isinstance(kind, click.IntRange | click.FloatRange):
        low, high = kind.min, kind.max
        shown = option.metavar or kind.name.split()[0]
        if low is not None and high is not None:
            return f"{shown} ({low} to {high})"
        return f"{shown} ({low} or more)" if low is not None else f"{shown} (up to {high})"
    return option.metavar or kind.name


def summary(command: click.Command) -> str:
    """The first paragraph of a command's help, whole, on one line."""
    text = inspect.cleandoc(command.help or command.short_help or "")
    return " ".join(text.split("\n\n")[0].split())


def _help(text: str) -> Iterator[str]:
    """A command's help as Markdown; click's ``\\b`` paragraphs stay verbatim."""
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            yield "```text"
            yield from (line.rstrip() for line in lines[1:])
            yield "```"
        else:
            yield " ".join(paragraph.split())
        yield ""


def _section(command: click.Command, ctx: click.Context, depth: int) -> Iterator[str]:
    path = ctx.command_path
    anchor = path.replace(" ", "-")
    yield f"{'#' * min(depth + 2, 6)} `{path}` {{ #{anchor} }}"
    yield ""
    yield from _help(command.help or "")
    pieces = " ".join(command.collect_usage_pieces(ctx))
    yield f"**Usage:** `{path} {pieces}`"
    yield ""
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if arguments:
        yield "| argument | |"
        yield "| --- | --- |"
        for argument in arguments:
            many = " (one or more)" if argument.nargs == -1 else ""
            need = "**required**" if argument.required else "optional"
            yield f"| `{argument.make_metavar(ctx)}` | {need}{many} |"
        yield ""
    options = [p for p in command.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]
    if options:
        yield "| option | value | default | description |"
        yield "| --- | --- | --- | --- |"
        for option in options:
            names = ", ".join(f"`{name}`" for name in option.opts)
            if option.secondary_opts:
                names += " / " + ", ".join(f"`{name}`" for name in option.secondary_opts)
            yield (
                f"| {names} | {type_of(option)} | {default_of(option, ctx)} "
                f"| {_cell(option.help or '')} |"
            )
        yield ""
    if isinstance(command, click.Group):
        names = command.list_commands(ctx)
        subcommands = [(n, command.get_command(ctx, n)) for n in names]
        yield "| command | what it does |"
        yield "| --- | --- |"
        for name, sub in subcommands:
            if sub is not None and not sub.hidden:
                yield f"| [`{name}`](#{anchor}-{name}) | {_cell(summary(sub))} |"
        yield ""
        for name, sub in subcommands:
            if sub is not None and not sub.hidden:
                child = click.Context(sub, info_name=name, parent=ctx)
                yield from _section(sub, child, depth + 1)


def render(command: click.Command, prog_name: str) -> str:
    """The reference of ``command`` and every subcommand, as Markdown."""
    ctx = click.Context(command, info_name=prog_name)
    return "\n".join(_section(command, ctx, 0)) + "\n"


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """mkdocs hook: the marker in docs/cli.md becomes the reference."""
    if MARKER not in markdown:
        return markdown
    from transhub.cli.root import cli

    return markdown.replace(MARKER, render(cli, "transhub"))
