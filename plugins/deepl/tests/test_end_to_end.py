"""DeepL through the real CLI and the Python API, against the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import transhub
from transhub.capabilities.document import DocumentOptions
from transhub.capabilities.text import TextOptions
from transhub.errors import EXIT_CODES, InputError


def test_text_detects_the_source_and_says_so(service: Any, transhub_cli: Callable) -> None:
    result = transhub_cli("text", "Hello, world", "--to", "de")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "[DE] Hello, world"
    shown = transhub_cli("text", "Hallo Welt, schöne Grüße", "--to", "en-GB", "--json")
    assert json.loads(shown.stdout) == {
        "text": "[EN-GB] Hallo Welt, schöne Grüße",
        "source": "de",
        "target": "en-GB",
        "billed_characters": len("Hallo Welt, schöne Grüße"),
    }
    assert service.count("translate") == 2


def test_plain_english_target_is_sent_as_american(service: Any) -> None:
    result = transhub.Hub().translate_text("Hallo", "en", source="de")
    assert result.text == "[EN-US] Hallo"
    sent = service.app.log.records("translate")[-1].fields
    assert (sent["source_lang"], sent["target_lang"]) == ("DE", "EN-US")


def test_text_options_reach_deepl_and_are_checked_first(service: Any) -> None:
    hub = transhub.Hub()
    html = hub.translate_text("<p>Hi</p>", "fr", options=TextOptions(tag_handling="html"))
    assert html.text == "<p>[FR] Hi</p>"
    before = service.count("translate")
    try:
        hub.translate_text("Hi", "en-US", options=TextOptions(formality="more"))
    except InputError as exc:
        assert "prefer_more" in str(exc)
    else:
        raise AssertionError("formality for EN-US was accepted")
    assert service.count("translate") == before  # refused before sending


def test_document_end_to_end_and_billed_characters(
    service: Any, transhub_cli: Callable, make_docx: Callable[..., Path], tmp_path: Path
) -> None:
    service.emulator.options.task_seconds = 0.0
    source = make_docx(tmp_path / "report.docx", "Quarterly report")
    result = transhub_cli("doc", "translate", str(source), "--to", "de", "--json")
    assert result.exit_code == 0, result.stderr
    output = tmp_path / "report.de.docx"
    assert output.exists()
    assert service.count("document.upload") == 1
    assert service.count("document.result") == 1
    # Downloaded once: DeepL has deleted it.
    assert service.emulator.documents == {}


def test_document_waits_through_queued_and_translating(service: Any, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("one\ntwo\n", encoding="utf-8")
    hub = transhub.Hub()
    translator = hub.instance(hub.prepare_document(notes, "fr").implementation)
    task_id = translator.submit(
        transhub.capabilities.document.DocumentRequest(path=notes, target="fr")
    )
    assert translator.status(task_id).state.value == "queued"
    service.clock.advance(5)
    running = translator.status(task_id)
    assert running.state.value == "running" and running.seconds_remaining
    service.clock.advance(6)
    done = translator.status(task_id)
    assert done.state.value == "done" and done.billed_characters == len("one\ntwo\n")


def test_a_second_download_is_expired_with_the_reason(service: Any, tmp_path: Path) -> None:
    from transhub.capabilities.document import DocumentRequest, OutputKind
    from transhub.errors import ResultExpiredError

    service.emulator.options.task_seconds = 0.0
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    hub = transhub.Hub()
    translator = hub.instance(hub.prepare_document(notes, "fr").implementation)
    task_id = translator.submit(DocumentRequest(path=notes, target="fr"))
    translator.tasks.submitted(task_id)  # as the runner records every submit
    translator.download(task_id, tmp_path / "first.txt", OutputKind.SAME)
    try:
        translator.download(task_id, tmp_path / "second.txt", OutputKind.SAME)
    except ResultExpiredError as exc:
        assert "deletes a translated document once it has been downloaded" in str(exc)
        assert exc.exit_code == EXIT_CODES["result-expired"]
    else:
        raise AssertionError("a released result was downloaded twice")
    assert not (tmp_path / "second.txt").exists()
    # And the document is expired, not unknown, for its status.
    assert translator.status(task_id).state.value == "expired"


def test_output_format_and_options_checked_before_upload(service: Any, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    hub = transhub.Hub()
    for options, said in (
        (DocumentOptions(output_format="pdf"), "cannot deliver a .txt document as .pdf"),
        (DocumentOptions(formality="loud"), "unknown formality"),
        (DocumentOptions(glossary_id="g"), "needs the source language"),
    ):
        try:
            hub.translate_document(notes, "de", options=options)
        except InputError as exc:
            assert said in str(exc)
        else:
            raise AssertionError(f"{options} was accepted")
    assert service.count("document.upload") == 0


def test_free_plan_limit_per_format_refused_before_sending(service: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 1_000_001)  # .txt: 1 MB on every plan
    try:
        transhub.Hub().translate_document(big, "de")
    except InputError as exc:
        assert "1000000 bytes" in str(exc)
    else:
        raise AssertionError("an oversized .txt was accepted")
    assert service.count("document.upload") == 0


def test_page_estimate_shows_the_billed_minimum(
    service: Any, make_docx: Callable[..., Path], tmp_path: Path
) -> None:
    docx = make_docx(tmp_path / "short.docx", "tiny")
    count = transhub.Hub().count_pages(docx, provider="deepl")
    assert count.characters == 50_000 and not count.exact
    notes = tmp_path / "notes.txt"
    notes.write_text("x" * 120, encoding="utf-8")
    assert transhub.Hub().count_pages(notes, provider="deepl").characters == 120
    assert len(service.app.log) == 0  # estimated locally: nothing sent


def test_account_reports_characters_and_documents(service: Any, transhub_cli: Callable) -> None:
    transhub.Hub().translate_text("abcdef", "de")
    result = transhub_cli("account", "--provider", "deepl", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    left = {"provider": "deepl", "resource": "text", "balance": 500_000 - 6, "unit": "characters"}
    assert left in rows
    service.emulator.options.document_limit = 20
    documents = transhub.Hub().account_balance("document", provider="deepl")[0]
    assert (documents.balance, documents.unit) == (20, "documents")


def test_languages_listing_and_refresh_cache(
    service: Any, transhub_cli: Callable, transhub_home: Path
) -> None:
    result = transhub_cli("languages", "--provider", "deepl", "--capability", "text", "--json")
    rows = {r["code"]: r for r in json.loads(result.stdout)}
    # A variant as a source is sent as its language (EN): accepted both ways.
    assert rows["en-GB"]["provider_code"] == "EN-GB" and rows["en-GB"]["source"] is True
    assert rows["zh-Hant"]["target"] and rows["zh"]["provider_code"] == "ZH-HANS"
    assert len(service.app.log) == 0  # the published lists: nothing asked
    refreshed = transhub_cli("languages", "--refresh", "--provider", "deepl", "--json")
    assert refreshed.exit_code == 0, refreshed.stderr
    assert service.count("languages") == 2  # source and target, once for the provider
    cache = next(transhub_home.rglob("languages.json"))
    data = json.loads(cache.read_text(encoding="utf-8"))
    # What the account's answer holds is what the plugin declares from now on.
    data["target"] = [t for t in data["target"] if t["language"] != "ZH-HANT"]
    cache.write_text(json.dumps(data), encoding="utf-8")
    again = transhub_cli("languages", "--provider", "deepl", "--capability", "text", "--jsonl")
    assert "zh-Hant" not in {json.loads(line)["code"] for line in again.lines if line}


def test_sandbox_mode_runs_every_command(transhub_cli: Callable, tmp_path: Path) -> None:
    text = transhub_cli("--sandbox", "text", "Hello, world", "--to", "de")
    assert text.exit_code == 0 and text.stdout.strip() == "[DE] Hello, world", text.stderr
    notes = tmp_path / "report.txt"
    notes.write_text("Hello\n", encoding="utf-8")
    doc = transhub_cli("--sandbox", "doc", "translate", str(notes), "--to", "de")
    assert doc.exit_code == 0, doc.stderr
    assert (tmp_path / "report.de.txt").read_text(encoding="utf-8") == "[DE] Hello\n"
    account = transhub_cli("--sandbox", "account", "--provider", "deepl")
    assert account.exit_code == 0 and "characters" in account.stdout
    languages = transhub_cli("--sandbox", "languages", "--provider", "deepl")
    assert languages.exit_code == 0 and "EN-GB" in languages.stdout
    terms = tmp_path / "terms.csv"
    terms.write_text("Hello,Hallo\n", encoding="utf-8")
    glossary = transhub_cli(
        "--sandbox", "glossary", "create", str(terms), "--from", "en", "--to", "de"
    )
    assert glossary.exit_code == 0 and glossary.stdout.strip(), glossary.stderr


def test_an_interrupted_download_after_release_is_reported_precisely(
    service: Any, transhub_cli: Callable, tmp_path: Path
) -> None:
    from transhub.emulation import Fault

    service.emulator.options.task_seconds = 0.0
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    service.app.faults.queue(Fault.DROP_AFTER, action="document.result")
    result = transhub_cli("doc", "translate", str(notes), "--to", "de")
    assert result.exit_code == EXIT_CODES["result-expired"]
    assert "after an interrupted download" in result.stderr
    assert "translate the document anew (it is billed again)" in result.stderr
    assert not (tmp_path / "notes.de.txt").exists()
    job_id = json.loads(transhub_cli("jobs", "list", "--json").stdout)[0]["job_id"]
    resumed = transhub_cli("jobs", "resume", job_id)
    assert f"{job_id}: cannot be recovered" in resumed.stderr
    assert "it is billed again" in resumed.stderr
    assert service.count("document.upload") == 1  # nothing was sent again


def test_a_converted_result_is_named_after_its_format(service: Any, tmp_path: Path) -> None:
    service.emulator.options.task_seconds = 0.0
    legacy = tmp_path / "memo.doc"  # an OLE compound file, as Word 97-2003 writes
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    hub = transhub.Hub()
    assert hub.prepare_document(legacy, "de").destination.name == "memo.de.docx"
    pdf = transhub.testing.make_pdf(tmp_path / "scan.pdf")
    destination = hub.prepare_document(
        pdf, "de", options=DocumentOptions(output_format="docx")
    ).destination
    assert destination.name == "scan.de.docx"
    result = hub.translate_document(pdf, "de", options=DocumentOptions(output_format="docx"))
    assert result.output.name == "scan.de.docx"
    import zipfile

    assert zipfile.is_zipfile(result.output)  # a .docx indeed
    assert service.app.log.records("document.upload")[-1].fields["output_format"] == "docx"


def test_doc_pages_shows_the_billed_characters(
    service: Any, transhub_cli: Callable, make_docx: Callable[..., Path], tmp_path: Path
) -> None:
    docx = make_docx(tmp_path / "short.docx", "tiny")
    result = transhub_cli("doc", "pages", str(docx), "--provider", "deepl", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["billed_characters"] == 50_000
    shown = transhub_cli("doc", "pages", str(docx), "--provider", "deepl")
    assert "billed_characters" in shown.stdout and "50000" in shown.stdout
    assert len(service.app.log) == 0


def test_confirm_shows_billed_characters_and_refuses_past_the_allowance(
    service: Any, transhub_cli: Callable, make_docx: Callable[..., Path], tmp_path: Path
) -> None:
    docx = make_docx(tmp_path / "short.docx", "tiny")
    shown = transhub_cli("doc", "translate", str(docx), "--to", "de", "--confirm", input="n\n")
    assert "deepl: estimate 1 page, 50000 billed characters; balance 500000 characters" in (
        shown.stderr
    )
    assert service.count("document.upload") == 0
    service.emulator.options.character_limit = 40_000
    refused = transhub_cli("doc", "translate", str(docx), "--to", "de", "--max-pages", "10")
    assert refused.exit_code == EXIT_CODES["quota"]
    assert "needs about 50000 characters but the balance is 40000 characters" in refused.stderr
    assert service.count("document.upload") == 0
