"""``transhub providers --doctor``: is every installed plugin healthy?

For each plugin: it loads; for each provider: its settings validate, what it says of
its own installation (``ProviderInfo.inspect``: models, data, programs), its
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
    from transhub.summary import ProviderSummary


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
    summaries = {s.name: s for s in hub.registry.summaries() or ()}
    for name, capabilities in sorted(hub.registry.providers().items()):
        if summaries:
            findings.append(_summary_agrees(name, capabilities, summaries.get(name)))
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
        inspect = any_cls.provider.inspect
        if inspect is not None:
            findings += [Finding(name, check, ok, detail) for check, ok, detail in inspect()]
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


def _summary_agrees(
    name: str, capabilities: dict[Capability, type], summary: ProviderSummary | None
) -> Finding:
    """Whether the plain-data summary (the fast `providers` listing) tells the truth."""
    if summary is None:
        return Finding(name, "summary", False, "no summary from describe_providers")
    info = next(iter(capabilities.values())).provider  # type: ignore[attr-defined]
    problems = []
    if set(summary.capabilities) != {c.value for c in capabilities}:
        problems.append(f"capabilities {sorted(summary.capabilities)} ≠ registered")
    if summary.title != info.title:
        problems.append(f"title {summary.title!r} ≠ {info.title!r}")
    if tuple(r.key for r in summary.required) != tuple(info.settings.required):
        problems.append("required settings differ from the settings class")
    return Finding(name, "summary", not problems, "; ".join(problems) or "agrees")


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
    shown = ", ".join(f"{b.resource} {b.balance} {b.unit}" for b in balances)
    return Finding(name, "credentials", True, f"accepted ({shown})")
