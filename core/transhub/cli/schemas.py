"""The shape of each command's ``--json`` output, as pydantic models.

The commands themselves print plain dicts or the Python API's models (listing
providers must not import pydantic); these models describe what they print, so the
documentation shows a JSON schema per command (generated from them) and the test
suite validates real output against them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from transhub.capabilities.account import Balance
from transhub.capabilities.dictionary import DictionaryEntry
from transhub.capabilities.ocr import OcrResult
from transhub.capabilities.text import TextResult


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderRecord(_Record):
    """One provider (``transhub providers``); a plugin that failed to load is listed
    with ``broken`` true and its ``error``."""

    name: str
    title: str
    plugin: str
    version: str | None
    capabilities: list[str]
    configured: bool
    missing: list[str] = Field(description="Unset required settings, as variable names.")
    broken: bool
    error: str | None


class FindingRecord(_Record):
    """One check of ``transhub providers --doctor``."""

    subject: str
    check: str
    ok: bool
    detail: str


class LanguageRecord(_Record):
    """One language code of one provider's capability (``transhub languages``)."""

    provider: str
    capability: str
    code: str = Field(description="The canonical code (BCP 47 style) --from and --to take.")
    name: str
    provider_code: str = Field(description="The provider's own code for it.")
    source: bool
    target: bool


class PageRecord(_Record):
    """The page estimate of one document (``transhub doc pages``)."""

    input: Path = Field(description="Absolute path.")
    pages: int
    exact: bool = Field(description="False when the count is a local estimate.")
    billed_characters: int | None = Field(
        description="Characters billed, minimums included, for providers that bill them "
        "(DeepL); null for the others."
    )


class SettingRecord(_Record):
    """One setting (``transhub config get KEY``)."""

    key: str
    value: Any = Field(description="The value in force (secrets masked), null when unset.")
    origin: str = Field(description="default, file, env <VARIABLE> or -c.")


class EmulatorRecord(_Record):
    """One running emulator (``transhub sandbox serve --json``)."""

    provider: str
    description: str
    url: str
    environment: dict[str, str] = Field(
        description="The variables that point a client at it (test credentials included)."
    )


class ErrorBody(_Record):
    """What went wrong."""

    code: str = Field(description="The class of problem: the exit code's name (input, ...).")
    exit_code: int
    message: str
    provider: str | None
    hint: str | None = Field(description="What to do about it, when there is something.")


class ErrorDocument(_Record):
    """Any command's error under --json or --jsonl, on stderr."""

    error: ErrorBody


#: Command → (the model of one record, whether --json prints an array of them).
COMMANDS: dict[str, tuple[type[BaseModel], bool]] = {
    "providers": (ProviderRecord, True),
    "providers --doctor": (FindingRecord, True),
    "languages": (LanguageRecord, True),
    "account": (Balance, True),
    "doc pages": (PageRecord, True),
    "config get": (SettingRecord, False),
    "sandbox serve": (EmulatorRecord, True),
    "text": (TextResult, False),
    "ocr": (OcrResult, False),
    "dict": (DictionaryEntry, False),
}


def schema(command: str) -> dict[str, Any]:
    """The JSON schema of ``command``'s ``--json`` output."""
    model, many = COMMANDS[command]
    one = model.model_json_schema()
    if not many:
        return one
    definitions = one.pop("$defs", None)
    document: dict[str, Any] = {"type": "array", "items": one}
    if definitions:
        document["$defs"] = definitions
    return document
