"""``transhub completion``: shell completion for bash, zsh and fish (click's), with
dynamic values — provider names, language codes, job ids and setting keys.

Each completer is cheap and never fails loudly: a completion that cannot be computed
offers nothing rather than printing an error into the user's prompt.
"""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem

SHELLS = ("bash", "zsh", "fish")

#: Where the completion script goes, per shell (shown by ``--help`` and the docs).
INSTALL = {
    "bash": "transhub completion bash > ~/.local/share/bash-completion/completions/transhub",
    "zsh": 'transhub completion zsh > "${fpath[1]}/_transhub"',
    "fish": "transhub completion fish > ~/.config/fish/completions/transhub.fish",
}


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    Install it once, then open a new shell:

    \b
    bash: transhub completion bash > ~/.local/share/bash-completion/completions/transhub
    zsh:  transhub completion zsh > "${fpath[1]}/_transhub"
    fish: transhub completion fish > ~/.config/fish/completions/transhub.fish

    Options complete, and so do provider names (--provider), language codes (--to,
    --from), job ids (transhub jobs show/resume/...) and setting keys (transhub config).
    """
    from click.shell_completion import get_completion_class

    from transhub.cli.root import cli

    cls = get_completion_class(shell)
    assert cls is not None  # every name in SHELLS has a class in click
    click.echo(cls(cli, {}, "transhub", "_TRANSHUB_COMPLETE").source())


def _quiet(function: Any) -> Any:
    """A completer that offers nothing instead of raising."""

    def wrapper(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        try:
            result: list[Any] = function(incomplete)
        except Exception:
            return []
        return result

    wrapper.__doc__ = function.__doc__
    return wrapper


def provider_names(incomplete: str) -> list[CompletionItem]:
    """The installed providers (from the plugins' plain-data summaries when they give
    them: fast)."""
    from transhub.registry import Registry

    registry = Registry(report=lambda message: None)
    summaries = registry.summaries()
    if summaries is not None:
        found = {s.name: s.title for s in summaries}
    else:
        found = {name: name for name in registry.providers()}
    return [
        CompletionItem(name, help=title)
        for name, title in sorted(found.items())
        if name.startswith(incomplete)
    ]


def language_codes(incomplete: str) -> list[CompletionItem]:
    """The canonical language codes, with their names."""
    from transhub.languages import NAMES

    lowered = incomplete.lower()
    return [
        CompletionItem(code, help=name)
        for code, name in sorted(NAMES.items())
        if code.lower().startswith(lowered)
    ]


def job_ids(incomplete: str) -> list[CompletionItem]:
    """The journal's job ids, newest first, read with one read-only query (a SQLite
    journal is not opened: nothing is created or migrated by a completion)."""
    import contextlib
    import sqlite3

    from transhub.journal.backend import parse_location
    from transhub.journal.store import configured_url

    query = (
        "SELECT id, state, provider, capability FROM jobs WHERE id LIKE ? "
        "ORDER BY created_at DESC LIMIT 200"
    )
    prefix = incomplete.replace("%", "").replace("_", "") + "%"
    location = parse_location(configured_url())
    if location.path is None:  # a shared journal: read through its backend
        from transhub.journal import Journal

        journal = Journal(location)
        try:
            rows = [tuple(r.values()) for r in journal.backend.read(query, (prefix,))]
        finally:
            journal.close()
    else:
        if not location.path.exists():
            return []
        with contextlib.closing(
            sqlite3.connect(f"{location.path.as_uri()}?mode=ro", uri=True)
        ) as db:
            rows = db.execute(query, (prefix,)).fetchall()
    return [CompletionItem(str(row[0]), help=" ".join(map(str, row[1:]))) for row in rows]


def setting_keys(incomplete: str) -> list[CompletionItem]:
    """Every setting key (transhub's, defaults.<capability>, each provider's)."""
    from transhub.registry import Registry
    from transhub.settings import setting_keys as keys

    registry = Registry(report=lambda message: None)
    providers: dict[str, Any] = {}
    for capabilities in registry.providers().values():
        info = next(iter(capabilities.values())).provider
        providers[info.name] = info.settings
    return [
        CompletionItem(key, help=(field.description or "") if field is not None else "")
        for key, field in keys(providers).items()
        if key.startswith(incomplete)
    ]


complete_providers = _quiet(provider_names)
complete_languages = _quiet(language_codes)
complete_job_ids = _quiet(job_ids)
complete_setting_keys = _quiet(setting_keys)
