"""``transhub providers --doctor``: is every installed plugin healthy?

For each plugin: it loads; for each provider: its settings validate, its
declarations (languages, limits, options) are coherent, and — only when asked, since
it contacts the service — its credentials are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from transhub.capabilities.kinds import Capability
from transhub.errors import TranshubError

if TYPE_CHECKING:
    from transhub.api import Hub


@dataclass(frozen=True)
class Finding:
    """One check's outcome."""

    subject: str
    check: str
    ok: bool
    detail: str = ""


def diagnose(hub: Hub, *, online: bool = False) -> list[Finding]:
    """Run every check (see the module docstring)."""
    from transhub.testing.declarations import problems

    findings = [
        Finding(record.name, "loads", not record.broken, record.error or (record.version or ""))
        for record in hub.registry.plugins()
    ]
    for name, capabilities in sorted(hub.registry.providers().items()):
        any_cls = next(iter(capabilities.values()))
        try:
            missing = hub.provider_settings(any_cls).missing()
        except TranshubError as exc:
            findings.append(Finding(name, "settings", False, str(exc)))
            continue
        findings.append(
            Finding(
                name, "settings", not missing, f"set {', '.join(missing)}" if missing else "valid"
            )
        )
        for capability, cls in capabilities.items():
            found = problems(cls)
            findings.append(
                Finding(
                    name,
                    f"declarations ({capability.value})",
                    not found,
                    "; ".join(found) or "coherent",
                )
            )
        if online:
            findings.append(_online(hub, name, capabilities, configured=not missing))
    return findings


def _online(
    hub: Hub, name: str, capabilities: dict[Capability, type], *, configured: bool
) -> Finding:
    if not configured:
        return Finding(name, "credentials", False, "not configured")
    if Capability.ACCOUNT not in capabilities:
        return Finding(name, "credentials", True, "not checked: the provider reports no balance")
    try:
        balances = hub.account_balance(provider=name)
    except TranshubError as exc:
        return Finding(name, "credentials", False, str(exc))
    shown = ", ".join(f"{b.kind} {b.amount:g} {b.unit}" for b in balances)
    return Finding(name, "credentials", True, f"accepted ({shown})")
