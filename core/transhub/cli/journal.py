"""``transhub journal``: where the job journal is, its schema version, and migrating it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from transhub.cli.output import OutputMode, Records, json_option
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime

if TYPE_CHECKING:
    from transhub.journal import Journal


@click.group(cls=WholeSummaries)
def journal() -> None:
    """The job journal's database: its status, and migrating its schema.

    The journal is the SQLite file in the data folder unless `journal.url` (or
    TRANSHUB_JOURNAL_URL) names another: `sqlite:///path`, or a PostgreSQL database
    (`postgresql://user@host:port/db`) shared by the processes and machines of a
    cluster. A SQLite journal migrates itself; a PostgreSQL one with `migrate`.
    """


def _open(runtime: Runtime, *, migrate: bool = False) -> Journal:
    """The configured journal, opened without checking its schema version (a SQLite
    file migrating itself as usual when ``migrate``)."""
    from transhub.journal import Journal
    from transhub.journal.backend import parse_location
    from transhub.journal.location import journal_url

    location = parse_location(journal_url(runtime.overrides.get("", {})))
    if location.backend == "postgresql":
        from transhub.extras import require

        # Migrating a PostgreSQL journal also creates the workers' queue.
        require("cluster", "psycopg", "procrastinate")
    return Journal(location, migrate=migrate and location.backend == "sqlite")


def _where(journal: Journal) -> dict[str, Any]:
    location = journal.location
    shown = f"sqlite://{location.path}" if location.path is not None else location.shown
    return {"backend": location.backend, "url": shown}


@journal.command()
@json_option
@click.pass_obj
def migrate(runtime: Runtime, mode: OutputMode) -> None:
    """Bring the journal's schema up to this transhub's version (from/to printed).

    Safe to run at any time and from several machines at once: what is done is not
    done again. Run it after installing a newer transhub, before starting workers.
    """
    book = _open(runtime)
    try:
        before, after = book.backend.migrate()
    finally:
        book.close()
    queue = _queue_schema(book)
    record = {**_where(book), "from_version": before, "to_version": after}
    with Records(mode, many=False) as records:
        records.add(record)
    if mode is OutputMode.TEXT:
        change = "already current" if before == after else f"migrated from version {before}"
        click.echo(f"journal {record['url']}: schema version {after} ({change})")
        if queue is not None:
            click.echo(f"queue: procrastinate's tables {'created' if queue else 'present'}")


def _queue_schema(journal: Journal) -> bool | None:
    """On PostgreSQL, the workers' queue (procrastinate's tables) beside the journal:
    whether it was created now (``None``: no queue on a SQLite journal)."""
    url = journal.location.url
    if journal.location.backend != "postgresql" or url is None:
        return None
    from transhub.cluster.queue import apply_schema

    return apply_schema(url)


@journal.command()
@json_option
@click.pass_obj
def status(runtime: Runtime, mode: OutputMode) -> None:
    """Show the journal's backend, URL (password masked), schema version and jobs."""
    from transhub.journal.schema import SCHEMA_VERSION

    book = _open(runtime, migrate=True)
    try:
        version = book.backend.version()
        current = version == SCHEMA_VERSION
        counts = book.state_counts() if current else {}
        channels = len(book.channels_in_use()) if current else 0
    finally:
        book.close()
    record = {
        **_where(book),
        "schema_version": version,
        "required_version": SCHEMA_VERSION,
        "jobs": counts,
        "channels_in_use": channels,
    }
    with Records(mode, many=False) as records:
        records.add(record)
    if mode is not OutputMode.TEXT:
        return
    click.echo(f"backend          {record['backend']}")
    click.echo(f"url              {record['url']}")
    behind = "" if current else "  (this transhub needs "
    if not current:
        behind += f"{SCHEMA_VERSION}: `transhub journal migrate`)"
    click.echo(f"schema version   {version}{behind}")
    jobs = ", ".join(f"{n} {state}" for state, n in counts.items()) or "none"
    click.echo(f"jobs             {jobs}")
    click.echo(f"channels in use  {channels}")
