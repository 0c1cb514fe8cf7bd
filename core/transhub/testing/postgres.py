"""A throw-away PostgreSQL server for tests of cluster mode.

Cluster mode keeps its journal and its queue in PostgreSQL, so its tests need a real
server — never a mock of the database or the queue.  :func:`postgres_server` starts
one from the distribution's packages: a fresh cluster (``initdb``) in a temporary
folder, listening on a free loopback port and a private socket folder, stopped and
removed when the ``with`` block ends.

* The binaries are found with ``pg_config --bindir``, then in Debian's
  ``/usr/lib/postgresql/<version>/bin``, then on ``PATH``.  When none is there and
  :func:`install_postgres` is allowed (``TRANSHUB_TEST_INSTALL_POSTGRES=1``, which
  ``CI=true`` implies), it installs Debian's ``postgresql`` package with ``apt-get``.
* PostgreSQL refuses to run as root: run as root, the server runs as the
  ``postgres`` user the package creates (or ``nobody``), and the data folder is
  handed to that user.
* Durability is switched off (``fsync``, ``synchronous_commit``, full-page writes):
  a test's cluster is thrown away, and the tests that kill processes kill transhub's,
  not the server.

:class:`PostgresUnavailable` says why a server could not be had; the kit's
``postgres_url`` fixture turns it into a skip with that reason, or into a failure
when ``CI`` is set (cluster tests must run in CI).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: How long starting or stopping the server may take.
START_TIMEOUT = 60.0
#: The database created for the tests (beside ``postgres``).
DATABASE = "transhub"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why."""


@dataclass(frozen=True)
class PostgresServer:
    """A running throw-away server."""

    host: str
    port: int
    user: str
    database: str
    data_dir: Path

    @property
    def url(self) -> str:
        """A ``postgresql://`` URL for the test database (no password: trust on loopback)."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"


def _bindir_candidates() -> Iterator[Path]:
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(  # noqa: S603 - pg_config found on PATH, fixed arguments
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found:
            yield Path(found)
    # Debian keeps the server's programs off PATH, one folder per major version.
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        yield Path(initdb).resolve().parent


def find_bindir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, if any."""
    for folder in _bindir_candidates():
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def install_allowed() -> bool:
    """Whether this run may install PostgreSQL with ``apt-get`` (CI, or asked for)."""
    return bool(os.environ.get("TRANSHUB_TEST_INSTALL_POSTGRES") or os.environ.get("CI"))


def install_postgres() -> Path:
    """Install Debian's ``postgresql`` package (as root) and return its bin folder."""
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise PostgresUnavailable(
            "PostgreSQL is not installed and cannot be installed here (needs root and apt-get): "
            "install the distribution's postgresql package"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in ([apt, "update", "-q"], [apt, "install", "-y", "-q", "postgresql"]):
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)  # noqa: S603 - apt-get, fixed arguments
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            raise PostgresUnavailable(f"`{' '.join(argv[1:])}` failed: {' '.join(tail)}")
    found = find_bindir()
    if found is None:
        raise PostgresUnavailable("the postgresql package installed no initdb")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> str | None:
    """Whom to run the server as: ``None`` for the current user, unless that is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PostgresUnavailable("running as root, and no 'postgres' or 'nobody' user exists")


def _run(argv: list[str], user: str | None, *, timeout: float = START_TIMEOUT) -> None:
    if user is not None:
        argv = ["runuser", "-u", user, "--", *argv]
    try:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, our arguments
            argv, capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
        )
    except subprocess.TimeoutExpired as exc:
        raise PostgresUnavailable(f"`{Path(argv[0]).name}` took over {timeout:g}s") from exc
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise PostgresUnavailable(
            f"`{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv[:3]))}` "
            f"failed: {said[-1] if said else 'exit ' + str(done.returncode)}"
        )


@contextlib.contextmanager
def postgres_server(*, install: bool | None = None) -> Iterator[PostgresServer]:
    """Start a throw-away PostgreSQL server for the length of the ``with`` block."""
    bindir = find_bindir()
    if bindir is None:
        if not (install_allowed() if install is None else install):
            raise PostgresUnavailable(
                "PostgreSQL is not installed (set TRANSHUB_TEST_INSTALL_POSTGRES=1 to let the "
                "tests install the distribution's package)"
            )
        bindir = install_postgres()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="transhub-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (root, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    role = user or pwd.getpwuid(os.geteuid()).pw_name
    port = _free_port()
    started = False
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                role,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            user,
        )
        settings = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                settings,
                "-l",
                str(root / "server.log"),
                "-w",
                "-t",
                str(int(START_TIMEOUT)),
                "start",
            ],
            user,
        )
        started = True
        _run(
            [
                str(bindir / "psql"),
                "-h",
                str(sockets),
                "-p",
                str(port),
                "-U",
                role,
                "-d",
                "postgres",
                "-q",
                "-c",
                f"CREATE DATABASE {DATABASE}",
            ],
            user,
        )
        yield PostgresServer("127.0.0.1", port, role, DATABASE, data)
    finally:
        if started:
            with contextlib.suppress(PostgresUnavailable):
                _run(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user
                )
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url`` for the length of the
    ``with`` block (dropped after, its connections ended): each test its own journal."""
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"t_{secrets.token_hex(6)}"
    parts = urlsplit(server_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
