"""Journals of many completed jobs, seeded in seconds, with rows shaped like real ones.

One real ``transhub doc translate`` against the Fanyigou emulator writes the template
job; its rows (in every table that holds a job's rows: the job by ``id``, its items
by ``job_id``) are then copied ``count`` times in one transaction with
``executemany``, each copy with its own id, input, digests, fingerprint, task id and
times (a second apart, older and older).  Nothing here knows the journal's columns,
so it seeds whatever schema the journal has.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import emulators
from measure import run

if TYPE_CHECKING:
    from rows import Bench

#: The journal of a client whose TRANSHUB_HOME is ``home`` (``open_journal(home / "data")``).
JOURNAL = Path("data") / "jobs.db"


def template(bench: Bench) -> Path:
    """A home whose journal holds one real completed document job (made once)."""
    home = bench.work / "journal-template"
    if (home / JOURNAL).exists():
        return home
    home.mkdir()
    document = bench.work / "report-template.txt"
    document.write_text("A paragraph of the quarterly report.\n" * 20, encoding="utf-8")
    with emulators.fanyigou(task_seconds=0.0) as emulator:
        argv = [bench.transhub, "doc", "translate", str(document), "--to", "zh"]
        argv += ["--provider", "fanyigou", "-o", str(bench.folder("out")), "-q", "--json"]
        run(argv, env=bench.env(home, emulator.environment))
    return home


def seeded_home(bench: Bench, count: int) -> Path:
    """A new home whose journal holds ``count`` completed jobs like the template's."""
    home = bench.folder("home")
    source = template(bench) / JOURNAL
    (home / JOURNAL).parent.mkdir(parents=True)
    with sqlite3.connect(source) as original, sqlite3.connect(home / JOURNAL) as copy:
        original.backup(copy)  # the template job itself, and the journal's settings
    replicate(home / JOURNAL, count - 1)
    return home


def _tables(db: sqlite3.Connection) -> list[tuple[str, str, list[str]]]:
    """Each table holding a job's rows: its name, the column naming the job, and the
    columns to copy (all but an integer primary key, which SQLite numbers itself)."""
    found = []
    names = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    for (table,) in db.execute(names).fetchall():
        info = db.execute(f"PRAGMA table_info({table})").fetchall()
        columns = [row[1] for row in info]
        key = "id" if table == "jobs" else "job_id" if "job_id" in columns else None
        if key is None:
            continue
        keys = [row for row in info if row[5]]
        numbered = [r[1] for r in keys if len(keys) == 1 and str(r[2]).upper() == "INTEGER"]
        found.append((table, key, [c for c in columns if c not in numbered]))
    return found


def replicate(database: Path, count: int) -> None:
    """Add ``count`` copies of the journal's one job (see the module docstring).
    Table and column names in the SQL come from the journal's own schema."""
    db = sqlite3.connect(database)
    try:
        ((job_id,),) = db.execute("SELECT id FROM jobs").fetchall()
        tables = _tables(db)
        templates = {
            table: db.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = ?",
                (job_id,),
            ).fetchall()
            for table, key, columns in tables
        }
        tokens = _tokens(db, job_id)
        with db:
            for table, _, columns in tables:
                marks = ", ".join("?" * len(columns))
                db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    (
                        [
                            _vary(value, column, tokens, n)
                            for value, column in zip(row, columns, strict=True)
                        ]
                        for n in range(1, count + 1)
                        for row in templates[table]
                    ),
                )
    finally:
        db.close()


def _tokens(db: sqlite3.Connection, job_id: str) -> dict[str, str]:
    """The template's values that make a job distinct, and what each copy n puts
    there (``{n}`` is filled in): its id, digests, fingerprint, task id and input."""
    tokens = {job_id: "{id}"}
    (task,) = db.execute("SELECT task_id FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if task:
        tokens[task] = "{task}"
    for fingerprint, sha in db.execute(
        "SELECT fingerprint, input_sha256 FROM items WHERE job_id = ?", (job_id,)
    ):
        tokens[fingerprint] = "{fingerprint}"
        if sha:
            tokens[sha] = "{sha}"
    tokens["report-template"] = "report-{n:06d}"
    return tokens


def _vary(value: Any, column: str, tokens: dict[str, str], n: int) -> Any:
    if not isinstance(value, str):
        return value
    if column.endswith("_at"):
        with_zone = value.replace("Z", "+00:00")
        try:
            stamp = datetime.fromisoformat(with_zone)
        except ValueError:
            return value
        return (stamp - timedelta(seconds=n)).isoformat(timespec="milliseconds")
    for token, pattern in tokens.items():
        if token in value:
            value = value.replace(token, _fill(pattern, token, n))
    return value


def _fill(pattern: str, token: str, n: int) -> str:
    digest = hashlib.sha256(f"{pattern}{n}".encode()).hexdigest()
    return pattern.format(
        n=n,
        # A bijection of n (odd multiplier, modulo a power of 2): unique, random-looking
        # ids, as prefix lookups meet them.
        id=f"{(n * 2654435761) % 16 ** len(token):0{len(token)}x}",
        task=str(10**9 + n),
        fingerprint=digest,
        sha=digest,
    )
