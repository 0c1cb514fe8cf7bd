"""The provider contract: rules every provider plugin must honour, checked against
the plugin's own emulator.

A plugin describes itself once with a :class:`Contract` — its entry-point name, and
where the defaults do not fit, sample inputs and how its emulator produces each
error — and subclasses :class:`~transhub.testing.suite.ProviderContract` in its
tests.  :class:`ContractRun` does the work: it starts the emulator the plugin
registered (``register_sandboxes``), points the provider at it, and checks one rule
for one capability, raising :class:`ContractViolation` — whose message starts with
the rule's name — when the plugin breaks it.  It needs no test framework.

The rules' names are :data:`RULES` (:mod:`transhub.testing.rules`); the run's set-up is
:class:`~transhub.testing.harness.Harness`; the checks are grouped by what they are
about in :mod:`~transhub.testing.plugin_rules`, :mod:`~transhub.testing.task_rules` and
:mod:`~transhub.testing.service_rules`.  Import everything from here (or
``transhub.testing``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transhub.capabilities.kinds import Capability
from transhub.emulation import Fault
from transhub.sandbox import Sandbox, SandboxOptions
from transhub.testing.plugin_rules import PluginRules
from transhub.testing.rules import RULES, ContractViolation, NotApplicable, describe
from transhub.testing.sandboxes import FAST
from transhub.testing.service_rules import NETWORK_FAULTS, ServiceRules

__all__ = [
    "EXPIRED_AT_ONCE",
    "NETWORK_FAULTS",
    "RULES",
    "Contract",
    "ContractRun",
    "ContractViolation",
    "NotApplicable",
    "Samples",
    "describe",
]

#: Sandbox options under which a result expires as soon as it is ready.
EXPIRED_AT_ONCE = SandboxOptions(task_seconds=0.0, result_ttl=0.0)


@dataclass(frozen=True)
class Samples:
    """Inputs the kit sends.  Defaults are derived from the declarations; override
    what your emulator needs.

    ``files`` maps a capability name (``"document"``, ``"convert"``, ``"image"``,
    ``"ocr"``) to a function that writes a sample into the folder it is given and
    returns its path (or, for images, a URL).
    """

    text: str = "Hello, world."
    word: str = "hello"
    source: str | None = None
    target: str | None = None
    image_url: str = "https://example.com/transhub-contract.png"
    account_kind: str | None = None
    files: Mapping[str, Callable[[Path], Path | str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Contract:
    """What the kit needs to know about a provider plugin.

    ``plugin`` is the name of its entry point in the ``transhub`` group (install the
    plugin first: ``pip install -e .``); ``provider`` is needed only when the plugin
    registers several providers.  The emulator is the plugin's registered
    :class:`~transhub.sandbox.Sandbox` unless ``sandbox`` gives another.

    How the emulator produces each typed error: ``bad_credentials`` (environment
    variables the emulator refuses; default: every secret setting changed),
    ``throttle`` (the fault that makes it answer "too many requests"), and for
    expired results either ``expiring`` (sandbox options under which a result
    expires as soon as it is ready; ``None`` when the service keeps results for
    good) or ``expire`` (called with the emulator's application once the sample
    task is done, to make its results expire now).

    ``offline``: the provider does its work on this machine and talks to no service
    (no emulator, no credentials): the rules about a service's answers — refused
    credentials, throttling, network faults, secrets — do not apply, and the others run
    without an emulator.
    """

    plugin: str
    provider: str | None = None
    samples: Samples = field(default_factory=Samples)
    sandbox: Sandbox | None = None
    options: SandboxOptions = FAST
    bad_credentials: Mapping[str, str] | None = None
    throttle: Fault = Fault.THROTTLE
    expiring: SandboxOptions | None = EXPIRED_AT_ONCE
    expire: Callable[[Any], None] | None = None
    #: Seconds a sample task may take to finish on the emulator.
    timeout: float = 30.0
    offline: bool = False

    def capabilities(self) -> list[Capability]:
        """The capabilities the provider registers (empty if the plugin cannot load)."""
        from transhub.registry import Registry

        try:
            table = Registry(only=[self.plugin], report=lambda _message: None).providers()
        except Exception:
            return []
        if self.provider is not None:
            return sorted(table.get(self.provider, {}), key=list(Capability).index)
        if len(table) != 1:
            return []
        return sorted(next(iter(table.values())), key=list(Capability).index)


class ContractRun(PluginRules, ServiceRules):
    """Checks rules for one contract, in an isolated environment.

    Use as a context manager: entering gives the run its own ``TRANSHUB_HOME`` under
    ``folder`` and a clean environment (no inherited ``TRANSHUB_*`` variable, only
    this plugin loaded); leaving stops every emulator and restores the environment.
    """

    def check(self, rule: str, capability: Capability | None = None) -> None:
        """Check one rule (for one capability); raise :class:`ContractViolation` if it
        is broken, :class:`NotApplicable` if it does not apply."""
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; the rules are {', '.join(RULES)}")
        method: Callable[..., None] = getattr(self, "check_" + rule.replace("-", "_"))
        try:
            if capability is None:
                method()
            else:
                method(capability)
        except (ContractViolation, NotApplicable):
            raise
        except Exception as exc:
            raise ContractViolation(
                rule, self.who(capability), f"the check stopped on {describe(exc)}"
            ) from exc
