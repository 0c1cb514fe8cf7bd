"""The job journal: every remote task, recorded before it can cost money.

One interface, two backends (:mod:`transhub.journal.backend`): the embedded default
is SQLite in WAL mode at ``<data folder>/jobs.db`` (:mod:`~transhub.journal.sqlite`);
``journal.url = "postgresql://…"`` shares one PostgreSQL database between every
process and machine of a cluster (:mod:`~transhub.journal.postgres`).  Either way
every write is one short transaction, retried when the database asks for it (never
"database is locked"), and no transaction is held across a network call.  Jobs and
items are described in :mod:`transhub.jobs.model`; owners and leases in
:mod:`transhub.jobs.owners`, claims in :mod:`transhub.jobs.claims`; provider channels
in :mod:`transhub.jobs.channels`.

What ``transhub jobs resume`` does with each state:

========== ==================================================== =====================
state      meaning                                              resume
========== ==================================================== =====================
submitting written before the request that may start a paid    submit when nothing was
           task; the task id is not known yet                  sent (``sending_at``
                                                               unset), when the submit
                                                               is idempotent, or with
                                                               ``--resubmit``
running    the provider has the task (``task_id`` known)        poll, then download
finished   the task is done remotely; results not all saved     download
completed  every result saved (paths and SHA-256 recorded)      —
failed     the task (or its submit) failed; nothing to resume   —
expired    the provider no longer keeps the result              —
========== ==================================================== =====================

Times are stored in UTC (ISO 8601); leases in epoch seconds.  No secret is ever
written here: only inputs, options, provider task ids and outcomes.
"""

from __future__ import annotations

from transhub.jobs.model import Item, ItemStatus, Job, JobState, now
from transhub.journal.store import Journal, open_journal

__all__ = ["Item", "ItemStatus", "Job", "JobState", "Journal", "now", "open_journal"]
