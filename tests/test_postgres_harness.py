"""The kit's throw-away PostgreSQL server (cluster mode's tests stand on it)."""

from __future__ import annotations

import psycopg
import pytest
from transhub.testing.postgres import PostgresUnavailable, find_bindir, postgres_server


def test_the_session_server_answers_on_loopback_as_a_non_root_role(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, connect_timeout=10) as db:
        role, database, address = db.execute(
            "SELECT current_user, current_database(), inet_server_addr()::text"
        ).fetchone()
        # A table can be made and used: the cluster is writable, not a read-only mock.
        db.execute("CREATE TEMP TABLE probe (n int)")
        db.execute("INSERT INTO probe SELECT generate_series(1, 3)")
        assert db.execute("SELECT sum(n) FROM probe").fetchone() == (6,)
    assert database == "transhub"
    assert address.startswith("127.0.0.1")
    assert role != "root"


def test_a_server_is_stopped_and_removed_when_its_block_ends() -> None:
    if find_bindir() is None:
        pytest.skip("no PostgreSQL installed (the session fixture says how to get one)")
    with postgres_server(install=False) as server:
        data = server.data_dir
        with psycopg.connect(server.url, connect_timeout=10) as db:
            assert db.execute("SELECT 1").fetchone() == (1,)
    assert not data.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url, connect_timeout=2)


def test_no_binaries_and_no_install_is_a_clear_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("transhub.testing.postgres.find_bindir", lambda: None)
    with pytest.raises(PostgresUnavailable, match="not installed"), postgres_server(install=False):
        pass
