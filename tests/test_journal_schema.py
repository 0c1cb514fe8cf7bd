"""An older journal is brought up to date when it is opened, keeping its jobs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from transhub.jobs.model import Item, JobState
from transhub.jobs.requests import DocumentJobRequest
from transhub.journal import Journal
from transhub.journal.schema import _TABLES, _V2, SCHEMA_VERSION

#: A document request as versions before typed requests wrote it (no ``capability``).
OLD_REQUEST = (
    '{"kind": "same", "options": {"bilingual": false}, "overwrite": false,'
    ' "path": "/in/a.docx", "prepared_task_id": null, "source": null, "target": "zh"}'
)


def _old_journal(path: Path, version: int) -> None:
    script = _TABLES + (_V2 if version >= 2 else "")
    with sqlite3.connect(path) as db:
        db.executescript(script)
        db.execute(
            "INSERT INTO jobs (id, created_at, updated_at, provider, capability, state, request)"
            " VALUES ('abcd1234', 'then', 'then', 'fanyigou', 'document', 'completed', ?)",
            (OLD_REQUEST,),
        )
        db.execute(f"PRAGMA user_version={version}")


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_journal_is_migrated_and_keeps_its_jobs(tmp_path: Path, version: int) -> None:
    path = tmp_path / "journal.db"
    _old_journal(path, version)
    journal = Journal(path)
    job = journal.get("abcd")
    assert job.state is JobState.COMPLETED and job.provider == "fanyigou"
    assert job.billed_characters is None and job.attempts == []
    journal.update(job.id, billed_characters=50_000, attempts=[{"provider": "deepl"}])
    again = journal.get(job.id)
    assert again.billed_characters == 50_000 and again.attempts == [{"provider": "deepl"}]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    journal.close()


def test_a_new_journal_has_the_current_schema(journal_url: str) -> None:
    journal = Journal(journal_url)
    item = Item(position=0, input="a.txt", fingerprint="f", plan={})
    request = DocumentJobRequest(path=Path("a.txt"), target="zh")
    job = journal.create(provider="p", capability="document", request=request, items=[item])
    assert journal.get(job.id).attempts == []
    assert journal.backend.version() == SCHEMA_VERSION
    journal.close()


def test_renewing_an_owners_leases_reads_its_live_jobs_only(tmp_path: Path) -> None:
    """Completed jobs keep their owner: the heartbeat's renewal searches the owner's
    live jobs in the ``(owner, state)`` index, not every job the owner ever had — in
    a journal migrated from version 4 as in a new one."""
    from transhub.jobs.claims import _RENEW, LIVE
    from transhub.jobs.owners import this_process
    from transhub.journal.schema import _V3, _V4

    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        db.executescript(_TABLES + _V2 + _V3 + _V4)
        db.execute("PRAGMA user_version=4")
    owner = str(this_process())
    request = DocumentJobRequest(path=Path("a.txt"), target="zh")
    for path in (old, tmp_path / "new.db"):
        journal = Journal(path)
        slots = journal.claim(
            provider="p", capability="document", request=lambda items: request,
            items=[Item(0, f"{n}.txt", f"f{n}", {}) for n in range(3)], owner=owner,
        )  # fmt: skip
        journal.update(slots[0].job_id, state=JobState.COMPLETED)
        plan = journal.backend.read(f"EXPLAIN QUERY PLAN {_RENEW}", (1.0, owner, *LIVE))
        assert any("jobs_owner (owner=? AND state=?)" in row["detail"] for row in plan), plan
        assert journal.renew(owner, 1e12) == 2  # the two live jobs, not the completed one
        assert journal.get(slots[0].job_id).lease_until != 1e12
        journal.close()
