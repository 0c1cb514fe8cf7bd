"""``transhub account``: balances."""

from __future__ import annotations

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    check_result_file,
    json_option,
    output_file_option,
    overwrite_option,
    plain_table,
    provider_option,
    save_result,
    table,
)
from transhub.cli.runtime import Runtime

HEADERS = ("provider", "resource", "balance", "unit")


@click.command()
@click.option(
    "--resource",
    metavar="RESOURCE",
    help="Only this resource: document, text, image or convert (as the provider offers).",
)
@provider_option
@output_file_option
@overwrite_option
@json_option
@click.pass_obj
def account(
    runtime: Runtime,
    resource: str | None,
    provider: str | None,
    output: str | None,
    overwrite: bool,
    mode: OutputMode,
) -> None:
    """Show the account's balance of each resource (document pages, text characters,
    images, conversion pages)."""
    check_result_file(output, overwrite=overwrite)  # before the provider is asked
    balances = runtime.hub.account_balance(resource, provider=provider)
    with Records(mode, many=True) as records:
        for balance in balances:
            records.add(balance)
    rows = [(b.provider, b.resource, b.balance, b.unit) for b in balances]
    if mode is OutputMode.TEXT and output in (None, "-"):
        table(rows, HEADERS)  # drawn to fit a terminal
    else:
        # -o FILE (any mode): the plain table a pipe gets.
        save_result(plain_table(rows, HEADERS), output, mode, overwrite=overwrite)
