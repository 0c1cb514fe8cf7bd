"""The root ``transhub`` group, its global options, and error handling."""

from __future__ import annotations

import importlib
import io
import logging
import sys
import traceback
from typing import Any

import click

from transhub import __version__
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
    "languages": "transhub.cli.languages:languages",
    "ocr": "transhub.cli.ocr:ocr",
    "providers": "transhub.cli.providers:providers",
    "sandbox": "transhub.cli.sandbox:sandbox",
    "text": "transhub.cli.text:text",
    "uninstall": "transhub.cli.install:uninstall",
}


class LazyGroup(click.Group):
    """A group whose core commands are imported on demand and whose plugin commands
    are added only when a name is not a core command (or ``--help`` lists them)."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy
        self._plugins_loaded = False

    def _plugin_commands(self, ctx: click.Context) -> None:
        if not self._plugins_loaded:
            self._plugins_loaded = True
            runtime = ctx.find_object(Runtime) or Runtime()
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
    if insecure:
        overrides.setdefault("", {})["insecure"] = True
    runtime.overrides = overrides
    if sandbox and ctx.invoked_subcommand not in (None, "sandbox", "config"):
        runtime.start_sandbox()


def run(argv: list[str]) -> int:
    """Run the CLI on ``argv``; return the exit code (errors become one line on stderr)."""
    from transhub.errors import EXIT_CODES, TranshubError

    runtime = Runtime(debug="--debug" in argv)
    # A file name that is not valid UTF-8 is printed as the bytes it is (as ls does),
    # not turned into an encoding error.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    try:
        result = cli.main(args=argv, prog_name="transhub", standalone_mode=False, obj=runtime)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("transhub: interrupted", err=True)
        return EXIT_CODES["interrupted"]
    except TranshubError as exc:
        if runtime.debug:
            traceback.print_exc()
        click.echo(f"transhub: error: {runtime.redact(str(exc))}", err=True)
        return exc.exit_code
    except Exception as exc:
        if runtime.debug:
            traceback.print_exc()
        logging.getLogger("transhub").debug("internal error", exc_info=True)
        click.echo(
            f"transhub: internal error: {type(exc).__name__}: {runtime.redact(str(exc))} "
            "(run with --debug for the traceback, and please report it)",
            err=True,
        )
        return EXIT_CODES["failure"]
    finally:
        runtime.close()
        sys.stdout.flush()
    return result if isinstance(result, int) else 0
