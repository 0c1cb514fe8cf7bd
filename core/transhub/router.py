"""Choosing the provider for a request.

For a capability: an explicit ``--provider`` must offer it; else the configured
default for that capability (``defaults.<capability>``); else the *candidates*: the
configured providers that offer the capability, the language pair, the input's
kind and the options asked for (glossary, formality, output format).  They are
ordered by the ``routing.order`` setting (listed providers first, in that order),
then by cost where quotes exist (cheapest first); the first is taken, and the rest
are the fallbacks in order (:func:`candidates`).  When nothing orders two or more
candidates, transhub does not guess: the error lists them and how to choose.  Every
decision is logged (``-v`` shows why each candidate was taken or skipped).

A request without a source language needs a provider that detects it; providers
that need one are skipped, and when none remains the error says to pass ``--from``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from transhub.capabilities.base import Implementation
from transhub.capabilities.kinds import Capability
from transhub.errors import InputError, RoutingError, missing_credentials

log = logging.getLogger("transhub.router")

Impl = type[Implementation[Any, Any]]

INSTALL_HINT = "install a provider plugin, e.g. `pip install transhub-fanyigou`"
FROM_HINT = "pass --from LANG: the providers that fit otherwise cannot detect the source"


#: Why a provider is named, set while the fallback routes.  Unset, the name is the
#: user's ``--provider`` or a recorded job's provider being looked up again (each
#: step of a job routes to it): logged at debug level, since nothing was decided.
_named_by: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "transhub_named_by", default=None
)


@contextlib.contextmanager
def named_by(reason: str) -> Iterator[None]:
    """Within the block, a provider named explicitly is logged as chosen for
    ``reason`` (the fallback names the next candidate: "fallback from deepl")."""
    token = _named_by.set(reason)
    try:
        yield
    finally:
        _named_by.reset(token)


@dataclass(frozen=True)
class Need:
    """What a request needs from a provider beyond the capability itself.

    ``fits(cls)`` returns ``None`` when ``cls`` can serve the request, else the
    reason it cannot (shown when no provider fits): a phrase, or the very error that
    asking ``cls`` by name would raise — then a single configured provider that does
    not fit gives the same error, with or without ``--provider``.  ``source_given`` is
    false for a request whose source language is to be detected.
    """

    description: str
    # Any: each capability's checks read that capability's own declarations.
    fits: Callable[[Any], str | InputError | None]
    source_given: bool = True


@dataclass(frozen=True)
class Candidate:
    """A provider that can serve the request, and why it ranks where it does."""

    cls: Impl
    why: str

    @property
    def name(self) -> str:
        """The provider's name."""
        return self.cls.provider.name


def options_fit(cls: Any, options: Any) -> str | None:
    """``None`` when ``cls`` honours every option set in ``options`` (a capability's
    options model), else the reason: "does not offer the option glossary-id"."""
    if options is None:
        return None
    offered: frozenset[str] = getattr(cls, "options", frozenset())
    for option, value in options.model_dump().items():
        if value and option not in offered:
            return f"does not offer the option {option.replace('_', '-')}"
    return None


def output_format_fit(cls: Any, options: Any, extension: str) -> str | None:
    """``None`` when ``cls`` can deliver a ``.extension`` document in the format
    ``options.output_format`` asks for (or none is asked), else why not."""
    wanted = (getattr(options, "output_format", None) or "").lower().lstrip(".")
    if not wanted or wanted == extension:
        return None
    offered: frozenset[str] = getattr(cls, "output_formats", {}).get(extension, frozenset())
    if wanted in offered:
        return None
    return (
        f"cannot deliver a .{extension} document as .{wanted} "
        f"(it converts .{extension} to: {', '.join(sorted(offered)) or 'nothing'})"
    )


def language_fit(cls: Any, source: str | None, target: str | None) -> str | None:
    """``None`` when ``cls`` offers the direction, else why not (a provider that
    cannot detect says so for a request without a source)."""
    support = cls.languages
    if source is None and not support.auto_detect:
        return "needs the source language (it cannot detect it)"
    if not support.supports(source, target):
        return f"no {source or 'auto'} → {target}"
    return None


def _rank(
    fitting: Sequence[Impl], order: Sequence[str], cost: Callable[[Impl], float | None] | None
) -> list[Candidate]:
    """``fitting`` in routing order: ``routing.order`` first, then cost, then name."""
    position = {name: index for index, name in enumerate(order)}
    costs = {c.provider.name: cost(c) if cost is not None else None for c in fitting}

    def key(cls: Impl) -> tuple[int, float, str]:
        name = cls.provider.name
        price = costs[name]
        return (
            position.get(name, len(position)),
            price if price is not None else float("inf"),
            name,
        )

    ranked = sorted(fitting, key=key)
    result = []
    for cls in ranked:
        name = cls.provider.name
        if name in position:
            why = f"position {position[name] + 1} in routing.order"
        elif costs[name] is not None:
            why = f"cost {costs[name]:g}"
        else:
            why = "fits"
        result.append(Candidate(cls, why))
    return result


