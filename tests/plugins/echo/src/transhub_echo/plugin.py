"""The hook implementations."""

from __future__ import annotations

from typing import Any

from transhub.hookspecs import hookimpl


@hookimpl
def register_document_translators(register: Any) -> None:
    from transhub_echo import provider

    register(provider.EchoDocuments)
    register(provider.ParrotDocuments)


@hookimpl
def register_document_converters(register: Any) -> None:
    from transhub_echo import provider

    register(provider.EchoConverter)


@hookimpl
def register_image_translators(register: Any) -> None:
    from transhub_echo import provider

    register(provider.EchoImages)


@hookimpl
def register_ocr_engines(register: Any) -> None:
    from transhub_echo import provider

    register(provider.EchoOcr)


@hookimpl
def register_dictionaries(register: Any) -> None:
    from transhub_echo import provider

    register(provider.EchoDictionary)


@hookimpl
def register_text_translators(register: Any) -> None:
    from transhub_echo import provider

    register(provider.EchoText)
    register(provider.ParrotText)


@hookimpl
def register_accounts(register: Any) -> None:
    from transhub_echo import provider

    register(provider.EchoAccount)


@hookimpl
def register_glossaries(register: Any) -> None:
    from transhub_echo.glossary import EchoGlossaries

    register(EchoGlossaries)


@hookimpl
def register_commands(cli: Any) -> None:
    import click

    @cli.group()
    def echo() -> None:
        """Commands of the echo test provider."""

    @echo.command()
    def ping() -> None:
        """Say pong."""
        click.echo("pong")


@hookimpl
def register_sandboxes(register: Any) -> None:
    from transhub.sandbox import Sandbox

    from transhub_echo.emulator import create_app

    register(
        Sandbox(
            provider="echo",
            create_app=create_app,
            environment=lambda url: {
                "TRANSHUB_ECHO_ENDPOINT": url,
                "TRANSHUB_ECHO_TOKEN": "sandbox-token",
            },
            description="the echo test service",
        )
    )


@hookimpl
def describe_providers(register: Any) -> None:
    from transhub.summary import ProviderSummary, RequiredSetting

    for name, title, capabilities in (
        ("echo", "Echo (test)", ("document", "convert", "image", "ocr", "dictionary", "text",
                                 "account", "glossary")),
        ("parrot", "Parrot (test)", ("document", "text")),
    ):  # fmt: skip
        prefix = f"TRANSHUB_{name.upper()}_"
        register(
            ProviderSummary(
                name=name,
                title=title,
                capabilities=capabilities,
                required=tuple(
                    RequiredSetting(key, (f"{prefix}{key.upper()}",))
                    for key in ("endpoint", "token")
                ),
            )
        )
