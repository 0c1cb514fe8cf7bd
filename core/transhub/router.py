"""Choosing the provider for a request.

For a capability: an explicit ``--provider`` must offer it; else the configured
default for that capability (``defaults.<capability>``); else the single configured
provider that offers the capability, the language pair and the input's kind.  More
than one candidate is an error that lists them and how to choose.  Each decision is
logged (``-v`` shows it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from transhub.capabilities.base import Implementation
from transhub.capabilities.kinds import Capability
from transhub.errors import ConfigurationError, RoutingError

log = logging.getLogger("transhub.router")

Impl = type[Implementation[Any, Any]]

INSTALL_HINT = "install a provider plugin, e.g. `pip install transhub-fanyigou`"


@dataclass(frozen=True)
class Need:
    """What a request needs from a provider beyond the capability itself.

    ``fits(cls)`` returns ``None`` when ``cls`` can serve the request, else the
    reason it cannot (shown when no provider fits).
    """

    description: str
    # Any: each capability's checks read that capability's own declarations.
    fits: Callable[[Any], str | None]


def choose(
    capability: Capability,
    candidates: Sequence[Impl],
    *,
    provider: str | None,
    default: str | None,
    configured: Callable[[Impl], bool],
    missing: Callable[[Impl], list[str]],
    need: Need | None = None,
) -> Impl:
    """Pick the implementation that serves a request (see the module docstring)."""
    if not candidates:
        raise RoutingError(f"no installed provider offers {capability.value}; {INSTALL_HINT}")
    names = sorted({c.provider.name for c in candidates})
    wanted = provider or default
    if wanted is not None:
        for cls in candidates:
            if cls.provider.name == wanted:
                how = "--provider" if provider else f"defaults.{capability.value}"
                log.info("routing %s to %s (chosen by %s)", capability.value, wanted, how)
                return cls
        source = "--provider" if provider else f"the setting defaults.{capability.value}"
        raise RoutingError(
            f"provider {wanted!r} (from {source}) does not offer {capability.value}; "
            f"providers that do: {', '.join(names)}"
        )
    ready = [c for c in candidates if configured(c)]
    if not ready:
        settings = "; ".join(f"{c.provider.name}: {', '.join(missing(c))}" for c in candidates)
        raise ConfigurationError(
            f"no configured provider offers {capability.value}; set the credentials ({settings})"
        )
    fitting = ready
    if need is not None:
        reasons = {c.provider.name: need.fits(c) for c in ready}
        fitting = [c for c in ready if reasons[c.provider.name] is None]
        if not fitting:
            why = "; ".join(f"{name}: {reason}" for name, reason in reasons.items())
            raise RoutingError(f"no configured provider can {need.description} ({why})")
    if len(fitting) > 1:
        listed = ", ".join(sorted(c.provider.name for c in fitting))
        raise RoutingError(
            f"several providers can serve {capability.value} ({listed}); choose one with "
            "--provider NAME, or set a default: "
            f"transhub config set defaults.{capability.value} NAME"
        )
    chosen = fitting[0]
    log.info(
        "routing %s to %s (the only configured provider that fits)",
        capability.value,
        chosen.provider.name,
    )
    return chosen
