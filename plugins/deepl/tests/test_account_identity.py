"""DeepL's account identity (issue 15): DeepL has no public account id, so the plugin
names an account by its plan and a keyed digest of its key.  Two keys are two
accounts — each with its own channels in the journal — and the key never appears in
the journal."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from transhub.paths import data_dir

from transhub_deepl.provider import DEEPL
from transhub_deepl.sandbox import TEST_AUTH_KEY
from transhub_deepl.settings import DeepLSettings

PRO_KEY = "6f1d2c3b-4a59-4e6f-8a7b-0c1d2e3f4a5b"
OTHER_FREE_KEY = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d:fx"


def identity(key: str, endpoint: str | None = None) -> str:
    assert DEEPL.account is not None, "DeepL declares no account identity"
    return DEEPL.account(DeepLSettings(auth_key=key, endpoint=endpoint))


def test_two_keys_are_two_accounts_and_a_key_is_one() -> None:
    names = {identity(k) for k in (TEST_AUTH_KEY, OTHER_FREE_KEY, PRO_KEY)}
    assert len(names) == 3
    assert identity(PRO_KEY) == identity(PRO_KEY)  # every machine names it alike
    assert identity(f"  {PRO_KEY} ") == identity(PRO_KEY)  # stray whitespace is no account
    assert identity(TEST_AUTH_KEY).startswith("free:")
    assert identity(PRO_KEY).startswith("pro:")
    # The same key at another endpoint (the emulator) is another account.
    assert identity(PRO_KEY, "http://127.0.0.1:9") != identity(PRO_KEY)
    for key in (TEST_AUTH_KEY, OTHER_FREE_KEY, PRO_KEY):
        name = identity(key)
        assert key not in name
        assert key.removesuffix(":fx").split("-")[0] not in name  # not even a part


def journal_files() -> list[Path]:
    return sorted(data_dir().glob("jobs.db*"))


def test_documents_of_two_keys_hold_two_accounts_channels_and_no_key(
    instant: Any,
    transhub_cli: Callable[..., Any],
    make_docx: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instant.emulator.options.keys = frozenset({TEST_AUTH_KEY, PRO_KEY})
    for n, key in enumerate((TEST_AUTH_KEY, PRO_KEY)):
        monkeypatch.setenv("TRANSHUB_DEEPL_AUTH_KEY", key)
        source = make_docx(tmp_path / f"report-{n}.docx", f"Quarterly report {n}")
        result = transhub_cli("doc", "translate", str(source), "--to", "de")
        assert result.exit_code == 0, result.stderr
    assert instant.count("document.upload") == 2
    files = journal_files()
    assert files, f"no journal in {data_dir()}"
    with sqlite3.connect(files[0]) as db:
        accounts = {
            row[0]
            for row in db.execute("SELECT account FROM channels WHERE provider = ?", ("deepl",))
        }
    assert len(accounts) == 2, accounts
    for path in files:
        content = path.read_bytes()
        for key in (TEST_AUTH_KEY, PRO_KEY):
            assert key.encode() not in content, f"the key is in {path.name}"
            assert key.encode("utf-16-le") not in content
