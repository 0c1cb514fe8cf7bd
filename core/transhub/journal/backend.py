"""What a journal backend provides: transactions, reads and its SQL dialect.

The journal's statements (:mod:`transhub.journal.store`, :mod:`transhub.jobs.claims`,
:mod:`transhub.jobs.batches`, :mod:`transhub.jobs.channels`) are written once, with
``?`` placeholders, in the SQL that SQLite and PostgreSQL share; a backend runs them
and supplies the few pieces that differ (:class:`Backend`'s attributes and methods).
``journal.url`` (``TRANSHUB_JOURNAL_URL``) chooses the backend: unset, the SQLite file
in the data folder; ``sqlite:///path``; or ``postgresql://user@host:port/db``.

A URL's password is a secret: :func:`mask_url` is what any message, log line or
listing shows, and errors from the database have it removed (:func:`scrub`).
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from transhub.errors import ConfigurationError

T = TypeVar("T")

#: What a masked password shows (the same as every other secret).
MASK = "********"
POSTGRES_SCHEMES = ("postgresql", "postgres")


class Cursor(Protocol):
    """What a statement returns (``sqlite3.Cursor`` and ``psycopg.Cursor`` both are)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """A connection inside one of the journal's transactions.  Rows read through it
    are mappings by column name (``row["id"]``, ``dict(row)``)."""

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any: ...


@dataclass(frozen=True)
class Location:
    """Where a journal is: ``sqlite`` with a file, or ``postgresql`` with a URL."""

    backend: str
    path: Path | None = None
    url: str | None = None

    @property
    def shown(self) -> str:
        """How to name it in a message (a password masked)."""
        return str(self.path) if self.path is not None else mask_url(self.url or "")


def parse_location(url: str | Path | None, data_dir: Path | None = None) -> Location:
    """The journal named by ``journal.url`` (``None``: ``jobs.db`` in the data folder).

    In sandbox mode a URL is ignored: the journal is the sandbox's own local file, so
    emulated results never land in a team's journal, where real work with the same
    fingerprint would reuse them."""
    from transhub import paths

    if isinstance(url, Path):
        return Location("sqlite", path=url)
    if not url or paths.sandboxed():
        return Location("sqlite", path=(data_dir or paths.data_dir()) / "jobs.db")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme:
        if re.match(r"\s*\w+\s*=", url):  # libpq's "host=… password=…": may hold a secret
            raise ConfigurationError(
                "journal.url: a PostgreSQL journal is named by a URL, "
                "postgresql://user@host:port/db (not key=value settings)"
            )
        return Location("sqlite", path=Path(url).expanduser())  # a plain path
    if scheme in POSTGRES_SCHEMES:
        return Location("postgresql", url=url)
    if scheme == "sqlite":
        if parts.netloc or not parts.path:
            raise ConfigurationError(
                f"journal.url {mask_url(url)!r}: a SQLite journal is sqlite:///absolute/path"
            )
        return Location("sqlite", path=Path(unquote(parts.path)).expanduser())
    raise ConfigurationError(
        f"journal.url {mask_url(url)!r}: unsupported scheme {parts.scheme!r} "
        "(use postgresql://user@host:port/db, or sqlite:///path; unset: the local file)"
    )


def mask_url(url: str) -> str:
    """``url`` with its password (in the user part or a ``password=`` parameter) masked."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            user, _, host = netloc.rpartition("@")
            name = user.split(":", 1)[0]
            netloc = f"{name}:{MASK}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, MASK if k.lower() == "password" else v) for k, v in pairs], safe="*"
            )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return f"{url.split(':', 1)[0]}://{MASK}"


def secrets_of(url: str | None) -> list[str]:
    """The passwords a URL holds (to remove from any message that quotes them)."""
    if not url:
        return []
    found: list[str] = []
    try:
        parts = urlsplit(url)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        found += [v for k, v in parse_qsl(parts.query) if k.lower() == "password" and v]
    except ValueError:
        found.append(url)
    return [s for s in found if s]


def scrub(text: str, url: str | None) -> str:
    """``text`` without the URL's password."""
    for secret in secrets_of(url):
        text = text.replace(secret, MASK)
    return text


