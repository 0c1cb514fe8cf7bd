"""The hooks transhub calls.  Importing this module is cheap: every capability, the
client and the emulator are imported only inside the hook that needs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transhub.hookspecs import Register, hookimpl

if TYPE_CHECKING:
    import click
    from transhub.sandbox import Sandbox
    from transhub.summary import ProviderSummary


@hookimpl
def register_document_translators(register: Register) -> None:
    """Document translation, page counting and the two-step submit."""
    from transhub_fanyigou.capabilities.document import FanyigouDocuments

    register(FanyigouDocuments)


@hookimpl
def register_document_converters(register: Register) -> None:
    """Format conversion (PDF ↔ Word, Excel, PPTX, OFD; HWP, CAJ → PDF)."""
    from transhub_fanyigou.capabilities.document import FanyigouConverter

    register(FanyigouConverter)


@hookimpl
def register_image_translators(register: Register) -> None:
    """Image translation, one task per image."""
    from transhub_fanyigou.capabilities.image import FanyigouImages

    register(FanyigouImages)


@hookimpl
def register_ocr_engines(register: Register) -> None:
    """Text recognition in images."""
    from transhub_fanyigou.capabilities.image import FanyigouOcr

    register(FanyigouOcr)


@hookimpl
def register_dictionaries(register: Register) -> None:
    """Dictionary look-up."""
    from transhub_fanyigou.capabilities.text import FanyigouDictionary

    register(FanyigouDictionary)


@hookimpl
def register_text_translators(register: Register) -> None:
    """Short-text translation."""
    from transhub_fanyigou.capabilities.text import FanyigouText

    register(FanyigouText)


@hookimpl
def register_accounts(register: Register) -> None:
    """Account balances."""
    from transhub_fanyigou.capabilities.account import FanyigouAccount

    register(FanyigouAccount)


@hookimpl
def register_commands(cli: click.Group) -> None:
    """``transhub fanyigou …`` (the callback server)."""
    from transhub_fanyigou.commands import fanyigou

    cli.add_command(fanyigou)


@hookimpl
def register_sandboxes(register: Callable[[Sandbox], None]) -> None:
    """The emulator, with test credentials."""
    from transhub_fanyigou.sandbox import sandbox

    register(sandbox())


@hookimpl
def describe_providers(register: Callable[[ProviderSummary], None]) -> None:
    """Fanyigou as plain data, for a fast ``transhub providers`` (checked against the
    real registrations by the test suite)."""
    from transhub.summary import ProviderSummary, RequiredSetting

    register(
        ProviderSummary(
            name="fanyigou",
            title="Fanyigou (翻译狗)",
            capabilities=(
                "document",
                "convert",
                "image",
                "ocr",
                "dictionary",
                "text",
                "account",
            ),
            required=(
                RequiredSetting("appid", ("TRANSHUB_FANYIGOU_APPID",)),
                RequiredSetting("private_key", ("TRANSHUB_FANYIGOU_PRIVATE_KEY",)),
            ),
        )
    )
