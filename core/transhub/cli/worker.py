"""``transhub worker``: run queued jobs of the cluster (``docs/cluster.md``)."""

from __future__ import annotations

import click

from transhub.cli.runtime import Runtime


@click.command()
@click.option(
    "-c",
    "--concurrency",
    type=click.IntRange(1, 256),
    default=4,
    show_default=True,
    help="Jobs this worker runs at once (the providers' channels still bound the cluster).",
)
@click.option(
    "--queue",
    "queues",
    multiple=True,
    metavar="NAME",
    help="Serve only this provider's queue (repeatable; default: every queue).",
)
@click.option(
    "--reconcile-every",
    type=click.FloatRange(0.1),
    default=2.0,
    show_default=True,
    metavar="SECONDS",
    help="How often to enqueue unowned jobs that no queue entry names.",
)
@click.pass_obj
def worker(
    runtime: Runtime, concurrency: int, queues: tuple[str, ...], reconcile_every: float
) -> int:
    """Run cluster jobs: claim queued jobs from the PostgreSQL journal and submit, poll and
    download them, writing results into the results store (results.dir).

    Stops cleanly on SIGTERM or Ctrl-C: running jobs finish their current step and are
    handed back to the other workers.  Credentials come from this machine's settings;
    the database and the queue never hold them.
    """
    from transhub.cluster.worker import serve

    return serve(
        runtime.hub, concurrency=concurrency, queues=queues, reconcile_every=reconcile_every
    )