class Backend(abc.ABC):
    """One journal database: its connection, transactions and dialect."""

    #: ``sqlite`` or ``postgresql``.
    name: str
    location: Location
    #: The null-safe equality of this dialect (``owner IS ?``).
    same: str = "IS"
    #: The column that orders rows by insertion among equal creation times.
    row_order: str = "rowid"
    #: What follows a ``SELECT`` that takes rows to change them, skipping rows another
    #: transaction holds (nothing on SQLite, whose write transactions are serial).
    lock_rows: str = ""

    @abc.abstractmethod
    def write(self, action: Callable[[Connection], T], *, durable: bool = False) -> T:
        """``action(connection)`` in one write transaction, committed when it returns;
        run again from the start when the database asks for a retry (a busy SQLite
        file, a PostgreSQL serialization failure or deadlock).  ``durable``: the
        commit survives a power loss or an OS crash too, not only a process's crash
        (the mark a paid request's fate rests on)."""

    @abc.abstractmethod
    def read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """The rows of one query (mappings by column name)."""

    @abc.abstractmethod
    def stream(self, sql: str, args: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """The rows of one query as dicts, streamed (a big journal never sits in
        memory) without keeping the journal's own connection from its writes."""

    @abc.abstractmethod
    def version(self) -> int:
        """The schema version the database is at (0: empty)."""

    @abc.abstractmethod
    def migrate(self) -> tuple[int, int]:
        """Bring the schema to this transhub's version; ``(from, to)``."""

    @abc.abstractmethod
    def lock_work(self, db: Connection, fingerprints: Sequence[str]) -> None:
        """Inside a claim's transaction, before looking up who holds this work: make
        every other claim of the same work wait until this one commits."""

    #: Whether :meth:`announce_release` reaches waiters in other processes.
    announces = False

    @abc.abstractmethod
    def announce_release(self, db: Connection, key: str) -> None:
        """Inside the transaction that gives a channel of ``key`` back: tell the
        processes waiting for one (PostgreSQL: a ``NOTIFY`` delivered at commit;
        SQLite's waiters, all on this machine, look again within half a second)."""

    @abc.abstractmethod
    def watch_releases(self, wake: Callable[[str], None]) -> None:
        """Call ``wake(key)`` whenever another process gives a channel of ``key``
        back (from a thread of its own, started once, listening when this returns;
        nothing on SQLite)."""

    def path_value(self, value: str) -> Any:
        """An input path or a result's path as stored (see :func:`to_db`)."""
        return to_db(value)

    def text_value(self, value: Any) -> Any:
        """Free text (messages, errors) as stored."""
        return to_db(value)

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connections."""


def to_db(value: Any) -> Any:
    """Text as SQLite can store it.  A file name that is not valid UTF-8 reaches
    Python as a string with lone surrogates, which SQLite refuses: such text is
    stored as its bytes (a BLOB) and read back unchanged by :func:`from_db`."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass")
    return value


def from_db(value: Any) -> Any:
    """The inverse of :meth:`Backend.path_value` and :func:`to_db`: bytes are text."""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "surrogatepass")
    return value


def open_backend(location: Location, *, migrate: bool = True) -> Backend:
    """The backend for ``location``.  ``migrate``: a SQLite file brings its schema up
    to date as it opens (nothing to run); a PostgreSQL database never does — one that
    is behind is an error naming ``transhub journal migrate`` (so is a newer one)."""
    if location.backend == "postgresql":
        from transhub.extras import require

        require("cluster", "psycopg")
        from transhub.journal.postgres import PostgresBackend

        backend: Backend = PostgresBackend(location)
        if migrate:
            check_version(backend)
        return backend
    from transhub.journal.sqlite import SqliteBackend

    assert location.path is not None
    sqlite = SqliteBackend(location)
    if migrate:
        sqlite.migrate()
    return sqlite


def check_version(backend: Backend) -> None:
    """A clear error when the schema is behind or ahead of this transhub's."""
    from transhub.journal.schema import SCHEMA_VERSION

    found = backend.version()
    where = f"the journal at {backend.location.shown}"
    if found < SCHEMA_VERSION:
        raise ConfigurationError(
            f"{where} is at schema version {found}, this transhub needs {SCHEMA_VERSION}: "
            "run `transhub journal migrate`"
        )
    if found > SCHEMA_VERSION:
        raise ConfigurationError(newer_message(where, found))


def newer_message(where: str, found: int) -> str:
    """The error for a journal written by a newer transhub."""
    from transhub.journal.schema import SCHEMA_VERSION

    return (
        f"{where} is at schema version {found}, newer than this transhub's "
        f"({SCHEMA_VERSION}): upgrade transhub here (every machine sharing a journal "
        "needs the same version)"
    )
