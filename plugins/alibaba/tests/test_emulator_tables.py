"""The emulator is an independent witness: it keeps its own copy of the published facts
(``emulator/facts.py``) and never imports the client's tables.  These tests compare the
two copies row by row; a failure names the row, and one of the two sides is wrong
against ``provider-docs/alibaba-image-batch.md``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from transhub.testing.witness import client_imports, rows, same

import transhub_alibaba
from transhub_alibaba import answers, client, codes, languages, translator
from transhub_alibaba.emulator import facts
from transhub_alibaba.translator import AlibabaImageTranslator

EMULATOR = Path(transhub_alibaba.__file__).parent / "emulator"
#: What the emulator may share with the client: the signature code (checked against the
#: vendor's test vector; the vendor's SDK is tested against the emulator) and the
#: sandbox's public test credentials.
SHARED = ("transhub_alibaba.signing", "transhub_alibaba.sandbox")


def test_the_emulator_imports_no_client_table() -> None:
    assert client_imports(EMULATOR, "transhub_alibaba", SHARED) == []


def test_loading_the_emulator_loads_no_client_table() -> None:
    tables = ["client", "codes", "languages", "answers", "translator"]
    probe = (
        "import sys, transhub_alibaba.emulator; "
        f"print([m for m in {tables!r} if 'transhub_alibaba.' + m in sys.modules])"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == "[]"


def test_protocol_facts() -> None:
    mine = {
        "API version": facts.API_VERSION,
        "submit action": facts.SUBMIT,
        "poll action": facts.POLL,
        "URLs per task": facts.MAX_URLS,
        "URLs per task (declared)": facts.MAX_URLS,
        "CustomTaskId window": facts.DEDUPE_SECONDS,
        "CustomTaskId window (declared)": facts.DEDUPE_SECONDS,
        "result kept": facts.RESULT_TTL,
        "result kept (declared)": facts.RESULT_TTL,
        "fields": facts.FIELDS,
        "fields (declared)": facts.FIELDS,
        "statuses": frozenset(facts.STATUSES),
    }
    theirs = {
        "API version": client.API_VERSION,
        "submit action": client.SUBMIT,
        "poll action": client.POLL,
        "URLs per task": translator.MAX_URLS,
        "URLs per task (declared)": AlibabaImageTranslator.max_per_task,
        "CustomTaskId window": client.DEDUPE_WINDOW,
        "CustomTaskId window (declared)": AlibabaImageTranslator.idempotency_window,
        "result kept": client.RESULT_TTL,
        "result kept (declared)": AlibabaImageTranslator.result_ttl,
        "fields": translator.FIELDS,
        "fields (declared)": AlibabaImageTranslator.fields,
        "statuses": answers.STATUSES,
    }
    same("fact", mine, theirs)


def test_business_codes() -> None:
    mine = {number: name for number, (name, _) in facts.BUSINESS_ERRORS.items()}
    theirs = {number: name for number, (name, _) in codes.BUSINESS.items()}
    same("business code", mine, theirs)


def test_published_gateway_codes_are_known_to_the_client() -> None:
    known = {code: codes._gateway_rule(code) is not None for code in facts.GATEWAY_ERRORS}
    same("gateway code", rows(facts.GATEWAY_ERRORS), known)


def test_the_retry_after_header_and_its_unit() -> None:
    theirs = {header.name.lower(): header.unit for header in client.RETRY_AFTER_HEADERS}
    same("retry-after header", {facts.RETRY_AFTER_HEADER: 0.001}, theirs)


def test_language_codes() -> None:
    mine = rows((*facts.CHINESE, *facts.LISTED))
    same("language", mine, rows(languages.CODES.values()))


def test_language_pairs() -> None:
    theirs = {(languages.CODES[s], languages.CODES[t]) for s, t in languages.PAIRS}
    same("pair", rows(facts.PAIRS), rows(theirs))
