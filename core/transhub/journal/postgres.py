"""The shared journal: one PostgreSQL database (cluster mode), through psycopg 3.

Imported only when ``journal.url`` is a ``postgresql://`` URL, so psycopg stays out of
every other run.  Where SQLite serialises every write (``BEGIN IMMEDIATE``),
PostgreSQL runs transactions side by side at READ COMMITTED and each operation
takes the locks it needs:

* a claim takes a transaction-scoped advisory lock per fingerprint it claims (a big
  claim takes one lock for all claims instead), then looks up who holds that work and
  records its new jobs: two claims of the same work are serial, others are not;
* adopting, renewing and sending are compare-and-set ``UPDATE``s of one job row (the
  row lock makes the second of two racing adopters find the row changed);
* channel leases are picked with ``SELECT … FOR UPDATE SKIP LOCKED``;
* a transaction that PostgreSQL aborts as a serialization failure or a deadlock is
  run again from its start; none is held across a network call to a provider.

The schema is never changed on the fly: ``transhub journal migrate`` applies the
numbered migrations under an advisory lock, and opening a journal that is behind
(or ahead) is a configuration error that says so.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.rows import dict_row

from transhub.errors import ConfigurationError, TransientError
from transhub.journal.backend import (
    Backend,
    Connection,
    Cursor,
    Location,
    from_db,
    newer_message,
    scrub,
)
from transhub.journal.schema import POSTGRES, SCHEMA_VERSION, script_from

if TYPE_CHECKING:
    from psycopg.rows import DictRow

T = TypeVar("T")

#: Advisory lock keys (transhub's own): the schema's migration, and claims.  Claims
#: lock ``(_WORK, hashtext(fingerprint))`` (the two-key space, apart from these) and
#: hold ``_ALL_CLAIMS`` shared; a claim of more than ``_MANY`` fingerprints holds it
#: exclusively instead (a lock per input would fill the server's lock table).
_MIGRATE = 7_305_811_001
_ALL_CLAIMS = 7_305_811_002
_WORK = 730_581
_MANY = 32
#: The notification channel on which a given-back provider channel is announced, and
#: this process's name in the announcements (its own were already heard in-process).
_RELEASES = "transhub_channels"
_THIS_PROCESS = f"{os.getpid()}-{secrets.token_hex(4)}"
#: Retries of a transaction aborted by a serialization failure or a deadlock.
_ATTEMPTS = 20
CONNECT_TIMEOUT = 10


def _portable(sql: str) -> str:
    """The journal's ``?`` placeholders as psycopg's (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Connection:
    """psycopg's connection speaking the journal's placeholders."""

    def __init__(self, connection: psycopg.Connection[DictRow]) -> None:
        self.connection = connection

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        return self.connection.execute(_portable(sql), tuple(args))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(_portable(sql), [tuple(r) for r in rows])


class PostgresBackend(Backend):
    """The journal in the PostgreSQL database of ``location.url``.

    One connection per instance (autocommit, each operation its own transaction),
    guarded by a lock so that threads of one process may share it; it is opened
    again when the server dropped it.
    """

    name = "postgresql"
    same = "IS NOT DISTINCT FROM"
    row_order = "seq"
    lock_rows = " FOR UPDATE SKIP LOCKED"
    announces = True

    def __init__(self, location: Location) -> None:
        assert location.url is not None
        self.location = location
        self._url = location.url
        self._lock = threading.RLock()
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None
        self._listening = threading.Event()
        self._db: psycopg.Connection[DictRow] = self._connect()

    def _connect(self) -> psycopg.Connection[DictRow]:
        try:
            return psycopg.connect(
                self._url,
                autocommit=True,
                row_factory=dict_row,
                connect_timeout=CONNECT_TIMEOUT,
                application_name="transhub",
            )
        except psycopg.OperationalError as exc:
            raise TransientError(
                f"cannot reach the journal at {self.location.shown}: "
                f"{scrub(str(exc).strip().splitlines()[0], self._url)}"
            ) from None

    def _connection(self) -> psycopg.Connection[DictRow]:
        if self._closed.is_set():
            raise TransientError(f"the journal at {self.location.shown} was closed")
        if self._db.closed or self._db.broken:
            self._db = self._connect()
        return self._db

    def _failed(self, exc: psycopg.Error) -> TransientError:
        """A lost connection as one line, without the URL's password."""
        said = str(exc).strip().splitlines()
        reason = scrub(said[0], self._url) if said else type(exc).__name__
        return TransientError(f"the journal at {self.location.shown}: {reason}")

    def write(self, action: Callable[[Connection], T], *, durable: bool = False) -> T:
        """``action`` in one transaction, run again after a serialization failure or
        a deadlock (PostgreSQL rolled it back: nothing of it happened), and once on a
        new connection when the old one was found dropped before the commit was sent
        (the server never committed it).  A connection lost during the commit is an
        error: whether it committed is unknown.  Every commit is ``durable`` (the
        server's ``synchronous_commit``)."""
        delay = 0.005
        reconnected = False
        with self._lock:
            for attempt in range(_ATTEMPTS):
                db = self._connection()
                done = False
                try:
                    with db.transaction():
                        result = action(_Connection(db))
                        done = True
                    return result
                except (errors.SerializationFailure, errors.DeadlockDetected):
                    if attempt == _ATTEMPTS - 1:
                        raise
                except psycopg.OperationalError as exc:
                    if done or reconnected or not db.broken:
                        raise self._failed(exc) from None
                    reconnected = True
                    continue
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """The rows of one query (asked again, once, on a new connection when the
        server had dropped the old one)."""
        with self._lock:
            for attempt in range(2):
                db = self._connection()
                try:
                    return _Connection(db).execute(sql, args).fetchall()
                except psycopg.OperationalError as exc:
                    if attempt or not db.broken:
                        raise self._failed(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def stream(self, sql: str, args: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows through a server-side cursor on a connection of their own."""
        reader = self._connect()
        try:
            with reader.transaction(), reader.cursor(name="transhub_stream") as cursor:
                cursor.execute(_portable(sql), tuple(args))
                for row in cursor:
                    yield {k: from_db(v) for k, v in row.items()}
        finally:
            reader.close()

    def version(self) -> int:
        """The version recorded in ``transhub_schema`` (0: no transhub tables)."""
        rows = self.read("SELECT to_regclass('transhub_schema') IS NOT NULL AS present")
        if not rows[0]["present"]:
            return 0
        rows = self.read("SELECT version FROM transhub_schema")
        return int(rows[0]["version"]) if rows else 0

    def migrate(self) -> tuple[int, int]:
        """Apply the migrations this database lacks, in one transaction, under an
        advisory lock (two ``journal migrate`` at once: the second finds it done)."""

        def upgrade(db: Connection) -> int:
            db.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATE,))
            db.execute("CREATE TABLE IF NOT EXISTS transhub_schema (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM transhub_schema").fetchone()
            version = int(row["version"]) if row else 0
            if version > SCHEMA_VERSION:
                raise ConfigurationError(
                    newer_message(f"the journal at {self.location.shown}", version)
                )
            for _number, statements in script_from(POSTGRES, version):
                for statement in statements:
                    db.execute(statement)
            if row is None:
                db.execute("INSERT INTO transhub_schema (version) VALUES (?)", (SCHEMA_VERSION,))
            else:
                db.execute("UPDATE transhub_schema SET version = ?", (SCHEMA_VERSION,))
            return version

        return self.write(upgrade), SCHEMA_VERSION

    def announce_release(self, db: Connection, key: str) -> None:
        """``NOTIFY``: sent when the transaction commits, to every listening process
        (the payload: this process, then ``key``)."""
        db.execute("SELECT pg_notify(?, ?)", (_RELEASES, f"{_THIS_PROCESS} {key}"))

    def watch_releases(self, wake: Callable[[str], None]) -> None:
        """A daemon thread that ``LISTEN``s on its own connection and calls ``wake``
        for each release by another process; it ends when this backend is closed (or
        its database is gone for good).  Returns once it listens (or could not, after
        the connection's timeout: the waiters' looks still find released channels)."""
        with self._lock:
            if self._watcher is None:
                self._watcher = threading.Thread(
                    target=self._watch, args=(wake,), name="transhub-channels", daemon=True
                )
                self._watcher.start()
        self._listening.wait(CONNECT_TIMEOUT)

    def _watch(self, wake: Callable[[str], None]) -> None:
        failures = 0
        while not self._closed.is_set() and failures < 3:
            try:
                with psycopg.connect(
                    self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT
                ) as listener:
                    listener.execute(f"LISTEN {_RELEASES}")
                    self._listening.set()
                    failures = 0
                    while not self._closed.is_set():
                        for notice in listener.notifies(timeout=1.0):
                            origin, _, key = notice.payload.partition(" ")
                            if origin != _THIS_PROCESS:
                                wake(key)
            except psycopg.Error:
                failures += 1
                self._closed.wait(1.0)
        self._listening.set()  # nobody waits for a listener that is not coming

    def lock_work(self, db: Connection, fingerprints: Sequence[str]) -> None:
        """Advisory locks (released at commit) on the work being claimed: sorted, so
        two claims never wait for each other in a circle."""
        distinct = sorted(set(fingerprints))
        if len(distinct) > _MANY:
            db.execute("SELECT pg_advisory_xact_lock(?)", (_ALL_CLAIMS,))
            return
        db.execute("SELECT pg_advisory_xact_lock_shared(?)", (_ALL_CLAIMS,))
        for fingerprint in distinct:
            db.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (_WORK, fingerprint))

    def path_value(self, value: str) -> Any:
        """Paths as bytes (``BYTEA``): a file name that is not UTF-8 is kept exactly."""
        return value.encode("utf-8", "surrogatepass")

    def text_value(self, value: Any) -> Any:
        """Free text as PostgreSQL's ``TEXT`` takes it: no NUL, valid UTF-8 (a lone
        surrogate of an undecodable file name is written as its escape)."""
        if not isinstance(value, str):
            return value
        if "\x00" in value:
            value = value.replace("\x00", "\\x00")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value

    def close(self) -> None:
        """Close the connection (and stop watching for released channels)."""
        self._closed.set()
        with self._lock:
            self._db.close()
