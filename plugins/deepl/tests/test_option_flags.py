"""The CLI's --formality, --output-format, --tag-handling and --preserve-formatting
against the DeepL and Fanyigou emulators: each reaches DeepL as its parameter, a
provider without the option is skipped by the router (or refused with --provider,
nothing sent), formality is part of the reuse fingerprint, and one --glossary for a
batch is looked up once per run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from transhub.errors import EXIT_CODES


@pytest.fixture
def transhub_plugins() -> str | None:
    """Both providers (see the ``both`` fixture)."""
    return "fanyigou,deepl"


def _uploads(both: dict[str, Any]) -> list[dict[str, str]]:
    return [r.fields for r in both["deepl"].log.records("document.upload")]


def test_formality_reaches_deepl_and_is_part_of_the_fingerprint(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    argv = ("-v", "doc", "translate", str(notes), "--to", "de", "-o", str(tmp_path), "--overwrite")
    first = transhub_cli(*argv, "--formality", "more")
    assert first.exit_code == 0, first.stderr
    # Fanyigou has no formality: the router skips it (no routing.order needed).
    assert "skipping fanyigou (does not offer the option formality)" in first.stderr
    assert [u.get("formality") for u in _uploads(both)] == ["more"]
    assert transhub_cli(*argv, "--formality", "more").exit_code == 0  # reused
    assert len(_uploads(both)) == 1
    assert transhub_cli(*argv, "--formality", "less").exit_code == 0  # other work
    assert [u.get("formality") for u in _uploads(both)] == ["more", "less"]
    # "default" asks for nothing: the same work as no --formality at all.
    plain = transhub_cli(*argv, "--formality", "default", "--provider", "deepl")
    assert plain.exit_code == 0, plain.stderr
    assert transhub_cli(*argv, "--provider", "deepl").exit_code == 0
    assert [u.get("formality") for u in _uploads(both)] == ["more", "less", None]
    assert not both["fanyigou"].requests


def test_an_option_a_named_provider_lacks_is_refused_before_sending(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    refused = transhub_cli(
        "doc", "translate", str(notes), "--to", "de", "--formality", "less",
        "--provider", "fanyigou",
    )  # fmt: skip
    assert refused.exit_code == EXIT_CODES["input"]
    assert "fanyigou does not offer the option formality" in refused.stderr
    bad = transhub_cli("doc", "translate", str(notes), "--to", "de", "--formality", "polite")
    assert bad.exit_code == EXIT_CODES["usage"]
    assert "'polite' is not one of" in bad.stderr
    # DeepL converts a PDF to docx, nothing else: a docx as PDF fits no provider.
    unfit = transhub_cli("doc", "translate", str(notes), "--to", "de", "--output-format", "pdf")
    assert unfit.exit_code == EXIT_CODES["input"]
    assert "cannot deliver a .docx document as .pdf" in unfit.stderr
    named = transhub_cli(
        "doc", "translate", str(notes), "--to", "de", "--output-format", "pdf",
        "--provider", "deepl",
    )  # fmt: skip
    assert named.exit_code == EXIT_CODES["input"]
    assert "deepl cannot deliver a .docx document as .pdf (it converts .docx to: nothing)" in (
        named.stderr
    )
    text = transhub_cli(
        "text", "Hello", "--from", "en", "--to", "zh", "--tag-handling", "xml",
        "--provider", "fanyigou",
    )  # fmt: skip
    assert text.exit_code == EXIT_CODES["input"]
    assert "fanyigou does not offer the option tag-handling" in text.stderr
    assert not both["fanyigou"].requests and not both["deepl"].requests


def test_text_flags_reach_deepl(both: dict[str, Any], transhub_cli: Callable) -> None:
    tagged = transhub_cli(
        "-v", "text", "<p>Hello</p>", "--from", "en", "--to", "zh", "--tag-handling", "html",
        "--preserve-formatting", "--formality", "prefer_less", "--json",
    )  # fmt: skip
    assert tagged.exit_code == 0, tagged.stderr
    assert "skipping fanyigou (does not offer the option" in tagged.stderr
    assert tagged.stderr.count("skipping fanyigou") == 1  # said once
    assert json.loads(tagged.stdout)["text"] == "<p>[ZH-HANS] Hello</p>"
    [sent] = [r.fields for r in both["deepl"].log.records("translate")]
    assert (sent["formality"], sent["tag_handling"]) == ("prefer_less", "html")
    assert not both["fanyigou"].requests
    assert both["deepl"].requests.count("POST /v2/translate") == 1


def test_one_glossary_for_a_batch_is_looked_up_once_per_run(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path
) -> None:
    terms = tmp_path / "terms.csv"
    terms.write_text("report,Bericht\n", encoding="utf-8")
    inputs = []
    for n in range(3):
        path = tmp_path / f"part{n}.txt"
        path.write_text(f"the report {n}\n", encoding="utf-8")
        inputs.append(str(path))
    argv = ("doc", "translate", *inputs, "--from", "en", "--to", "de", "--glossary", str(terms))
    out = tmp_path / "out"
    first = transhub_cli(*argv, "-o", str(out))
    assert first.exit_code == 0, first.stderr
    log = both["deepl"].log
    looked_up = ("glossary.get", "glossary.list", "glossary.entries")
    assert log.count("glossary.create") == 1
    assert sum(log.count(a) for a in looked_up) == 1  # the list before the one create
    assert (out / "part2.de.txt").read_text(encoding="utf-8") == "[DE] the Bericht 2\n"
    # A new run (a new process would be the same) looks the recorded glossary up once.
    second = transhub_cli(*argv, "-o", str(tmp_path / "again"), "--force")
    assert second.exit_code == 0, second.stderr
    assert log.count("glossary.create") == 1
    assert sum(log.count(a) for a in looked_up) == 2
    assert log.count("document.upload") == 6
