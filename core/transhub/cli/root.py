"""The root ``transhub`` group, its global options, and error handling."""

from __future__ import annotations

import importlib
import io
import logging
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import click

from transhub import __version__
from transhub.cli.output import dumps, error_line
from transhub.cli.runtime import Runtime

#: Core commands, by name → "module:attribute"; imported only when used.
CORE_COMMANDS = {
    "account": "transhub.cli.account:account",
    "config": "transhub.cli.config:config",
    "dict": "transhub.cli.dictionary:dictionary",
    "doc": "transhub.cli.doc:doc",
    "glossary": "transhub.cli.glossary:glossary",
    "image": "transhub.cli.image:image",
    "install": "transhub.cli.install:install",
    "jobs": "transhub.cli.jobs:jobs",
    "journal": "transhub.cli.journal:journal",
    "languages": "transhub.cli.languages:languages",
    "ocr": "transhub.cli.ocr:ocr",
    "providers": "transhub.cli.providers:providers",
    "sandbox": "transhub.cli.sandbox:sandbox",
    "text": "transhub.cli.text:text",
    "uninstall": "transhub.cli.install:uninstall",
    "worker": "transhub.cli.worker:worker",
    "completion": "transhub.cli.completion:completion",
}

#: The core commands' summaries as ``transhub --help`` lists them, so that listing
#: them imports none of their modules (tests/test_startup.py checks each against the
#: command's own help).
CORE_SUMMARIES = {
    "account": "Show the account's balance of each resource (document pages, text characters, "
    "images, conversion pages).",
    "config": "Show and change settings in the config file (written with mode 0600).",
    "dict": "Look WORD up: pronunciations, meanings, inflections, examples, synonyms.",
    "doc": "Translate, count and convert documents.",
    "glossary": "Glossaries: term pairs a provider applies to its translations.",
    "image": "Translate the text in images.",
    "install": "Install provider plugins: NAME is a short name (fanyigou → transhub-fanyigou), "
    "a distribution name, a local folder or a URL.",
    "jobs": "The job journal: every remote task transhub started, and its results.",
    "journal": "The job journal's database: its status, and migrating its schema.",
    "languages": "List language codes: the canonical code, its name, the provider's own code, "
    "and whether it can be a source and a target.",
    "ocr": "Print the lines of text recognised in IMAGE (with --json, with their boxes).",
    "providers": "List installed providers: plugin, version, capabilities, configured or not.",
    "sandbox": "Local emulators of the installed providers.",
    "text": "Translate TEXT into --to LANG.",
    "uninstall": "Uninstall provider plugins (short names as for install).",
    "worker": "Run cluster jobs: claim queued jobs from the PostgreSQL journal and submit, poll "
    "and download them, writing results into the results store (results.dir).",
    "completion": "Print the completion script for SHELL (bash, zsh or fish).",
}


def summary(command: click.Command) -> str:
    """A command's summary for ``--help``: the first paragraph of its help, whole (click
    would cut it at the terminal's width with "...")."""
    import inspect

    text = inspect.cleandoc(command.help or command.short_help or "")
    return " ".join(text.split("\n\n")[0].split())


