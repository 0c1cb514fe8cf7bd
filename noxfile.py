"""Developer sessions: ``nox -s lint typecheck tests`` before every commit.

Every session installs the core, each provider plugin under ``plugins/`` and the test
plugins under ``tests/plugins/`` as real distributions (editable), so plugins are
found through their entry points exactly as a user's would be.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PLUGINS = sorted(str(p.parent) for p in (ROOT / "plugins").glob("*/pyproject.toml"))
TEST_PLUGINS = sorted(str(p.parent) for p in (ROOT / "tests" / "plugins").glob("*/pyproject.toml"))
#: The documentation's example plugins (the tutorial's code), installed and tested too.
EXAMPLES = sorted(str(p.parent) for p in (ROOT / "docs" / "examples").glob("*/pyproject.toml"))


def install_everything(session: nox.Session) -> None:
    """The core with its extras, every provider plugin, the test plugins and the
    documentation's example plugins."""
    session.install("-e", ".[sandbox,cluster,test]")
    for plugin in PLUGINS:
        session.install("-e", f"{plugin}[sandbox]")
    for plugin in [*TEST_PLUGINS, *EXAMPLES]:
        session.install("-e", plugin)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite."""
    install_everything(session)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy, strict on the core and on every provider plugin's sources."""
    # pytest too: the plugin kit (transhub.testing) is typed against it.  The plugins
    # are installed (with their sandbox extra) so that their imports resolve.
    session.install("-e", ".[sandbox,cluster]", "mypy>=1.10", "types-requests", "pytest>=8")
    for plugin in PLUGINS:
        session.install("-e", f"{plugin}[sandbox]")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built strictly (a broken link or reference fails)."""
    install_everything(session)
    # The CLI reference is rendered by docs/hooks/cli_reference.py (mkdocs-click prints
    # click 8.2+'s "no default" sentinel); griffe-pydantic lists the result models' fields.
    session.install(
        "mkdocs>=1.6", "mkdocs-material>=9.5", "mkdocstrings-python>=1.10", "griffe-pydantic>=1.1"
    )
    # Only the real providers: the test plugins would add their commands to the reference.
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        str(ROOT / "site"),
        env={"TRANSHUB_PLUGINS": "fanyigou,alibaba,deepl"},
    )
    session.run("python", "docs/hooks/check_site.py", str(ROOT / "site"))


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (issue 8): every row in one run; prints the table and writes
    docs/benchmarks.md.  Arguments after ``--`` go to benchmarks/run.py (``--only 6``).

    transhub and every provider plugin are installed as a user installs them (not
    editable, bytecode compiled), with the vendor SDK and trustme for row 5.
    """
    plugins = [f"{plugin}[sandbox]" for plugin in PLUGINS]
    # The cluster extra: rows 30-31 run transhub workers on a throw-away PostgreSQL.
    session.install(".[cluster]", *plugins, "qingxun-openapi-python-sdk", "trustme")
    # A reused environment gets the current sources, not the last run's build.
    session.install("--no-deps", "--force-reinstall", ".", *plugins)
    session.run("python", "benchmarks/run.py", *session.posargs)
