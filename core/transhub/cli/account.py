"""``transhub account``: balances."""

from __future__ import annotations

import click

from transhub.cli.output import emit_json, json_option, provider_option, table
from transhub.cli.runtime import Runtime


@click.command()
@click.option(
    "--kind", metavar="KIND", help="One resource kind (documents, text, images, conversion)."
)
@provider_option
@json_option
@click.pass_obj
def account(runtime: Runtime, kind: str | None, provider: str | None, as_json: bool) -> None:
    """Show the account's balance per resource kind."""
    balances = runtime.hub.account_balance(kind, provider=provider)
    if as_json:
        for balance in balances:
            emit_json(balance)
        return
    table([(b.kind, f"{b.amount:g}", b.unit) for b in balances], ("kind", "balance", "unit"))
