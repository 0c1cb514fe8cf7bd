"""``--glossary FILE`` on ``text`` and ``doc translate`` (and ``glossary=`` in the
API) against the DeepL emulator: the file is checked before anything is sent, the
provider's glossary is created once per content, and its content is part of the
reuse fingerprint."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import transhub
from transhub.errors import EXIT_CODES, InputError

from transhub_deepl.sandbox import TEST_AUTH_KEY


def _terms(tmp_path: Path, text: str = "report,Bericht\n", name: str = "terms.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_text_applies_the_glossary_created_once(
    service: Any, transhub_cli: Callable, tmp_path: Path
) -> None:
    terms = _terms(tmp_path, "report\tBericht\nsales\tUmsatz\n", "terms.tsv")
    argv = ("text", "the sales report", "--from", "en", "--to", "de", "--glossary", str(terms))
    first = transhub_cli(*argv)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == "[DE] the Umsatz Bericht"
    again = transhub_cli(*argv)
    assert again.stdout.strip() == "[DE] the Umsatz Bericht"
    assert service.count("glossary.create") == 1
    assert service.count("translate") == 2
    (glossary,) = service.emulator.glossaries.values()
    assert (glossary.source, glossary.target) == ("en", "de")


@pytest.mark.parametrize("command", ["text", "doc"])
def test_a_bad_line_is_refused_before_anything_is_sent(
    service: Any, transhub_cli: Callable, tmp_path: Path, command: str
) -> None:
    terms = _terms(tmp_path, "report,Bericht\nsales\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("the report\n", encoding="utf-8")
    argv = (("text", "the report") if command == "text" else ("doc", "translate", str(notes))) + (
        "--from",
        "en",
        "--to",
        "de",
        "--glossary",
        str(terms),
    )
    result = transhub_cli(*argv)
    assert result.exit_code == EXIT_CODES["input"]
    assert result.stderr.strip().count("\n") == 0
    assert f"{terms}: line 2: expected 2 comma-separated terms" in result.stderr
    assert len(service.app.log) == 0


def test_a_glossary_needs_the_source_language(
    service: Any, transhub_cli: Callable, tmp_path: Path
) -> None:
    terms = _terms(tmp_path)
    result = transhub_cli("text", "the report", "--to", "de", "--glossary", str(terms))
    assert result.exit_code == EXIT_CODES["input"]
    assert "pass --from" in result.stderr and str(terms) in result.stderr
    notes = tmp_path / "notes.txt"
    notes.write_text("the report\n", encoding="utf-8")
    doc = transhub_cli("doc", "translate", str(notes), "--to", "de", "--glossary", str(terms))
    assert doc.exit_code == EXIT_CODES["input"] and "pass --from" in doc.stderr
    assert len(service.app.log) == 0


def test_documents_reuse_by_glossary_content(
    instant: Any, transhub_cli: Callable, tmp_path: Path
) -> None:
    service = instant
    terms = _terms(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("the report\n", encoding="utf-8")
    output = tmp_path / "notes.de.txt"
    argv = ("doc", "translate", str(notes), "--from", "en", "--to", "de", "--jsonl")
    first = transhub_cli(*argv, "--glossary", str(terms))
    assert first.exit_code == 0, first.stderr
    assert output.read_text(encoding="utf-8") == "[DE] the Bericht\n"
    assert (service.count("document.upload"), service.count("glossary.create")) == (1, 1)

    # The same document and the same terms: reused, nothing uploaded or created.
    again = transhub_cli(*argv, "--glossary", str(terms))
    assert again.exit_code == 0, again.stderr
    assert (service.count("document.upload"), service.count("glossary.create")) == (1, 1)

    # Other terms are other work: a new glossary and a new translation.
    terms.write_text("report,Rapport\n", encoding="utf-8")
    changed = transhub_cli(*argv, "--glossary", str(terms), "--overwrite")
    assert changed.exit_code == 0, changed.stderr
    assert output.read_text(encoding="utf-8") == "[DE] the Rapport\n"
    assert (service.count("document.upload"), service.count("glossary.create")) == (2, 2)

    # Without a glossary it is other work again.
    plain = transhub_cli(*argv, "--overwrite")
    assert plain.exit_code == 0, plain.stderr
    assert output.read_text(encoding="utf-8") == "[DE] the report\n"
    assert service.count("document.upload") == 3

    # The journal records the glossary id each job sent (and no secret).
    jobs = list(transhub.Hub().journal.jobs())
    sent = {job.request.options.glossary_id for job in jobs if job.task_id}
    assert sent == {*service.emulator.glossaries, None}
    assert all(TEST_AUTH_KEY not in job.request.model_dump_json() for job in jobs)


def test_the_api_takes_glossary_with_its_real_signature(instant: Any, tmp_path: Path) -> None:
    terms = _terms(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("the report\n", encoding="utf-8")
    for function in (transhub.translate_document, transhub.translate_text):
        assert "glossary" in inspect.signature(function).parameters
    hub = transhub.Hub()
    plan = hub.prepare_document(notes, "de", source="en", glossary=terms)
    assert plan.request.options.glossary_id in instant.emulator.glossaries
    assert plan.request.glossary_digest is not None
    result = transhub.translate_document(notes, "de", source="en", glossary=terms)
    assert result.output.read_text(encoding="utf-8") == "[DE] the Bericht\n"
    text = transhub.translate_text("the report", "de", source="en", glossary=terms)
    assert text.text == "[DE] the Bericht"
    assert instant.count("glossary.create") == 1
    with pytest.raises(InputError, match="pass --from"):
        hub.translate_text("the report", "de", glossary=terms)
