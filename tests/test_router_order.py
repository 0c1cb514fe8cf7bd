"""The router's ordering: routing.order, cost where quotes exist, detection of the
source, and the candidate list fallback is built on."""

from __future__ import annotations

from typing import Any

import pytest
from transhub.capabilities.base import LanguageSupport
from transhub.capabilities.kinds import Capability
from transhub.errors import EXIT_CODES, InputError, RoutingError
from transhub.router import Need, candidates, choose, language_fit


class _Provider:
    def __init__(self, name: str) -> None:
        self.name = name


def _impl(name: str, *, detects: bool = True) -> Any:
    return type(
        name,
        (),
        {
            "provider": _Provider(name),
            "languages": LanguageSupport(codes={"en": "en", "fr": "fr"}, auto_detect=detects),
        },
    )


def _need(source: str | None) -> Need:
    return Need(
        f"translate {source or 'auto'} → fr",
        lambda c: language_fit(c, source, "fr"),
        source_given=source is not None,
    )


def _ranked(impls: list[Any], **kwargs: Any) -> list[str]:
    found = candidates(
        Capability.TEXT,
        impls,
        configured=lambda _c: True,
        missing=lambda _c: [],
        need=_need("en"),
        **kwargs,
    )
    return [c.name for c in found]


def test_order_then_cost_then_name() -> None:
    a, b, c = _impl("a"), _impl("b"), _impl("c")
    assert _ranked([a, b, c], order=["c"]) == ["c", "a", "b"]
    prices = {"a": 3.0, "b": 1.0, "c": 2.0}
    assert _ranked([a, b, c], cost=lambda i: prices[i.provider.name]) == ["b", "c", "a"]
    assert _ranked([a, b, c], order=["a"], cost=lambda i: prices[i.provider.name]) == [
        "a",
        "b",
        "c",
    ]


def test_choose_takes_the_first_and_refuses_a_tie() -> None:
    a, b = _impl("a"), _impl("b")
    common: dict[str, Any] = {
        "provider": None,
        "default": None,
        "configured": lambda _c: True,
        "missing": lambda _c: [],
        "need": _need("en"),
    }
    assert choose(Capability.TEXT, [a, b], order=["b"], **common) is b
    assert (
        choose(
            Capability.TEXT, [a, b], cost=lambda i: {"a": 1.0, "b": 2.0}[i.provider.name], **common
        )
        is a
    )
    with pytest.raises(RoutingError, match=r"routing\.order"):
        choose(Capability.TEXT, [a, b], **common)


def test_detection_skips_providers_that_need_a_source() -> None:
    detects, needs = _impl("detects"), _impl("needs", detects=False)
    found = candidates(
        Capability.TEXT,
        [detects, needs],
        configured=lambda _c: True,
        missing=lambda _c: [],
        need=_need(None),
    )
    assert [c.name for c in found] == ["detects"]
    # What the request lacks is the input's (exit 4), not the set-up's.
    with pytest.raises(InputError, match="pass --from"):
        candidates(
            Capability.TEXT,
            [needs],
            configured=lambda _c: True,
            missing=lambda _c: [],
            need=_need(None),
        )


def test_routing_order_from_the_command_line_and_the_log(cli, parrot) -> None:
    result = cli("-c", "routing.order=parrot", "-v", "text", "hello", "--from", "en", "--to", "fr")
    assert result.exit_code == 0, result.stderr
    assert "routing text to parrot (position 1 in routing.order; then echo (fits))" in result.stderr


def test_without_source_the_detecting_provider_is_taken(cli, parrot) -> None:
    result = cli("-v", "text", "hello", "--to", "fr")
    assert result.exit_code == 0, result.stderr
    assert "skipping parrot (parrot cannot detect the source language here" in result.stderr
    assert "routing text to echo" in result.stderr


def test_only_providers_that_need_a_source_say_pass_from(cli, parrot, monkeypatch) -> None:
    monkeypatch.delenv("TRANSHUB_ECHO_TOKEN")
    result = cli("text", "hello", "--to", "fr")
    # One provider left: its own words, as with --provider parrot, and exit 4.
    assert result.exit_code == EXIT_CODES["input"]
    assert result.stderr == cli("text", "hello", "--to", "fr", "--provider", "parrot").stderr
    assert "give --from" in result.stderr
