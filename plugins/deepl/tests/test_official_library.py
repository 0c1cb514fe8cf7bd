"""The official ``deepl`` Python library (PyPI) against the emulator: the client
DeepL's users run must work unchanged against ``transhub sandbox serve``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import deepl
import pytest
from transhub.emulation import Fault

from transhub_deepl.sandbox import TEST_AUTH_KEY


@pytest.fixture
def translator(instant: Any) -> deepl.Translator:
    """The library's client, pointed at the emulator with the sandbox's test key."""
    return deepl.Translator(TEST_AUTH_KEY, server_url=instant.url)


def test_translate_text_one_and_many(translator: deepl.Translator, instant: Any) -> None:
    one = translator.translate_text("Hello, world", target_lang="DE")
    assert one.text == "[DE] Hello, world"
    assert one.detected_source_lang == "EN"
    assert one.billed_characters == len("Hello, world")
    many = translator.translate_text(["Guten Tag", "你好"], target_lang="EN-GB")
    assert [r.text for r in many] == ["[EN-GB] Guten Tag", "[EN-GB] 你好"]
    assert many[1].detected_source_lang == "ZH"
    assert instant.count("translate") == 2  # one request for the batch


def test_formality_and_tag_handling(translator: deepl.Translator) -> None:
    formal = translator.translate_text("How are you?", target_lang="DE", formality="more")
    assert formal.text == "[DE] How are you?"
    html = translator.translate_text("<p>Hello</p>", target_lang="FR", tag_handling="html")
    assert html.text == "<p>[FR] Hello</p>"
    with pytest.raises(deepl.DeepLException, match="formality"):
        translator.translate_text("Hi", target_lang="EN-US", formality="more")


def test_document_through_to_download(
    translator: deepl.Translator, instant: Any, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    source = make_docx(tmp_path / "report.docx", "Quarterly report")
    output = tmp_path / "report.de.docx"
    status = translator.translate_document_from_filepath(source, output, target_lang="DE")
    assert status.done and status.billed_characters == 50_000  # the docx minimum
    assert b"[DE] Quarterly report" in _document_xml(output)
    # DeepL deletes the result once downloaded: it is gone from the service.
    assert instant.emulator.documents == {}
    assert instant.count("document.upload") == 1


def test_document_upload_status_download_step_by_step(service: Any, tmp_path: Path) -> None:
    translator = deepl.Translator(TEST_AUTH_KEY, server_url=service.url)
    source = tmp_path / "notes.txt"
    source.write_text("first line\nsecond line\n", encoding="utf-8")
    with source.open("rb") as upload:
        handle = translator.translate_document_upload(upload, target_lang="FR")
    assert translator.translate_document_get_status(handle).status.value == "queued"
    service.clock.advance(5)
    middle = translator.translate_document_get_status(handle)
    assert middle.status.value == "translating" and middle.seconds_remaining is not None
    service.clock.advance(10)
    assert translator.translate_document_get_status(handle).done
    with (tmp_path / "notes.fr.txt").open("wb") as out:
        translator.translate_document_download(handle, out)
    assert (tmp_path / "notes.fr.txt").read_text(encoding="utf-8").startswith("[FR] first line")
    with pytest.raises(deepl.DeepLException, match="Not found"):
        translator.translate_document_get_status(handle)


def test_glossaries_create_list_get_entries_delete(translator: deepl.Translator) -> None:
    pairs = translator.get_glossary_languages()
    assert any(p.source_lang == "en" and p.target_lang == "de" for p in pairs)
    created = translator.create_glossary(
        "terms", source_lang="EN", target_lang="DE", entries={"report": "Bericht", "world": "Welt"}
    )
    assert created.ready and created.entry_count == 2 and created.source_lang == "EN"
    from_csv = translator.create_glossary_from_csv(
        "csv terms", source_lang="EN", target_lang="FR", csv_data="hello,bonjour\n"
    )
    assert from_csv.entry_count == 1
    listed = {g.glossary_id for g in translator.list_glossaries()}
    assert listed == {created.glossary_id, from_csv.glossary_id}
    assert translator.get_glossary(created.glossary_id).name == "terms"
    assert translator.get_glossary_entries(created) == {"report": "Bericht", "world": "Welt"}
    used = translator.translate_text(
        "Hello world", source_lang="EN", target_lang="DE", glossary=created
    )
    assert used.text == "[DE] Hello Welt"
    translator.delete_glossary(created)
    with pytest.raises(deepl.GlossaryNotFoundException):
        translator.get_glossary(created.glossary_id)


def test_usage_and_languages(translator: deepl.Translator, instant: Any) -> None:
    instant.emulator.options.document_limit = 10
    translator.translate_text("abcde", target_lang="DE")
    usage = translator.get_usage()
    assert usage.character.count == 5 and usage.character.limit == 500_000
    assert usage.document.valid and usage.document.limit == 10
    sources = {lang.code for lang in translator.get_source_languages()}
    targets = {lang.code: lang for lang in translator.get_target_languages()}
    assert {"EN", "DE", "ZH", "PT"} <= sources
    assert {"EN-GB", "EN-US", "PT-PT", "PT-BR", "ZH-HANS", "ZH-HANT"} <= set(targets)
    assert targets["DE"].supports_formality and not targets["EN-US"].supports_formality


def test_429_is_retried(translator: deepl.Translator, instant: Any) -> None:
    instant.app.faults.queue(Fault.THROTTLE, action="translate")
    assert translator.translate_text("again", target_lang="DE").text == "[DE] again"
    # The throttled request never reached the service; the retry did.
    assert instant.count("translate") == 1
    assert instant.app.faults.pending() == 0


def test_456_raises_quota_exceeded(translator: deepl.Translator, instant: Any) -> None:
    instant.emulator.options.character_limit = 10
    with pytest.raises(deepl.QuotaExceededException):
        translator.translate_text("more than ten characters", target_lang="DE")


def test_wrong_key_is_an_authorization_failure(instant: Any) -> None:
    wrong = deepl.Translator("not-the-key:fx", server_url=instant.url)
    with pytest.raises(deepl.AuthorizationException):
        wrong.get_usage()


def _document_xml(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")
