"""Routing with Fanyigou and DeepL both installed and configured: documents, texts
and glossaries go where the rules say, and -v says why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import transhub
from transhub.capabilities.document import DocumentOptions
from transhub.capabilities.text import TextOptions
from transhub.errors import EXIT_CODES, InputError, RoutingError
from transhub.glossaries import ensure_glossary


@pytest.fixture
def transhub_plugins() -> str | None:
    """Both providers (see the ``both`` fixture)."""
    return "fanyigou,deepl"


def _hub() -> transhub.Hub:
    return transhub.Hub()


def test_text_without_source_goes_to_the_provider_that_detects(
    both: dict[str, Any], transhub_cli: Callable
) -> None:
    result = transhub_cli("-v", "text", "Hello, world", "--to", "zh")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "[ZH-HANS] Hello, world"
    assert "skipping fanyigou (fanyigou cannot detect the source language here" in result.stderr
    assert "routing text to deepl" in result.stderr
    assert not both["fanyigou"].requests


def test_without_a_detecting_provider_the_error_says_pass_from(
    both: dict[str, Any], transhub_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSHUB_DEEPL_AUTH_KEY")
    result = transhub_cli("text", "Hello, world", "--to", "zh")
    # The request lacks a source language (exit 4), in the one provider's own words.
    assert result.exit_code == EXIT_CODES["input"]
    assert "give --from" in result.stderr
    assert transhub_cli("text", "Hello, world", "--from", "en", "--to", "zh").exit_code == 0


def test_routing_order_decides_between_two_that_fit(
    both: dict[str, Any], transhub_cli: Callable
) -> None:
    tied = transhub_cli("text", "Hello", "--from", "en", "--to", "zh")
    assert tied.exit_code == EXIT_CODES["routing"]
    assert "deepl, fanyigou" in tied.stderr and "routing.order" in tied.stderr
    first = transhub_cli(
        "-c", "routing.order=fanyigou,deepl", "-v", "text", "Hello", "--from", "en", "--to", "zh"
    )
    assert first.exit_code == 0, first.stderr
    assert "routing text to fanyigou (position 1 in routing.order; then deepl" in first.stderr
    assert transhub_cli("config", "set", "routing.order", "deepl,fanyigou").exit_code == 0
    second = transhub_cli("text", "Hello", "--from", "en", "--to", "zh")
    assert second.stdout.strip() == "[ZH-HANS] Hello"


def test_options_and_file_types_choose_the_provider(
    both: dict[str, Any], tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    hub = _hub()
    subtitles = tmp_path / "film.srt"
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n", encoding="utf-8")
    assert hub.prepare_document(subtitles, "de").provider == "deepl"  # only DeepL takes .srt
    wps = tmp_path / "memo.rtf"
    wps.write_text("{\\rtf1 Hello}", encoding="utf-8")
    assert hub.prepare_document(wps, "de").provider == "fanyigou"  # only Fanyigou takes .rtf
    notes = make_docx(tmp_path / "notes.docx")
    formal = DocumentOptions(formality="more")
    assert hub.prepare_document(notes, "de", options=formal).provider == "deepl"
    bilingual = DocumentOptions(bilingual=True)
    assert hub.prepare_document(notes, "de", options=bilingual).provider == "fanyigou"
    with pytest.raises(InputError, match="does not offer the option"):
        hub.prepare_document(notes, "de", options=DocumentOptions(bilingual=True, formality="more"))
    text = hub.translate_text(
        "Hello", "zh", source="en", options=TextOptions(formality="prefer_more")
    )
    assert text.text == "[ZH-HANS] Hello"


def test_a_named_provider_without_an_option_is_refused(both: dict[str, Any]) -> None:
    with pytest.raises(
        transhub.errors.InputError, match="fanyigou does not offer the option formality"
    ):
        _hub().translate_text(
            "Hello", "zh", source="en", provider="fanyigou", options=TextOptions(formality="more")
        )
    assert not both["fanyigou"].requests


def test_glossaries_go_to_the_provider_that_stores_them(
    both: dict[str, Any], tmp_path: Path
) -> None:
    terms = tmp_path / "terms.csv"
    terms.write_text("report,Bericht\n", encoding="utf-8")
    glossary_id = ensure_glossary(_hub(), None, terms, "en", "de")
    assert glossary_id
    with pytest.raises(RoutingError, match="'fanyigou'"):
        ensure_glossary(_hub(), "fanyigou", terms, "en", "de")
    used = _hub().translate_text(
        "the report", "de", source="en", options=TextOptions(glossary_id=glossary_id)
    )
    assert used.text == "[DE] the Bericht"


def test_a_glossary_file_routes_to_deepl_and_fanyigou_named_is_refused(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    terms = tmp_path / "terms.csv"
    terms.write_text("report,报告\n", encoding="utf-8")
    argv = ("text", "the report", "--from", "en", "--to", "zh")
    assert transhub_cli(*argv).exit_code == EXIT_CODES["routing"]  # two fit: a tie
    chosen = transhub_cli("-v", *argv, "--glossary", str(terms))
    assert chosen.exit_code == 0, chosen.stderr
    assert chosen.stdout.strip() == "[ZH-HANS] the 报告"
    assert "skipping fanyigou (takes no glossaries)" in chosen.stderr
    notes = make_docx(tmp_path / "notes.docx")
    assert _hub().prepare_document(notes, "zh", source="en", glossary=terms).provider == "deepl"
    assert not both["fanyigou"].requests
    sent = len(both["deepl"].requests)
    for named in (
        ("text", "the report"),
        ("doc", "translate", str(notes)),
    ):
        refused = transhub_cli(
            *named, "--from", "en", "--to", "zh", "--provider", "fanyigou", "--glossary", str(terms)
        )
        assert refused.exit_code == EXIT_CODES["input"], refused.stderr
        assert refused.stderr.strip().count("\n") == 0
        assert "--glossary: fanyigou takes no glossaries; providers that do: deepl" in (
            refused.stderr
        )
    assert not both["fanyigou"].requests
    assert len(both["deepl"].requests) == sent
