"""The journal's schema, one numbered migration after another, per backend.

A version means the same tables on both backends; each backend lists the statements
that bring it from the version before.  PostgreSQL journals start at version 3 (the
schema of the time cluster mode came): its first migration creates that whole.  A
SQLite journal migrates itself when it is opened; a PostgreSQL one with
``transhub journal migrate`` (:mod:`transhub.journal.backend`).
"""

from __future__ import annotations

SCHEMA_VERSION = 5

_TABLES = """
CREATE TABLE IF NOT EXISTS jobs (
    id            TEXT PRIMARY KEY,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    provider      TEXT NOT NULL,
    capability    TEXT NOT NULL,
    state         TEXT NOT NULL,
    request       TEXT NOT NULL,
    task_id       TEXT,
    prepared_task_id TEXT,
    percent       REAL,
    pages         INTEGER,
    message       TEXT NOT NULL DEFAULT '',
    error         TEXT,
    error_kind    TEXT,
    submitted_at  TEXT,
    finished_at   TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at);
CREATE TABLE IF NOT EXISTS items (
    job_id        TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    input         TEXT NOT NULL,
    input_size    INTEGER,
    input_sha256  TEXT,
    fingerprint   TEXT NOT NULL,
    plan          TEXT NOT NULL,
    state         TEXT NOT NULL,
    code          TEXT,
    message       TEXT NOT NULL DEFAULT '',
    artifacts     TEXT NOT NULL DEFAULT '{}',
    outputs       TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (job_id, position)
);
CREATE INDEX IF NOT EXISTS items_fingerprint ON items(fingerprint, state);
"""

#: Version 2: owners and leases, recorded batches, the paths of results.
_V2 = """
ALTER TABLE jobs ADD COLUMN owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until REAL;
ALTER TABLE jobs ADD COLUMN sending_at TEXT;
ALTER TABLE jobs ADD COLUMN batch_id TEXT;
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner) WHERE owner IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_batch ON jobs(batch_id) WHERE batch_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS batches (
    id            TEXT PRIMARY KEY,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    state         TEXT NOT NULL,
    spec          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_open ON batches(state) WHERE state = 'open';
CREATE TABLE IF NOT EXISTS outputs (
    path          TEXT PRIMARY KEY,
    sha256        TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    job_id        TEXT NOT NULL
);
"""

#: Version 3: what a provider billed for a job (DeepL reports billed characters), and
#: the providers tried before the one that took the job (``--fallback``), as JSON.
_V3 = """
ALTER TABLE jobs ADD COLUMN billed_characters INTEGER;
ALTER TABLE jobs ADD COLUMN attempts TEXT NOT NULL DEFAULT '[]';
"""

#: Version 4: a provider account's channels, leased like jobs (cluster-wide channels:
#: see docs/cluster.md).  ``account`` is a digest of the account's public id.
_V4 = """
CREATE TABLE IF NOT EXISTS channels (
    provider      TEXT NOT NULL,
    account       TEXT NOT NULL,
    slot          INTEGER NOT NULL,
    owner         TEXT,
    lease_until   REAL,
    job_id        TEXT,
    PRIMARY KEY (provider, account, slot)
);
CREATE INDEX IF NOT EXISTS channels_owner ON channels(owner) WHERE owner IS NOT NULL;
"""

#: Version 5: owners indexed with their jobs' states.  Completed jobs keep their
#: owner, so the heartbeat's renewal (an owner's *live* jobs) searched every job the
#: owner ever had — 60 ms under the write lock, every 20 s, for an owner of 100,000
#: (issue 17); on ``(owner, state)`` it reads the live ones only.
_V5 = """
DROP INDEX IF EXISTS jobs_owner;
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, state) WHERE owner IS NOT NULL;
"""

SQLITE = {1: _TABLES, 2: _V2, 3: _V3, 4: _V4, 5: _V5}

#: PostgreSQL: ids and times in the "C" collation (ranges of id prefixes and ISO
#: times compare bytewise); input paths and result paths as bytes (a file name that
#: is not UTF-8 is kept exactly); ``seq`` orders jobs created in the same millisecond.
_PG_V3 = """
CREATE TABLE jobs (
    id            TEXT COLLATE "C" PRIMARY KEY,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    provider      TEXT NOT NULL,
    capability    TEXT NOT NULL,
    state         TEXT NOT NULL,
    request       TEXT NOT NULL,
    task_id       TEXT,
    prepared_task_id TEXT,
    percent       DOUBLE PRECISION,
    pages         INTEGER,
    message       TEXT NOT NULL DEFAULT '',
    error         TEXT,
    error_kind    TEXT,
    submitted_at  TEXT,
    finished_at   TEXT,
    owner         TEXT,
    lease_until   DOUBLE PRECISION,
    sending_at    TEXT,
    batch_id      TEXT,
    billed_characters INTEGER,
    attempts      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX jobs_state ON jobs(state);
CREATE INDEX jobs_created ON jobs(created_at);
CREATE INDEX jobs_owner ON jobs(owner) WHERE owner IS NOT NULL;
CREATE INDEX jobs_batch ON jobs(batch_id) WHERE batch_id IS NOT NULL;
CREATE TABLE items (
    job_id        TEXT COLLATE "C" NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    input         BYTEA NOT NULL,
    input_size    BIGINT,
    input_sha256  TEXT,
    fingerprint   TEXT NOT NULL,
    plan          TEXT NOT NULL,
    state         TEXT NOT NULL,
    code          TEXT,
    message       TEXT NOT NULL DEFAULT '',
    artifacts     TEXT NOT NULL DEFAULT '{}',
    outputs       TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (job_id, position)
);
CREATE INDEX items_fingerprint ON items(fingerprint, state);
CREATE TABLE batches (
    id            TEXT COLLATE "C" PRIMARY KEY,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    state         TEXT NOT NULL,
    spec          TEXT NOT NULL
);
CREATE INDEX batches_open ON batches(state) WHERE state = 'open';
CREATE TABLE outputs (
    path          BYTEA PRIMARY KEY,
    sha256        TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    job_id        TEXT NOT NULL
);
"""

_PG_V4 = _V4.replace("lease_until   REAL", "lease_until   DOUBLE PRECISION")

POSTGRES = {3: _PG_V3, 4: _PG_V4, 5: _V5}


def script_from(migrations: dict[int, str], version: int) -> list[tuple[int, list[str]]]:
    """The migrations that bring a journal of schema ``version`` to the current one:
    ``(version reached, statements)`` in order."""
    return [
        (number, [s for s in script.split(";") if s.strip()])
        for number, script in sorted(migrations.items())
        if number > version
    ]
