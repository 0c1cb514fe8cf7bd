"""The contract's rules by name, and how a broken one is reported.

Each rule is checked by a ``check_<rule>`` method of
:class:`~transhub.testing.contract.ContractRun` (in :mod:`~transhub.testing.plugin_rules`,
:mod:`~transhub.testing.task_rules` and :mod:`~transhub.testing.service_rules`); a
failure is a :class:`ContractViolation` whose message starts with the rule's name.
"""

from __future__ import annotations

import traceback
from pathlib import Path

#: The rules, by name, as failures name them.
RULES: dict[str, str] = {
    "plugin-loads": "the plugin loads, registers the provider and a sandbox whose emulator "
    "has fault injection, and `transhub providers` lists it",
    "limits-declared": "every capability declares its languages and limits as coherent data",
    "works-end-to-end": "the sample request succeeds through the real CLI against the emulator",
    "limits-enforced-before-sending": "input past a declared limit is refused with an input "
    "error before any request reaches the service",
    "states-in-order": "task states only move forward (queued, running, then a final state) "
    "and a final state stays final",
    "download-atomic": "a download cut mid-answer leaves no partial file: the result is "
    "complete or absent, and the error is typed",
    "auth-failure-typed": "refused credentials raise AuthenticationError",
    "rate-limit-typed": "the service's 'too many requests' answer raises RateLimitError",
    "expired-result-typed": "a result the service no longer keeps is reported as expired "
    "(ResultExpiredError), with no file left behind",
    "faults-typed": "network failures and garbled answers raise transhub errors, "
    "never bare exceptions",
    "no-secret-in-output": "no secret appears on stdout, on stderr (even with --debug -vv) "
    "or in any file under TRANSHUB_HOME or the output folder",
}


class ContractViolation(AssertionError):
    """A plugin broke a rule of the contract."""

    def __init__(self, rule: str, who: str, detail: str) -> None:
        self.rule = rule
        super().__init__(f"[{rule}] {who}: {detail}\n  rule: {RULES[rule]}")


class NotApplicable(Exception):
    """A rule does not apply to this provider or capability (the reason says why)."""


def describe(exc: BaseException) -> str:
    """An exception as one line, with where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}{where}"
