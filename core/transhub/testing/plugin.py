"""transhub's pytest plugin, loaded through the ``pytest11`` entry point whenever
transhub is installed: fixtures for testing a provider plugin.

* ``transhub_home`` — a private ``TRANSHUB_HOME`` and an environment without the
  developer's ``TRANSHUB_*`` variables (only the plugins ``transhub_plugins`` names
  load; override that fixture to choose).  Request it, or make it autouse in your
  ``conftest.py``.
* ``transhub_cli`` — run ``transhub ARGS…`` in this process: ``transhub_cli("text",
  "hi", "--to", "fr")`` returns a :class:`~transhub.testing.CliResult`.
* ``transhub_sandbox`` — start a registered sandbox: ``transhub_sandbox("shout")``
  serves the emulator on loopback and points the provider at it for the test.
* ``postgres_url`` — a throw-away PostgreSQL server for the session (cluster mode),
  started from the distribution's packages (:mod:`transhub.testing.postgres`).
* ``journal_url`` — a fresh, empty journal for the test, once on each backend (the
  test runs twice): ``sqlite:///…`` in the test's folder, and ``postgresql://…`` (a
  database of its own on the session's server, migrated).  ``journal_env`` also sets
  ``TRANSHUB_JOURNAL_URL`` to it (the SQLite variant: the default file, unset), so
  real processes started by the test share it.

The contract suite itself is :class:`transhub.testing.suite.ProviderContract`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar, cast

# The type-checking session of this repository does not install pytest.
import pytest  # type: ignore[import-not-found,unused-ignore]

from transhub.sandbox import SandboxOptions
from transhub.testing import INHERITED_PREFIXES, CliResult, invoke
from transhub.testing.sandboxes import FAST, RecordingEmulator, running

FunctionT = TypeVar("FunctionT", bound=Callable[..., Any])


def fixture(function: FunctionT) -> FunctionT:
    """``pytest.fixture``, typed the same with or without pytest's own annotations."""
    return cast(FunctionT, pytest.fixture(function))


@fixture
def transhub_plugins() -> str | None:
    """The plugins tests load (``TRANSHUB_PLUGINS``); ``None`` loads every installed one."""
    return None


@fixture
def transhub_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, transhub_plugins: str | None
) -> Path:
    """A private ``TRANSHUB_HOME``, no inherited ``TRANSHUB_*`` variable, fast polling,
    and the test's own working folder."""
    for key in list(os.environ):
        if key.startswith(INHERITED_PREFIXES):
            monkeypatch.delenv(key)
    home = tmp_path / "transhub-home"
    monkeypatch.setenv("TRANSHUB_HOME", str(home))
    monkeypatch.setenv("TRANSHUB_POLL_INTERVAL", "0.01")
    monkeypatch.setenv("TRANSHUB_POLL_MAX_INTERVAL", "0.05")
    if transhub_plugins is not None:
        monkeypatch.setenv("TRANSHUB_PLUGINS", transhub_plugins)
    monkeypatch.chdir(tmp_path)
    import transhub.api

    monkeypatch.setattr(transhub.api, "_default", None)
    return home


@fixture
def transhub_cli() -> Callable[..., CliResult]:
    """Run the real CLI in this process: ``transhub_cli("providers", "--json")``."""

    def run(*argv: str, input: str | None = None) -> CliResult:
        return invoke(list(argv), input=input)

    return run


@fixture
def transhub_sandbox(
    transhub_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., RecordingEmulator]]:
    """Start the sandbox a plugin registered for a provider, on loopback, with the
    provider pointed at it: ``emulator = transhub_sandbox("shout")``."""
    with ExitStack() as stack:

        def start(provider: str, options: SandboxOptions = FAST) -> RecordingEmulator:
            from transhub.registry import Registry

            found = [s for s in Registry().sandboxes() if s.provider == provider]
            if not found:
                pytest.fail(f"no installed plugin registers a sandbox for {provider!r}")
            emulator = stack.enter_context(running(found[0], options))
            for key, value in emulator.environment.items():
                monkeypatch.setenv(key, value)
            return emulator

        yield start


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL server for the test session (cluster mode), as a URL.

    Skipped, with the reason, where no server can be started — except under ``CI``,
    where cluster tests must run and the reason fails the test instead.
    """
    from transhub.testing.postgres import PostgresUnavailable, postgres_server

    with ExitStack() as stack:
        try:
            server = stack.enter_context(postgres_server())
        except PostgresUnavailable as exc:
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL is needed in CI: {exc}")
            pytest.skip(f"no PostgreSQL: {exc}")
        yield server.url


@contextlib.contextmanager
def _migrated_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database on the session's server, at this transhub's schema."""
    from transhub.journal import Journal
    from transhub.testing.postgres import fresh_database

    server = request.getfixturevalue("postgres_url")
    with fresh_database(server) as url:
        journal = Journal(url, migrate=False)
        journal.backend.migrate()
        journal.close()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh journal for the test, on each backend in turn (see the module)."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'journal' / 'jobs.db'}"
        return
    with _migrated_database(request) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The journal every transhub of the test uses, on each backend in turn: the
    default SQLite file (``TRANSHUB_JOURNAL_URL`` unset; returns ``""``), then a
    fresh PostgreSQL database named by ``TRANSHUB_JOURNAL_URL`` (returned)."""
    if request.param == "sqlite":
        monkeypatch.delenv("TRANSHUB_JOURNAL_URL", raising=False)
        yield ""
        return
    with _migrated_database(request) as url:
        monkeypatch.setenv("TRANSHUB_JOURNAL_URL", url)
        yield url