class WholeSummaries(click.Group):
    """A group whose ``--help`` lists each subcommand with its whole summary, wrapped."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            shown = self.summary_of(ctx, name)
            if shown is not None:
                rows.append((name, shown))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def summary_of(self, ctx: click.Context, name: str) -> str | None:
        """What ``--help`` says of subcommand ``name`` (``None``: not listed)."""
        command = self.get_command(ctx, name)
        return summary(command) if command is not None and not command.hidden else None


class LazyGroup(WholeSummaries):
    """A group whose core commands are imported on demand and whose plugin commands
    are added only when a name is not a core command (or ``--help`` lists them)."""

    def __init__(
        self, *args: Any, lazy: dict[str, str], summaries: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy
        #: The lazy commands' summaries: ``--help`` imports none of them.
        self.summaries = summaries

    def summary_of(self, ctx: click.Context, name: str) -> str | None:
        if name in self.summaries:
            return self.summaries[name]
        return super().summary_of(ctx, name)

    def _plugin_commands(self, ctx: click.Context) -> None:
        # Once per run (the run's Runtime remembers), not once per process: a process
        # that runs the CLI several times, as tests do, may load other plugins each time.
        runtime = ctx.find_object(Runtime) or Runtime()
        if not runtime.commands_added:
            runtime.commands_added = True
            runtime.registry.add_commands(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._plugin_commands(ctx)
        return sorted({*self.lazy, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        if cmd_name not in self.commands:
            self._plugin_commands(ctx)
        return self.commands.get(cmd_name)


@click.group(
    cls=LazyGroup,
    lazy=CORE_COMMANDS,
    summaries=CORE_SUMMARIES,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="transhub")
@click.option(
    "-v", "--verbose", count=True, help="Say more: -v shows routing and retries, -vv HTTP calls."
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs (secrets stay masked).")
@click.option(
    "-c",
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a setting for this run, e.g. -c fanyigou.channels=2 or -c read_timeout=30.",
)
@click.option("--insecure", is_flag=True, help="Allow plain http:// endpoints off this machine.")
@click.option(
    "--sandbox",
    is_flag=True,
    envvar="TRANSHUB_SANDBOX",
    help="Run against the installed providers' local emulators (no account needed; "
    "results are not real translations).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    verbose: int,
    debug: bool,
    assignments: tuple[str, ...],
    insecure: bool,
    sandbox: bool,
) -> None:
    """transhub: translate documents, images and text through any installed provider.

    Providers are plugins (`transhub providers` lists them). Results are written to the
    current folder unless -o/--output-dir says otherwise. Exit codes are listed in the
    documentation (0 ok, 1 failure, 2 usage error, 3 configuration, 4 bad input, ...).
    """
    runtime = ctx.ensure_object(Runtime)
    runtime.verbose = verbose
    runtime.debug = debug
    runtime.configure_logging()
    overrides = runtime.parse_assignments(assignments)
    if assignments and not ctx.resilient_parsing:
        runtime.check_assignments(assignments)
    if insecure:
        overrides.setdefault("", {})["insecure"] = True
    runtime.overrides = overrides
    if sandbox and ctx.invoked_subcommand not in (None, "sandbox", "config", "completion"):
        runtime.start_sandbox()


def _machine_readable(argv: list[str]) -> bool:
    """Whether the command line asks for --json or --jsonl (errors are JSON then)."""
    options = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in options or "--jsonl" in options


def run(argv: list[str]) -> int:
    """Run the CLI on ``argv``; return the exit code (errors become one line on stderr,
    or one JSON object with --json/--jsonl)."""
    as_json = _machine_readable(argv)
    runtime = Runtime(debug="--debug" in argv, machine=as_json)
    # A file name that is not valid UTF-8 is printed as the bytes it is (as ls does),
    # not turned into an encoding error.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    python_form = warnings.formatwarning
    settings = sys.modules.get("transhub.settings")
    if settings is not None:  # a config file's unknown keys are said once per run
        settings._warned_keys.clear()
    if not runtime.debug:
        warnings.formatwarning = _warning_line(runtime.redact)
    try:
        result = cli.main(args=argv, prog_name="transhub", standalone_mode=False, obj=runtime)
    except (Exception, KeyboardInterrupt) as exc:
        return _report(exc, runtime, as_json=as_json)
    finally:
        warnings.formatwarning = python_form
        runtime.close()
        sys.stdout.flush()
    return result if isinstance(result, int) else 0


def _warning_line(redact: Callable[[str], str]) -> Callable[..., str]:
    """Python's warnings (transhub's own and its libraries') in the CLI's form: one
    line, ``transhub: warning: …``, not the file, line number and source line that
    raised it (``--debug`` keeps Python's form).  Only the text changes: which warnings
    are shown, and how often, is still the warnings filters' business."""

    def formatted(message: Warning | str, *args: object, **kwargs: object) -> str:
        return f"transhub: warning: {redact(' '.join(str(message).split()))}\n"

    return formatted


def _report(exc: BaseException, runtime: Runtime, *, as_json: bool) -> int:
    """Print ``exc`` as one line (or one JSON object on stderr) and return its exit
    code: click's usage errors as click words them, typed errors with their message,
    anything else as an internal error."""
    from transhub.errors import EXIT_CODES, TranshubError

    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        if isinstance(exc, click.exceptions.NoArgsIsHelpError):
            exc.show()  # a group named alone: its help, as asked for
        elif as_json:
            _json_error("usage", exc.exit_code, exc.format_message(), hint=_usage_hint(exc))
        else:
            error_line("error", runtime.redact(_usage_line(exc)))
        return exc.exit_code
    if isinstance(exc, click.Abort | KeyboardInterrupt):
        code = EXIT_CODES["interrupted"]
        _say(as_json, {"code": "interrupted", "exit_code": code, "message": "interrupted"})
        return code
    if runtime.debug:
        traceback.print_exception(exc)
    if isinstance(exc, TranshubError):
        document = exc.document()["error"]
        _say(as_json, document, line=("error", str(exc)), redact=runtime.redact)
        return exc.exit_code
    logging.getLogger("transhub").debug("internal error", exc_info=exc)
    message = f"{type(exc).__name__}: {exc}"
    hint = "run with --debug for the traceback, and please report it"
    _say(
        as_json,
        {"code": "failure", "exit_code": 1, "message": f"internal error: {message}", "hint": hint},
        line=("internal error", f"{message} ({hint})"),
        redact=runtime.redact,
    )
    return EXIT_CODES["failure"]


def _say(
    as_json: bool,
    body: dict[str, object],
    *,
    line: tuple[str, str] | None = None,
    redact: Callable[[str], str] = str,
) -> None:
    """An error on stderr: ``{"error": {...}}`` with --json/--jsonl, else one line."""
    if as_json:
        document = {"code": None, "exit_code": None, "message": "", "provider": None, "hint": None}
        click.echo(redact(dumps({"error": {**document, **body}})), err=True)
    elif line is not None:
        error_line(line[0], redact(line[1]))
    else:
        click.echo(f"transhub: {body['message']}", err=True)


def _usage_line(exc: click.ClickException) -> str:
    """Click's usage error on one line, as every other error is: the command, click's
    own words (its first letter lowered, as the CLI's messages are) and where to read
    the help, e.g. ``image translate: missing option '--to' (see 'transhub image
    translate --help')`` — not click's block of usage, hint, blank line and message."""
    message = " ".join(exc.format_message().split()).removesuffix(".")
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    context = getattr(exc, "ctx", None)
    if context is None:
        return message
    path = context.command_path
    command = path.partition(" ")[2]
    return (
        f"{command}: {message} (see '{path} --help')"
        if command
        else (f"{message} (see '{path} --help')")
    )


def _usage_hint(exc: click.ClickException) -> str | None:
    context = getattr(exc, "ctx", None)
    if context is None:
        return None
    return f"see {context.command_path} --help"


def _json_error(code: str, exit_code: int, message: str, *, hint: str | None = None) -> None:
    _say(True, {"code": code, "exit_code": exit_code, "message": message, "hint": hint})
