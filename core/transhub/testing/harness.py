"""The harness a contract run checks rules in: an isolated environment (its own
``TRANSHUB_HOME``, only the plugin under test loaded), the plugin loaded through its
entry point, its emulator started and the provider pointed at it, hubs and the CLI.
It holds no rule: the rules are its subclasses' ``check_*`` methods."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from transhub.capabilities.kinds import Capability
from transhub.sandbox import Sandbox, SandboxOptions
from transhub.testing import INHERITED_PREFIXES, CliResult, invoke
from transhub.testing.driver_base import Driver
from transhub.testing.drivers import DRIVERS
from transhub.testing.rules import ContractViolation, NotApplicable
from transhub.testing.sandboxes import RecordingEmulator, running

if TYPE_CHECKING:
    from transhub.api import Hub
    from transhub.registry import Registry
    from transhub.testing.contract import Contract

HarnessT = TypeVar("HarnessT", bound="Harness")


def _no_sleep(_seconds: float) -> None:
    """Back-off without waiting: the emulator is on this machine."""


class Harness:
    """The set-up every rule of a contract run shares; a context manager (entering
    isolates the environment, leaving restores it and stops every emulator), used as
    :class:`~transhub.testing.contract.ContractRun`."""

    def __init__(self, contract: Contract, folder: Path) -> None:
        self.contract = contract
        self.folder = folder
        self.home = folder / "home"
        self.broken: list[str] = []
        self._saved: dict[str, str] | None = None
        self._stack = contextlib.ExitStack()
        self._registry: Registry | None = None
        self._count = 0

    def __enter__(self: HarnessT) -> HarnessT:
        self._saved = dict(os.environ)
        for key in list(os.environ):
            if key.startswith(INHERITED_PREFIXES):
                del os.environ[key]
        os.environ.update(
            TRANSHUB_HOME=str(self.home),
            TRANSHUB_PLUGINS=self.contract.plugin,
            TRANSHUB_POLL_INTERVAL="0.01",
            TRANSHUB_POLL_MAX_INTERVAL="0.05",
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
        if self._saved is not None:
            os.environ.clear()
            os.environ.update(self._saved)

    @property
    def registry(self) -> Registry:
        """The plugin, loaded through its entry point as a user's would be."""
        if self._registry is None:
            from transhub.registry import Registry

            self._registry = Registry(only=[self.contract.plugin], report=self.broken.append)
        return self._registry

    @property
    def provider(self) -> str:
        """The provider under test."""
        if self.contract.provider is not None:
            return self.contract.provider
        names = sorted(self.registry.providers())
        if len(names) != 1:
            raise ContractViolation(
                "plugin-loads",
                self.contract.plugin,
                f"registers providers {names}; name one in Contract(provider=...)",
            )
        return names[0]

    def implementation(self, capability: Capability) -> Any:
        """The class the provider registered for ``capability``."""
        found = self.registry.providers().get(self.provider, {}).get(capability)
        if found is None:
            raise NotApplicable(f"{self.provider} does not offer {capability.value}")
        return found

    def driver(self, capability: Capability) -> Driver:
        """How the kit exercises ``capability``."""
        self._count += 1
        folder = self.folder / f"{capability.value}-{self._count}"
        return DRIVERS[capability](self.implementation(capability), self.contract.samples, folder)

    def sandbox(self) -> Sandbox:
        """The emulator the plugin registered for the provider (or the contract's)."""
        if self.contract.sandbox is not None:
            return self.contract.sandbox
        for sandbox in self.registry.sandboxes():
            if sandbox.provider == self.provider:
                return sandbox
        raise ContractViolation(
            "plugin-loads",
            self.provider,
            "registers no sandbox (implement register_sandboxes, or pass Contract(sandbox=...))",
        )

    def start(self, options: SandboxOptions | None = None) -> RecordingEmulator:
        """Start the emulator and point the provider at it (stopped when the run ends)."""
        emulator = self._stack.enter_context(
            running(self.sandbox(), options or self.contract.options)
        )
        os.environ.update(emulator.environment)
        return emulator

    def hub(self, *, retries: int = 0, reload: bool = False) -> Hub:
        """A fresh hub over the plugin (``retries``: of requests safe to repeat;
        ``reload``: load the plugin anew, as a new ``transhub`` process would)."""
        from transhub.api import Hub
        from transhub.registry import Registry

        registry = self.registry
        if reload:
            registry = Registry(only=[self.contract.plugin], report=self.broken.append)
        return Hub(registry=registry, settings={"retries": retries})

    def instance(self, capability: Capability, *, retries: int = 0) -> Any:
        """The provider's implementation of ``capability``, configured for the running
        emulator, backing off without sleeping."""
        implementation = self.hub(retries=retries).instance(self.implementation(capability))
        implementation.context.http.sleep = _no_sleep
        return implementation

    def cli(self, *argv: str) -> CliResult:
        """Run ``transhub ARGV`` in this process."""
        return invoke(list(argv))

    def shown(self, text: str) -> str:
        """``text`` with the run's folder left out of paths (messages stay short)."""
        return text.replace(str(self.folder) + os.sep, "")

    def who(self, capability: Capability | None = None) -> str:
        """How failures name the provider (and capability)."""
        name = self.contract.provider or self.contract.plugin
        return f"{name} ({capability.value})" if capability is not None else name
