"""Routing: explicit, default, single candidate, ambiguous, unsupported."""

from __future__ import annotations

import pytest
import transhub
from transhub.errors import EXIT_CODES, ConfigurationError, InputError
from transhub.testing import make_pdf


def test_no_installed_provider_says_how_to_install(cli, monkeypatch, sample):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "")
    result = cli("doc", "translate", str(sample), "--to", "zh")
    assert result.exit_code == EXIT_CODES["routing"]
    assert "no installed provider offers document" in result.stderr
    assert "pip install transhub-" in result.stderr
    assert "Traceback" not in result.stderr


def test_explicit_provider_must_offer_the_capability(cli, parrot):
    result = cli("ocr", "x.png", "--provider", "parrot")
    assert result.exit_code == EXIT_CODES["routing"]
    assert "'parrot'" in result.stderr and "providers that do: echo" in result.stderr


def test_the_single_fitting_candidate_is_chosen(cli, parrot, sample):
    # Both are configured; only echo translates into Japanese.
    result = cli("-v", "text", "hello", "--to", "ja")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "[ja] hello"
    assert "routing text to echo" in result.stderr


def test_ambiguous_choice_lists_candidates_and_how_to_choose(cli, parrot):
    result = cli("text", "hello", "--from", "en", "--to", "fr")
    assert result.exit_code == EXIT_CODES["routing"]
    assert "echo, parrot" in result.stderr
    assert "--provider" in result.stderr and "defaults.text" in result.stderr


def test_default_from_the_config_file_and_from_the_command_line(cli, parrot):
    assert cli("config", "set", "defaults.text", "parrot").exit_code == 0
    result = cli("text", "hello", "--from", "en", "--to", "fr")
    assert result.exit_code == 0, result.stderr
    overridden = cli(
        "-c", "defaults.text=echo", "-v", "text", "hello", "--from", "en", "--to", "fr"
    )
    assert "routing text to echo (chosen by defaults.text)" in overridden.stderr


def test_default_naming_a_provider_without_the_capability(cli, parrot):
    result = cli("-c", "defaults.ocr=parrot", "ocr", "x.png")
    assert result.exit_code == EXIT_CODES["routing"]
    assert "defaults.ocr" in result.stderr


def test_unconfigured_providers_name_the_settings(cli, sample):
    result = cli("doc", "translate", str(sample), "--to", "zh")
    assert result.exit_code == EXIT_CODES["configuration"]
    assert "TRANSHUB_ECHO_TOKEN" in result.stderr


def test_explicit_but_unconfigured_provider(echo, monkeypatch, sample):
    monkeypatch.delenv("TRANSHUB_ECHO_TOKEN")
    with pytest.raises(ConfigurationError, match="TRANSHUB_ECHO_TOKEN"):
        transhub.Hub().translate_document(sample, "zh", provider="echo")


def test_no_configured_provider_fits_the_pair(parrot):
    hub = transhub.Hub(registry=None)
    # The request is what no provider takes: an input error (exit 4), not routing.
    with pytest.raises(InputError, match="no configured provider can translate"):
        hub.translate_text("hello", "ko")  # neither knows Korean


def test_file_type_decides_between_providers(parrot, tmp_path, caplog):
    pdf = make_pdf(tmp_path / "a.pdf")
    hub = transhub.Hub()
    plan = hub.prepare_document(pdf, "zh", source="en")
    assert plan.provider == "echo"  # parrot takes .txt only
