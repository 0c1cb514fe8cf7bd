"""The embedded journal: one SQLite file in WAL mode (the default).

Safe for several transhub processes at once: every write is one short
``BEGIN IMMEDIATE`` transaction, run again while another process holds the write
lock (never "database is locked"), and no transaction is held across a network call.
The schema version is SQLite's ``user_version``; the file migrates itself when opened.

Commits use ``synchronous=NORMAL``: in WAL mode a commit is durable across a crash
or kill of any process, and the WAL is synced at checkpoints only, not at each of a
document's transactions.  A power loss or an OS crash may roll the last commits
back; what would then be lost costs nothing (a progress, a status, a result's record:
the task is polled and its result downloaded again).  The one mark that must
survive that too — ``sending_at``, written before a request that may start a paid
task, which tells a resume not to send it again — is committed ``durable``
(``synchronous=FULL``: the WAL synced at that commit, and with it every commit
before it).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from transhub.journal.backend import Backend, Connection, Location, from_db, newer_message
from transhub.journal.schema import SCHEMA_VERSION, SQLITE, script_from

if TYPE_CHECKING:
    from transhub.errors import ConfigurationError

T = TypeVar("T")

#: How long a write waits for another process's write lock before retrying, and for
#: how long it retries in all: far longer than any transaction of ours lasts.
_BUSY_TIMEOUT = 5.0
_RETRY_FOR = 120.0


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _retrying(action: Callable[[], T]) -> T:
    """``action()``, run again while SQLite reports the database busy or locked (a
    busy handler does not cover every case, e.g. a lock upgrade or WAL recovery)."""
    end = time.monotonic() + _RETRY_FOR
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() > end:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def unusable(path: Path, exc: BaseException) -> ConfigurationError:
    """The configuration error for a journal file that cannot be opened or is not a
    journal: it names the file and the problem, and where the location is set."""
    from transhub.errors import ConfigurationError

    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        reason = "not an SQLite database (damaged, or another file)"
    return ConfigurationError(
        f"the journal {path} cannot be used: {reason}; move the file away, or point "
        "journal.url (TRANSHUB_JOURNAL_URL) at another file"
    )


class SqliteBackend(Backend):
    """The journal file at ``location.path`` (created on first use).

    One connection per instance, guarded by a lock, so threads of one process may
    share it; other processes use their own instances.
    """

    name = "sqlite"

    def __init__(self, location: Location) -> None:
        assert location.path is not None
        self.location = location
        self.path = location.path
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise unusable(self.path, exc) from exc
        try:
            self._db.row_factory = sqlite3.Row
            # The first statements read the file: one that is not a journal fails here.
            _retrying(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
            self._db.execute("PRAGMA synchronous=NORMAL")  # durable across a process kill
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error as exc:
            self._db.close()
            raise unusable(self.path, exc) from exc

    def version(self) -> int:
        """SQLite's ``user_version``."""
        with self._lock:
            return int(_retrying(lambda: self._db.execute("PRAGMA user_version").fetchone()[0]))

    def migrate(self) -> tuple[int, int]:
        """Create or upgrade the schema in one transaction (two processes opening a
        new journal at once: the second finds it done)."""
        before = self.version()
        if before == SCHEMA_VERSION:
            return before, before
        if before > SCHEMA_VERSION:
            from transhub.errors import ConfigurationError

            raise ConfigurationError(newer_message(f"the journal {self.path}", before))

        def upgrade(db: Connection) -> int:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            for _number, statements in script_from(SQLITE, version):
                for statement in statements:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            return version

        return self.write(upgrade), SCHEMA_VERSION

    def write(self, action: Callable[[Connection], T], *, durable: bool = False) -> T:
        """``action`` inside ``BEGIN IMMEDIATE`` … ``COMMIT``, retried while busy;
        ``durable``: committed with ``synchronous=FULL`` (see the module docstring)."""
        with self._lock:
            if durable:
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                # The write lock is taken first: nothing inside can find the file busy.
                _retrying(lambda: self._db.execute("BEGIN IMMEDIATE"))
                try:
                    result = action(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                _retrying(lambda: self._db.execute("COMMIT"))
                return result
            finally:
                if durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")

    def lock_work(self, db: Connection, fingerprints: Sequence[str]) -> None:
        """Nothing to take: ``BEGIN IMMEDIATE`` made this transaction the only writer."""

    def announce_release(self, db: Connection, key: str) -> None:
        """Nothing to send: the waiters, all on this machine, look again shortly."""

    def watch_releases(self, wake: Callable[[str], None]) -> None:
        """Nothing to watch (see :meth:`announce_release`)."""

    def read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """The rows of one query, read on the journal's connection."""
        with self._lock:
            return _retrying(lambda: self._db.execute(sql, args).fetchall())

    def stream(self, sql: str, args: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows streamed from a separate connection, so the journal's own stays free
        for the caller's writes."""
        reader = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        try:
            cursor = _retrying(lambda: reader.execute(sql, tuple(args)))
            keys = [column[0] for column in cursor.description]
            for row in cursor:
                yield {k: from_db(v) for k, v in zip(keys, row, strict=True)}
        finally:
            reader.close()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()
