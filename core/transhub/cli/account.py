"""``transhub account``: balances."""

from __future__ import annotations

import click

from transhub.cli.output import OutputMode, Records, json_option, provider_option, table
from transhub.cli.runtime import Runtime


@click.command()
@click.option(
    "--resource",
    metavar="RESOURCE",
    help="Only this resource: document, text, image or convert (as the provider offers).",
)
@provider_option
@json_option
@click.pass_obj
def account(runtime: Runtime, resource: str | None, provider: str | None, mode: OutputMode) -> None:
    """Show the account's balance of each resource (document pages, text characters,
    images, conversion pages)."""
    balances = runtime.hub.account_balance(resource, provider=provider)
    with Records(mode, many=True) as records:
        for balance in balances:
            records.add(balance)
    if mode is OutputMode.TEXT:
        table(
            [(b.provider, b.resource, b.balance, b.unit) for b in balances],
            ("provider", "resource", "balance", "unit"),
        )
