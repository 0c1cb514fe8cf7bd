"""Cluster mode (``docs/cluster.md``): the journal on PostgreSQL, jobs delivered to
``transhub worker`` processes by procrastinate on the same database, results in a
shared results store.

* :mod:`~transhub.cluster.queue` — the procrastinate app, the one task, enqueueing;
* :mod:`~transhub.cluster.submit` — ``--queue``: plans recorded as unowned jobs, then
  enqueued (an outbox);
* :mod:`~transhub.cluster.placement` — a queued job's inputs and results in the store;
* :mod:`~transhub.cluster.worker` — ``transhub worker``: the task, the reconciler,
  signals and a lost database.

Nothing here is imported by ``transhub --help`` or by a local run.
"""
