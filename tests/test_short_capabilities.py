"""OCR, dictionary, text, account, languages."""

from __future__ import annotations

import json

from transhub.errors import EXIT_CODES
from transhub.testing import make_image


def test_ocr_prints_lines_and_boxes(cli, echo, tmp_path):
    image = make_image(tmp_path / "scan.png", 100, 40)
    result = cli("ocr", str(image), "--provider", "echo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "hello"
    data = json.loads(cli("ocr", str(image), "--provider", "echo", "--json").stdout)
    assert data["lines"][0]["box"] == {"left": 1, "top": 2, "width": 3, "height": 4}


def test_dictionary_entry_and_not_found(cli, echo):
    result = cli("dict", "hello", "--provider", "echo")
    assert result.exit_code == 0, result.stderr
    assert "UK /həˈləʊ/" in result.stdout and "int. 你好" in result.stdout
    data = json.loads(cli("dict", "hello", "--provider", "echo", "--json").stdout)
    assert data["meanings"][0]["definitions"] == ["你好"]
    missing = cli("dict", "qwzx", "--provider", "echo")
    assert missing.exit_code == EXIT_CODES["not-found"]
    assert "no entry for 'qwzx'" in missing.stderr


def test_text_from_standard_input(cli, echo):
    result = cli("text", "-", "--to", "zh", "--provider", "echo", input="line one\n")
    assert result.stdout.strip() == "[zh] line one"
    as_json = json.loads(cli("text", "hi", "--to", "zh-TW", "--provider", "echo", "--json").stdout)
    assert as_json["target"] == "zh-Hant"


def test_account(cli, echo):
    result = cli("account", "--provider", "echo", "--json")
    assert json.loads(result.stdout) == [
        {"provider": "echo", "resource": "document", "balance": 100, "unit": "pages"},
        {"provider": "echo", "resource": "text", "balance": 100, "unit": "characters"},
    ]
    one = cli("account", "--resource", "text")
    assert one.lines[2].split() == ["echo", "text", "100", "characters"]
    bad = cli("account", "--resource", "gold")
    assert bad.exit_code == EXIT_CODES["input"] and "resources: document, text" in bad.stderr


def test_wrong_token_is_an_authentication_error(cli, echo, monkeypatch):
    monkeypatch.setenv("TRANSHUB_ECHO_TOKEN", "wrong")
    result = cli("account")
    assert result.exit_code == EXIT_CODES["authentication"]
    assert "TRANSHUB_ECHO_TOKEN" in result.stderr and "wrong" not in result.stderr


def test_languages_lists_codes_and_provider_codes(cli):
    result = cli("languages", "--provider", "parrot", "--capability", "text", "--json")
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {
        "provider",
        "capability",
        "code",
        "name",
        "provider_code",
        "source",
        "target",
    }
    assert {(r["code"], r["source"], r["target"]) for r in rows} == {
        ("en", True, False),
        ("fr", False, True),
    }
    table = cli("languages", "--provider", "echo", "--capability", "text")
    assert "zh-Hant" in table.stdout and "zh-tw" in table.stdout
    unknown = cli("languages", "--provider", "nobody")
    assert unknown.exit_code == EXIT_CODES["routing"]


def test_provider_codes_and_aliases_are_accepted(cli, echo):
    for code in ("zh-CN", "cn", "ZH"):
        assert cli("text", "x", "--to", code, "--provider", "echo").stdout.strip() == "[zh] x"
    assert cli("text", "x", "--to", "jp", "--provider", "echo").stdout.strip() == "[ja] x"
