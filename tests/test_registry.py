"""Plugin discovery through entry points, TRANSHUB_PLUGINS, and broken plugins."""

from __future__ import annotations

import json
import types

import pytest
from transhub.capabilities.kinds import Capability
from transhub.hookspecs import hookimpl
from transhub.registry import Registry


def test_installed_plugins_are_found_through_their_entry_points(cli):
    result = cli("providers", "--json")
    assert result.exit_code == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["echo"]["plugin"] == "transhub-echo-test"
    assert rows["echo"]["version"] == "1.0.0"
    assert set(rows["parrot"]["capabilities"]) == {"document", "text"}
    assert rows["echo"]["configured"] is False


def test_configured_providers_say_so(cli, echo):
    result = cli("providers")
    line = next(line for line in result.lines if line.startswith("echo "))
    assert line.rstrip().endswith("yes")


def test_transhub_plugins_restricts_what_loads(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "broken")
    monkeypatch.setenv("TRANSHUB_PLUGINS", "nothing-by-this-name")
    result = cli("providers", "--json")
    assert json.loads(result.stdout) == []
    assert "no provider plugin is installed" in cli("providers").stderr


def test_a_plugin_that_fails_to_import_breaks_nothing_else(cli, echo, monkeypatch):
    monkeypatch.delenv("TRANSHUB_PLUGINS")
    result = cli("providers")
    assert result.exit_code == 0
    assert result.stderr.count("plugin 'broken' is broken") == 1
    assert "transhub_dependency_that_does_not_exist" in result.stderr
    assert "BROKEN" in result.stdout and "echo" in result.stdout
    translated = cli("text", "hi", "--to", "zh", "--provider", "echo")
    assert translated.exit_code == 0 and translated.stdout.strip() == "[zh] hi"


def test_a_hook_that_raises_isolates_its_plugin():
    class Faulty:
        @hookimpl
        def register_text_translators(self, register):
            raise RuntimeError("boom")

    class Fine:
        @hookimpl
        def register_text_translators(self, register):
            from transhub_echo.provider import EchoText

            register(EchoText)

    messages = []
    registry = Registry(entry_points=False, report=messages.append)
    registry.add(Faulty(), "faulty")
    registry.add(Fine(), "fine")
    found = registry.implementations(Capability.TEXT)
    assert [c.provider.name for c in found] == ["echo"]
    assert messages == [
        "transhub: plugin 'faulty' is broken and was skipped "
        "(register_text_translators failed: RuntimeError: boom)"
    ]
    assert {r.name: r.broken for r in registry.plugins()} == {"faulty": True, "fine": False}


def test_registering_the_wrong_kind_of_object_is_reported():
    plugin = types.SimpleNamespace()

    @hookimpl
    def register_ocr_engines(register):
        register("not a class")

    plugin.register_ocr_engines = register_ocr_engines
    messages = []
    registry = Registry(entry_points=False, report=messages.append)
    registry.add(plugin, "odd")
    assert registry.implementations(Capability.OCR) == []
    assert "is not a ocr implementation class" in messages[0]


def test_hooks_are_called_once_per_registry():
    calls = []

    class Counting:
        @hookimpl
        def register_accounts(self, register):
            calls.append(1)

    registry = Registry(entry_points=False)
    registry.add(Counting(), "counting")
    for _ in range(3):
        registry.implementations(Capability.ACCOUNT)
    assert calls == [1]


def test_plugin_commands_are_added_lazily(cli):
    assert cli("echo", "ping").stdout.strip() == "pong"
    assert "echo" in cli("--help").stdout


@pytest.mark.parametrize("command", ["providers", "languages", "config"])
def test_core_commands_do_not_need_plugins(cli, monkeypatch, command):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "")
    assert cli(command, "--help").exit_code == 0
