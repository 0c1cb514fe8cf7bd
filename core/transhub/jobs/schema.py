"""The journal's schema, and how an older journal is brought up to date."""

from __future__ import annotations

SCHEMA_VERSION = 3

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


def script_from(version: int) -> list[str]:
    """The statements that bring a journal of schema ``version`` to the current one."""
    script = (_TABLES if version < 1 else "") + (_V2 if version < 2 else "") + _V3
    return [statement for statement in script.split(";") if statement.strip()]
