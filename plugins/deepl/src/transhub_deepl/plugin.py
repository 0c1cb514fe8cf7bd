"""The hooks transhub calls.  Importing this module is cheap: every capability, the
client and the emulator are imported only inside the hook that needs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transhub.hookspecs import Register, hookimpl

if TYPE_CHECKING:
    from transhub.sandbox import Sandbox
    from transhub.summary import ProviderSummary


@hookimpl
def register_document_translators(register: Register) -> None:
    """Document translation (upload, status, download)."""
    from transhub_deepl.capabilities.documents import DeepLDocuments

    register(DeepLDocuments)


@hookimpl
def register_text_translators(register: Register) -> None:
    """Text translation, batched."""
    from transhub_deepl.capabilities.text import DeepLText

    register(DeepLText)


@hookimpl
def register_accounts(register: Register) -> None:
    """Usage of the billing period."""
    from transhub_deepl.capabilities.account import DeepLAccount

    register(DeepLAccount)


@hookimpl
def register_glossaries(register: Register) -> None:
    """Glossaries (v2)."""
    from transhub_deepl.capabilities.glossary import DeepLGlossaries

    register(DeepLGlossaries)


@hookimpl
def register_sandboxes(register: Callable[[Sandbox], None]) -> None:
    """The emulator, with a test key."""
    from transhub_deepl.sandbox import SANDBOX

    register(SANDBOX)


@hookimpl
def describe_providers(register: Callable[[ProviderSummary], None]) -> None:
    """DeepL as plain data, for a fast ``transhub providers`` (checked against the
    real registrations by the test suite)."""
    from transhub.summary import ProviderSummary, RequiredSetting

    register(
        ProviderSummary(
            name="deepl",
            title="DeepL API",
            capabilities=("document", "text", "account", "glossary"),
            required=(RequiredSetting("auth_key", ("TRANSHUB_DEEPL_AUTH_KEY", "DEEPL_AUTH_KEY")),),
        )
    )
