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
