"""``transhub sandbox``: the providers' emulators, for trying transhub without an account."""

from __future__ import annotations

import shlex
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transhub.cli.output import OutputMode, Records, json_option
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime

if TYPE_CHECKING:
    from transhub.sandbox import SandboxSession


@click.group(cls=WholeSummaries)
def sandbox() -> None:
    """Local emulators of the installed providers.

    `transhub --sandbox COMMAND` runs any command against them for one run. `transhub
    sandbox serve` keeps them running for other clients, the vendors' own SDKs
    included.
    """


@sandbox.command()
def sample() -> None:
    """Print the path of a small document shipped with transhub, to try a flow:

    transhub --sandbox doc translate "$(transhub sandbox sample)" --to zh
    """
    from importlib.resources import files

    click.echo(str(Path(str(files("transhub") / "samples" / "welcome.txt"))))


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port-base",
    type=click.IntRange(0, 65535),
    default=0,
    show_default="free ports",
    help="First port; each further emulator takes the next one.",
)
@click.option(
    "--duration",
    type=click.FloatRange(0),
    default=2.0,
    show_default=True,
    help="Seconds an emulated task takes.",
)
@click.option(
    "--ttl",
    type=click.FloatRange(0),
    default=3600.0,
    show_default=True,
    help="Seconds an emulated result stays downloadable.",
)
@click.option(
    "--tls",
    is_flag=True,
    help="Serve https, with a certificate from a throw-away CA whose bundle is exported as "
    "REQUESTS_CA_BUNDLE, for the emulators whose vendor SDK insists on it (Fanyigou's).",
)
@click.option(
    "--for",
    "lifetime",
    type=click.FloatRange(0),
    default=None,
    metavar="SECONDS",
    help="Stop after this long (default: until Ctrl-C).",
)
@json_option
@click.pass_obj
def serve(
    runtime: Runtime,
    host: str,
    port_base: int,
    duration: float,
    ttl: float,
    tls: bool,
    lifetime: float | None,
    mode: OutputMode,
) -> None:
    """Run every installed emulator until Ctrl-C, and print the `export` lines that
    point transhub — or any other client — at them.

    With --json, one array of the emulators instead (provider, description, url, and
    the environment that points a client at it), printed once they all listen.
    """
    from transhub.errors import RoutingError
    from transhub.sandbox import SandboxOptions, SandboxSession

    sandboxes = runtime.registry.sandboxes()
    if not sandboxes:
        raise RoutingError(
            "no installed provider offers an emulator; install a provider plugin "
            "with its sandbox extra, e.g. pip install 'transhub-fanyigou[sandbox]'"
        )
    from transhub.paths import data_dir

    session = SandboxSession(
        sandboxes,
        SandboxOptions(task_seconds=duration, result_ttl=ttl),
        host=host,
        port_base=port_base,
        tls_folder=data_dir() / "sandbox-tls" if tls else None,
    )
    try:
        session.start()
        with Records(mode, many=True) as records:
            for running in session.running:
                records.add(
                    {
                        "provider": running.sandbox.provider,
                        "description": running.sandbox.description,
                        "url": running.url,
                        "environment": {
                            **running.environment,
                            **({"REQUESTS_CA_BUNDLE": str(session.ca_bundle)} if tls else {}),
                        },
                    }
                )
        if mode is OutputMode.TEXT:
            _print_exports(session)
        click.echo("# results are emulated, not real translations; stop with Ctrl-C", err=True)
        threading.Event().wait(lifetime)
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()


def _print_exports(session: SandboxSession) -> None:
    """The shell lines that point clients at the running emulators."""
    if session.ca_bundle is not None:
        click.echo(f"export REQUESTS_CA_BUNDLE={shlex.quote(str(session.ca_bundle))}")
    for running in session.running:
        click.echo(
            f"# {running.sandbox.provider}: {running.sandbox.description or 'emulator'} "
            f"at {running.url}"
        )
        for key, value in running.environment.items():
            click.echo(f"export {key}={shlex.quote(value)}")