def _tied(ranked: Sequence[Candidate], order: Sequence[str], costs_known: bool) -> bool:
    """Whether nothing tells the first two candidates apart."""
    if len(ranked) < 2:
        return False
    first, second = ranked[0].name, ranked[1].name
    return first not in order and second not in order and not costs_known


def candidates(
    capability: Capability,
    registered: Sequence[Impl],
    *,
    configured: Callable[[Impl], bool],
    missing: Callable[[Impl], list[str]],
    need: Need | None = None,
    order: Sequence[str] = (),
    cost: Callable[[Impl], float | None] | None = None,
    report: bool = True,
) -> list[Candidate]:
    """Every configured provider that fits, in routing order (see the module
    docstring); raises when none does.  The fallbacks of a request are the
    candidates after the first, in this order.  ``report``: log why each provider
    is skipped (off when the same routing is asked again, for the fallbacks)."""
    info = log.info if report else log.debug
    if not registered:
        raise RoutingError(f"no installed provider offers {capability.value}; {INSTALL_HINT}")
    ready = [c for c in registered if configured(c)]
    for cls in registered:
        if cls not in ready:
            info("routing %s: skipping %s (not configured)", capability.value, cls.provider.name)
    if not ready:
        raise missing_credentials(
            {c.provider.name: missing(c) for c in registered},
            what=f"no configured provider offers {capability.value}",
        )
    fitting = ready
    if need is not None:
        reasons = {c.provider.name: need.fits(c) for c in ready}
        for name, reason in reasons.items():
            if reason is not None:
                info("routing %s: skipping %s (%s)", capability.value, name, reason)
        fitting = [c for c in ready if reasons[c.provider.name] is None]
        if not fitting:
            # The request, not the set-up, is what no provider takes: an input error
            # (exit 4), worded as the one provider would word it when there is one.
            only = next(iter(reasons.values()))
            if len(reasons) == 1 and isinstance(only, InputError):
                raise only
            why = "; ".join(f"{name}: {reason}" for name, reason in reasons.items())
            hint = FROM_HINT if not need.source_given else None
            raise InputError(
                f"no configured provider can {need.description} ({why})"
                + (f"; {hint}" if hint else ""),
                hint=None,
            )
    return _rank(fitting, order, cost)


def check_installed(provider: str, installed: Mapping[str, object]) -> None:
    """Refuse a provider name that no installed plugin provides (a typo, or a plugin
    not installed), naming the installed ones, with a "did you mean"."""
    if provider in installed:
        return
    import difflib

    names = sorted(installed)
    close = difflib.get_close_matches(provider, names, n=1)
    raise RoutingError(
        f"no installed provider is named {provider!r} "
        f"(installed: {', '.join(names) or 'none'})"
        + (f"; did you mean {close[0]}?" if close else f"; {INSTALL_HINT}")
    )


def choose(
    capability: Capability,
    registered: Sequence[Impl],
    *,
    provider: str | None,
    default: str | None,
    configured: Callable[[Impl], bool],
    missing: Callable[[Impl], list[str]],
    need: Need | None = None,
    order: Sequence[str] = (),
    cost: Callable[[Impl], float | None] | None = None,
) -> Impl:
    """Pick the implementation that serves a request (see the module docstring)."""
    if not registered:
        raise RoutingError(f"no installed provider offers {capability.value}; {INSTALL_HINT}")
    names = sorted({c.provider.name for c in registered})
    wanted = provider or default
    if wanted is not None:
        for cls in registered:
            if cls.provider.name == wanted:
                how = _named_by.get() if provider else f"defaults.{capability.value}"
                if how is None:
                    log.debug("routing %s to %s (named)", capability.value, wanted)
                else:
                    log.info("routing %s to %s (chosen by %s)", capability.value, wanted, how)
                return cls
        source = "--provider" if provider else f"the setting defaults.{capability.value}"
        raise RoutingError(
            f"provider {wanted!r} (from {source}) does not offer {capability.value}; "
            f"providers that do: {', '.join(names)}"
        )
    ranked = candidates(
        capability,
        registered,
        configured=configured,
        missing=missing,
        need=need,
        order=order,
        cost=cost,
    )
    costs_known = cost is not None and all(cost(c.cls) is not None for c in ranked[:2])
    if _tied(ranked, order, costs_known):
        listed = ", ".join(sorted(c.name for c in ranked))
        raise RoutingError(
            f"several providers can serve {capability.value} ({listed}); choose one with "
            "--provider NAME (provider= in Python), or set a default: "
            f"transhub config set defaults.{capability.value} NAME "
            "(or an order: transhub config set routing.order NAME,NAME)"
        )
    chosen = ranked[0]
    if len(ranked) == 1:
        log.info(
            "routing %s to %s (the only configured provider that fits)",
            capability.value,
            chosen.name,
        )
    else:
        rest = ", ".join(f"{c.name} ({c.why})" for c in ranked[1:])
        log.info("routing %s to %s (%s; then %s)", capability.value, chosen.name, chosen.why, rest)
    return chosen.cls
