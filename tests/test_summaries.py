"""The plugins' plain-data provider summaries (``describe_providers``) say what their
real registrations say, so the fast ``transhub providers`` tells the truth."""

from __future__ import annotations

import json

import pytest
from transhub.api import Hub
from transhub.registry import Registry

PLUGINS = ["echo", "fanyigou", "alibaba"]


def _pairs():
    registry = Registry(only=PLUGINS)
    summaries = registry.summaries()
    assert summaries is not None, "every installed plugin describes its providers"
    real = registry.providers()
    return registry, {s.name: s for s in summaries}, real


def test_summaries_match_the_registrations():
    _, summaries, real = _pairs()
    assert set(summaries) == set(real)
    for name, summary in summaries.items():
        implementations = real[name]
        assert set(summary.capabilities) == {c.value for c in implementations}, name
        info = next(iter(implementations.values())).provider
        assert summary.title == info.title
        settings = info.settings
        assert tuple(r.key for r in summary.required) == tuple(settings.required), name
        prefix = settings.model_config.get("env_prefix", "")
        for required in summary.required:
            assert required.env[0] == f"{prefix}{required.key}".upper()


@pytest.mark.parametrize("how", ["nothing set", "transhub's variables", "every alternative"])
def test_configured_agrees_with_the_real_settings(how, monkeypatch):
    _, summaries, real = _pairs()
    for summary in summaries.values():
        for required in summary.required:
            if how == "transhub's variables":
                monkeypatch.setenv(required.env[0], "value")
            elif how == "every alternative" and len(required.env) > 1:
                for name in required.env[1:]:
                    monkeypatch.setenv(name, "value")
    hub = Hub(registry=Registry(only=PLUGINS))
    for name, summary in summaries.items():
        cls = next(iter(real[name].values()))
        fast = not summary.missing({})
        assert fast == hub.provider_settings(cls).configured, (name, how)


def test_the_fast_listing_equals_the_full_one(cli, echo, monkeypatch):
    fast = json.loads(cli("providers", "--json").stdout)
    monkeypatch.setattr(Registry, "summaries", lambda self: None)  # the slow path
    full = json.loads(cli("providers", "--json").stdout)
    assert fast == full
    assert any(row["name"] == "echo" and row["configured"] for row in fast)


def test_a_plugin_without_summaries_is_listed_the_slow_way(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "echo,fanyigou,alibaba,shout")
    registry = Registry()
    if "shout" not in {r.name for r in registry.plugins()}:
        pytest.skip("the tutorial's plugin is not installed here")
    assert registry.summaries() is None
    rows = json.loads(cli("providers", "--json").stdout)
    assert "shout" in {row["name"] for row in rows}


def test_settings_given_with_c_count_as_set(cli):
    rows = {
        r["name"]: r
        for r in map(
            json.loads,
            cli(
                "-c",
                "echo.endpoint=http://127.0.0.1:9",
                "-c",
                "echo.token=t",
                "providers",
                "--jsonl",
            ).lines,
        )
    }
    assert rows["echo"]["configured"] is True
    assert rows["parrot"]["missing"] == ["TRANSHUB_PARROT_ENDPOINT", "TRANSHUB_PARROT_TOKEN"]
