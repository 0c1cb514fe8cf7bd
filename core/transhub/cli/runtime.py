"""What the CLI's commands share for one run: options, the hub, and output."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from transhub.api import Hub
    from transhub.journal import Journal
    from transhub.registry import Registry
    from transhub.sandbox import SandboxSession


#: The core's own tables of settings (``-c defaults.text=…``, ``-c routing.order=…``,
#: ``-c journal.url=…``).
CORE_TABLES = ("defaults", "routing", "journal", "results")


@dataclass
class Runtime:
    """The CLI's state for one invocation (``ctx.obj``)."""

    verbose: int = 0
    debug: bool = False
    #: ``{"": core overrides, "<plugin>": plugin overrides}`` from ``-c`` and flags.
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Whether this run is in sandbox mode (``--sandbox``/``TRANSHUB_SANDBOX``).
    sandbox: bool = False
    #: Whether the plugins' commands were added to the root group in this run.
    commands_added: bool = False
    #: Whether the command line asked for --json/--jsonl: notes and errors on stderr
    #: are JSON objects then.
    machine: bool = False
    _hub: Hub | None = None
    _registry: Registry | None = None
    _sandbox: SandboxSession | None = None
    _journal: Journal | None = None

    @property
    def registry(self) -> Registry:
        """The plugin registry (loaded lazily)."""
        if self._registry is None:
            from transhub.registry import Registry

            self._registry = Registry(report=lambda message: click.echo(message, err=True))
        return self._registry

    @property
    def journal(self) -> Journal:
        """The job journal: the hub's if there is one, else opened alone (listing
        jobs needs no plugins and no provider settings, and stays fast)."""
        if self._hub is not None:
            return self._hub.journal
        if self._journal is None:
            from transhub.journal import open_journal
            from transhub.journal.location import journal_url

            self._journal = open_journal(url=journal_url(self.overrides.get("", {})) or "")
        return self._journal

    @property
    def hub(self) -> Hub:
        """The hub every command works through."""
        if self._hub is None:
            from transhub.api import Hub

            plugins = {k: v for k, v in self.overrides.items() if k}
            self._hub = Hub(
                journal=self._journal,
                registry=self.registry,
                settings=self.overrides.get("", {}),
                provider_settings=plugins,
                sandbox=self.sandbox,
            )
        return self._hub

    def close(self) -> None:
        """Release the hub's connections, stop emulators, restore the environment."""
        if self._hub is not None:
            self._hub.close()
        if self._sandbox is not None:
            from transhub.sandbox import deactivate

            deactivate()
            self._sandbox = None

    def start_sandbox(self) -> None:
        """Run every installed emulator on loopback and point its provider at it, for
        this run only: real HTTP and signatures, test credentials, and a separate
        journal.  Says so once on stderr."""
        from transhub.sandbox import activate

        self.sandbox = True
        self._sandbox = activate(self.registry)
        names = ", ".join(s.provider for s in self._sandbox.sandboxes) or "none installed"
        say(
            f"transhub: sandbox mode — results come from local emulators ({names}), "
            "not real translations",
            code="sandbox",
        )

    def configure_logging(self) -> None:
        """-v: routing and retries; -vv or --debug: everything, HTTP included."""
        level = logging.WARNING
        if self.verbose == 1:
            level = logging.INFO
        if self.verbose >= 2 or self.debug:
            level = logging.DEBUG
        logger = logging.getLogger("transhub")
        logger.setLevel(level)
        # One handler per run, on the current stderr (a previous run in this process,
        # as in tests, may have left one bound to another stream and runtime).
        for old in [h for h in logger.handlers if getattr(h, "transhub_cli", False)]:
            logger.removeHandler(old)
        handler = logging.StreamHandler()
        handler.transhub_cli = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("transhub: %(message)s"))
        handler.addFilter(self._redact_record)
        logger.addHandler(handler)

    def _redact_record(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True

    def secrets(self) -> list[str]:
        """Every secret value loaded so far (to mask them wherever text is shown)."""
        if self._hub is None:
            return []
        return self._hub.secret_values()

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced by a mask (defence in depth:
        no code path is meant to put a secret in a message at all)."""
        for secret in self.secrets():
            if secret:
                text = text.replace(secret, "********")
        return text

    def check_assignments(self, assignments: tuple[str, ...]) -> None:
        """Every ``-c`` key must name a setting (an unknown one is a usage error with a
        "did you mean") and its value must be valid for it (else a configuration
        error naming ``-c KEY``), whatever the command: loads the plugins' settings,
        so only when -c is given."""
        from transhub.errors import UsageError
        from transhub.settings import check_setting, lookup_setting

        given = [(a.partition("=")[0].strip(), a.partition("=")[2]) for a in assignments]
        keys = [key for key, _ in given]
        try:
            # Only the named providers' settings, through the capabilities their plain
            # summaries list (`-c alibaba.…` builds no Fanyigou document class)...
            named = {key.partition(".")[0] for key in keys if "." in key}
            providers = self._settings_of(None if "routing.order" in keys else named)
            for key in keys:
                lookup_setting(key, providers)
        except UsageError:
            # ...and every provider's for an unknown key's "did you mean".
            providers = self._settings_of(None)
            for key in keys:
                lookup_setting(key, providers)
        for key, value in given:
            check_setting(key, value, providers, source=f"-c {key}")

    def _settings_of(self, names: set[str] | None) -> dict[str, Any]:
        """The settings classes of the providers ``names`` (every provider: ``None``),
        loading only the capabilities that offer them when the plugins summarise
        their providers."""
        from transhub.capabilities.kinds import Capability

        summaries = self.registry.summaries() if names is not None else None
        wanted = list(Capability)
        if names is not None and summaries is not None:
            wanted = [
                c for c in Capability
                if any(s.name in names and c.value in s.capabilities for s in summaries)
            ]  # fmt: skip
        providers: dict[str, Any] = {}
        for capability in wanted:
            for cls in self.registry.implementations(capability):
                if names is None or cls.provider.name in names:
                    providers.setdefault(cls.provider.name, cls.provider.settings)
        return providers

    @staticmethod
    def parse_assignments(assignments: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        """``("fanyigou.channels=2", "read_timeout=30")`` → ``{"fanyigou": {...}, "": {...}}``."""
        given: dict[str, Any] = {}
        for assignment in assignments:
            key, sep, value = assignment.partition("=")
            if not sep or not key.strip():
                raise click.BadParameter(f"{assignment!r} is not KEY=VALUE", param_hint="-c/--set")
            given[key.strip()] = value
        return nest(given)

    def recordable(self) -> tuple[dict[str, Any], list[str]]:
        """This run's ``-c`` settings as a recorded batch keeps them (by key), and the
        keys left out: every secret (a ``SecretStr`` setting, or one named as a key,
        token, secret or password), which must never reach the journal."""
        given = flatten(self.overrides)
        if not given:
            return {}, []
        from transhub.settings import is_secret, setting_keys

        providers: dict[str, Any] = {}
        for capabilities in self.registry.providers().values():
            info = next(iter(capabilities.values())).provider
            providers[info.name] = info.settings
        fields = setting_keys(providers)
        secret = [k for k in given if is_secret(fields.get(k)) or _SECRET_NAME.search(k)]
        return {k: v for k, v in given.items() if k not in secret}, sorted(secret)

    def recorded(self) -> dict[str, Any]:
        """A batch spec's ``settings`` and ``unrecorded`` (see :meth:`recordable`)."""
        settings, unrecorded = self.recordable()
        return {"settings": settings, "unrecorded": unrecorded}

    def rerun(self, recorded: dict[str, Any]) -> Runtime:
        """The runtime to run a recorded batch again in: its recorded ``-c`` settings
        under this run's own; this runtime itself when they change nothing."""
        given = flatten(self.overrides)
        merged = {**recorded, **given}
        if merged == given:
            return self
        other = Runtime(
            verbose=self.verbose, debug=self.debug, overrides=nest(merged), sandbox=self.sandbox
        )
        other._registry, other._journal = self._registry, self.journal
        return other


def say(message: str, *, code: str | None = None) -> None:
    """A note for the person running the command, on stderr: the line as it is, or
    under --json/--jsonl one JSON object, ``{"note": {"code", "message"}}`` (``code``
    names the kind of note: ``skipped``, ``capped``, ``estimate``, ``failed``…; the
    ``transhub:`` prefix is left out of the message)."""
    context = click.get_current_context(silent=True)
    runtime = context.find_object(Runtime) if context is not None else None
    if runtime is None or not runtime.machine:
        click.echo(message, err=True)
        return
    from transhub.cli.output import dumps

    text = message.removeprefix("transhub: ")
    click.echo(runtime.redact(dumps({"note": {"code": code, "message": text}})), err=True)


def confirm(question: str, *, nothing: str = "nothing was sent") -> bool:
    """Ask ``question`` on stderr and read the answer on standard input: ``y``/``yes``
    is yes, ``n``/``no`` or an empty line (the default) is no.  Standard input at its
    end (``< /dev/null``, a closed pipe) is no answer, which is no: raises
    :class:`~transhub.errors.Declined` ("…; ``nothing``", exit 1), not the Ctrl-C of
    click's own prompt (exit 130).  Ctrl-C still interrupts."""
    import sys

    from transhub.errors import Declined

    while True:
        click.echo(f"{question} [y/N]: ", nl=False, err=True)
        answer = sys.stdin.readline()
        if not answer:  # end of input: nobody can answer
            click.echo(err=True)
            raise Declined(f"no answer to the confirmation (standard input is closed); {nothing}")
        answer = answer.strip().lower()
        if answer in ("y", "yes"):
            return True
        if answer in ("", "n", "no"):
            return False
        click.echo("transhub: please answer y or n", err=True)


#: Setting names that hold credentials whatever their type says.
_SECRET_NAME = re.compile(r"key|token|secret|password", re.IGNORECASE)


def nest(given: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Settings by key (``fanyigou.channels``, ``read_timeout``, ``routing.order``) as
    the hub takes them: ``{"": core (its tables nested), "<plugin>": {...}}``."""
    overrides: dict[str, dict[str, Any]] = {}
    for key, value in given.items():
        table, dot, name = key.rpartition(".")
        if table in CORE_TABLES:  # the core's tables: default providers, routing
            overrides.setdefault("", {}).setdefault(table, {})[name] = value
        else:
            overrides.setdefault(table if dot else "", {})[name] = value
    return overrides


def flatten(overrides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The inverse of :func:`nest`: settings by the key a user types."""
    given: dict[str, Any] = {}
    for table, values in overrides.items():
        for name, value in values.items():
            if not table and name in CORE_TABLES and isinstance(value, dict):
                given.update({f"{name}.{sub}": v for sub, v in value.items()})
            else:
                given[f"{table}.{name}" if table else name] = value
    return given
