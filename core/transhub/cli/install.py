"""``transhub install`` and ``transhub uninstall``: plugins, with pip, beside transhub.

pip runs with the interpreter transhub itself runs on, so plugins land in the same
environment whatever installed transhub (a virtual environment, pipx, the system).
Neither command loads any plugin: a broken plugin can always be removed.
"""

from __future__ import annotations

import subprocess
import sys

import click


def distribution(name: str) -> str:
    """``fanyigou`` → ``transhub-fanyigou``; anything that already names a
    distribution, a path or a URL (or carries extras or a version) is kept."""
    if name.startswith(("transhub-", "transhub_", ".", "/", "-")) or any(
        c in name for c in "/[=<>@:~"
    ):
        return name
    return f"transhub-{name}"


def _pip(*args: str) -> int:
    command = [sys.executable, "-m", "pip", *args]
    click.echo(f"transhub: running {' '.join(command)}", err=True)
    return subprocess.run(command, check=False).returncode  # noqa: S603 - our own interpreter and pip


@click.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade plugins already installed.")
@click.option("-e", "--editable", is_flag=True, help="Install local folders in editable mode.")
def install(names: tuple[str, ...], upgrade: bool, editable: bool) -> int:
    """Install provider plugins: NAME is a short name (fanyigou → transhub-fanyigou), a
    distribution name, a local folder or a URL."""
    args = ["install", *(["--upgrade"] if upgrade else [])]
    for name in names:
        args += ["-e", name] if editable else [distribution(name)]
    return _pip(*args)


@click.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def uninstall(names: tuple[str, ...], yes: bool) -> int:
    """Uninstall provider plugins (short names as for install)."""
    return _pip("uninstall", *(["-y"] if yes else []), *(distribution(n) for n in names))
