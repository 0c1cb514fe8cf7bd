"""``transhub fanyigou …``: the plugin's own commands."""

from __future__ import annotations

import click


@click.group(name="fanyigou")
def fanyigou() -> None:
    """Fanyigou (翻译狗) tools."""


@fanyigou.command(name="callback-server")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Folder for the received states (default: transhub's data folder).",
)
def callback_server(host: str, port: int, data_dir: str | None) -> None:
    """Receive Fanyigou's task callbacks.

    Verifies each callback's token with the private key (403 for forged, unsigned or
    replayed ones), answers `success`, and records the task's state where `doc
    translate` and `jobs resume` find it without asking the service.  Set the URL
    this prints (as seen from the internet) as the callback address in Fanyigou's
    console.  Stop with Ctrl-C.
    """
    import logging
    from pathlib import Path

    from transhub.cli.runtime import Runtime
    from transhub.settings import load_settings

    # Imported here, not at the top: `transhub --help` loads this module.
    from transhub_fanyigou.callbacks import MAX_BODY, CallbackReceiver, CallbackStore, serve
    from transhub_fanyigou.settings import FanyigouSettings

    # The run's own overrides (-c fanyigou.private_key=… and the like) apply here too.
    runtime = click.get_current_context().find_object(Runtime)
    overrides = runtime.overrides.get("fanyigou") if runtime is not None else None
    settings: FanyigouSettings = load_settings(FanyigouSettings, overrides, what="fanyigou")
    if not settings.private_key.get_secret_value():
        from transhub.errors import ConfigurationError

        raise ConfigurationError(
            "the callback server verifies callbacks with the private key: "
            "set TRANSHUB_FANYIGOU_PRIVATE_KEY"
        )
    store = CallbackStore(Path(data_dir)) if data_dir else CallbackStore.default()
    receiver = CallbackReceiver(settings.private_key, store, max_body=MAX_BODY)
    logging.getLogger("transhub.fanyigou.callbacks").setLevel(logging.INFO)

    def ready(url: str) -> None:
        click.echo(f"listening on {url} (states recorded in {store.folder})", err=False)

    try:
        serve(receiver, host, port, ready=ready)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
