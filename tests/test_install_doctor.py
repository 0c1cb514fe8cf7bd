"""transhub install / uninstall (pip beside transhub) and providers --doctor."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from transhub.cli.install import distribution

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fanyigou", "transhub-fanyigou"),
        ("transhub-alibaba", "transhub-alibaba"),
        ("./plugins/fanyigou", "./plugins/fanyigou"),
        ("fanyigou[sandbox]", "fanyigou[sandbox]"),
        ("alibaba==0.1.0", "alibaba==0.1.0"),
    ],
)
def test_short_names_map_to_distributions(name, expected):
    assert distribution(name) == expected


def test_install_runs_pip_of_this_interpreter_even_with_a_broken_plugin(cli, monkeypatch):
    monkeypatch.delenv("TRANSHUB_PLUGINS")  # the broken test plugin is installed too
    result = cli("install", "--editable", str(ROOT / "tests" / "plugins" / "broken"))
    assert result.exit_code == 0, result.stderr
    assert f"running {sys.executable} -m pip install -e" in result.stderr
    assert "is broken" not in result.stderr  # installing loads no plugin


def test_uninstall_of_something_not_installed_is_harmless(cli):
    result = cli("uninstall", "-y", "nothing-by-this-name-xyz")
    assert (
        f"{sys.executable} -m pip uninstall -y transhub-nothing-by-this-name-xyz" in result.stderr
    )
    assert result.exit_code == 0


def test_doctor_reports_each_check(cli, echo, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "echo,broken,fanyigou,alibaba")
    result = cli("providers", "--doctor", "--online", "--jsonl")
    findings = [json.loads(line) for line in result.lines]
    by = {(f["subject"], f["check"]): f for f in findings}
    assert by[("broken", "loads")]["ok"] is False
    assert by[("echo", "loads")]["ok"] is True
    assert by[("echo", "settings")]["ok"] is True
    assert by[("echo", "summary")] == {
        "subject": "echo",
        "check": "summary",
        "ok": True,
        "detail": "agrees",
    }
    assert by[("echo", "declarations (text)")]["detail"] == "coherent"
    assert by[("echo", "credentials")]["detail"].startswith("accepted (document 100 pages")
    assert by[("parrot", "settings")]["ok"] is False
    assert result.exit_code == 1


def test_doctor_online_catches_refused_credentials(cli, echo, monkeypatch):
    monkeypatch.setenv("TRANSHUB_ECHO_TOKEN", "wrong-token")
    monkeypatch.setenv("TRANSHUB_PLUGINS", "echo")
    result = cli("providers", "--doctor", "--online")
    assert result.exit_code == 1
    line = next(line for line in result.lines if "credentials" in line)
    assert "PROBLEM" in line and "refused the token" in line and "wrong-token" not in result.stdout


def test_doctor_flags_incoherent_declarations(cli, monkeypatch):
    from transhub.api import Hub
    from transhub.capabilities.base import LanguageSupport
    from transhub.doctor import diagnose
    from transhub.hookspecs import hookimpl
    from transhub.registry import Registry
    from transhub_echo.provider import EchoText

    class Broken(EchoText):
        languages = LanguageSupport(codes={"en": "en"}, pairs=frozenset({("en", "xx")}))
        max_chars = 0

    class Plugin:
        @hookimpl
        def register_text_translators(self, register):
            register(Broken)

    registry = Registry(entry_points=False)
    registry.add(Plugin(), "bad")
    findings = diagnose(Hub(registry=registry))
    bad = next(f for f in findings if f.check == "declarations (text)")
    assert not bad.ok and bad.detail
