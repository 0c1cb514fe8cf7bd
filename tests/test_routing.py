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


@pytest.mark.parametrize(
    "argv",
    [
        ("ocr", "x.png", "--provider", "{name}"),
        ("text", "hello", "--to", "fr", "--provider", "{name}"),
        ("languages", "--provider", "{name}"),
    ],
)
def test_a_provider_no_plugin_provides_is_named_as_such(cli, echo, argv):
    """A typo is not "a provider that does not offer ocr": the installed ones are
    listed, with a "did you mean"; a name like none of them says how to install."""
    typo = cli(*(a.format(name="ecoh") for a in argv))
    assert typo.exit_code == EXIT_CODES["routing"]
    assert "no installed provider is named 'ecoh' (installed: " in typo.stderr
    assert "did you mean echo?" in typo.stderr
    unknown = cli(*(a.format(name="zzzz") for a in argv))
    assert unknown.exit_code == EXIT_CODES["routing"]
    assert "pip install transhub-" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_languages_of_a_capability_the_provider_lacks(cli):
    result = cli("languages", "--provider", "parrot", "--capability", "ocr")
    assert result.exit_code == EXIT_CODES["routing"]
    assert "provider 'parrot' does not offer ocr (it offers " in result.stderr


def test_a_recorded_provider_is_not_logged_as_chosen_by_the_user(cli, echo, sample):
    """Each step of a job looks its provider up again: at -v only the routing
    decision is logged, once, not "chosen by --provider" for every step."""
    result = cli("-v", "doc", "translate", str(sample), "--to", "zh", "-o", str(sample.parent))
    assert result.exit_code == 0, result.stderr
    routed = [line for line in result.stderr.splitlines() if "routing document to" in line]
    assert len(routed) == 1, result.stderr
    assert "--provider" not in routed[0]


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


def test_a_dictionary_direction_no_provider_offers_names_what_they_offer(cli, echo):
    """A one-sided direction reads as one ("into xh"), and each provider's reason says
    what it offers instead (no "None" in the text)."""
    result = cli("dict", "word", "--to", "xh")
    assert result.exit_code == EXIT_CODES["input"], result.stderr
    assert "look words up into xh (" in result.stderr
    assert "None" not in result.stderr and " offers " in result.stderr


def test_a_page_count_no_provider_was_chosen_for_says_why(tmp_path):
    """`doc pages` where two installed providers count pages and none is chosen: a
    file the local count cannot do (a .docx without its page property) names the
    ambiguity, exit 5, instead of only "cannot estimate locally" (one line)."""
    import subprocess
    import sys
    import zipfile

    from transhub.testing import isolated_environment

    document = tmp_path / "bare.docx"
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    env = isolated_environment(tmp_path / "home", plugins="fanyigou,deepl")
    argv = [sys.executable, "-m", "transhub", "--sandbox", "doc", "pages", str(document)]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == EXIT_CODES["routing"], result.stderr
    error = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(error) == 1 and "cannot estimate the pages of a .docx file locally" in error[0]
    assert "several providers can serve document (deepl, fanyigou)" in error[0]
    chosen = subprocess.run([*argv, "--provider", "fanyigou"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)  # fmt: skip
    assert chosen.returncode == 0, chosen.stderr
