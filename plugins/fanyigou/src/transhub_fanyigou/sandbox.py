"""Fanyigou's sandbox: the emulator and the settings that point the plugin at it."""

from __future__ import annotations

from transhub.sandbox import Sandbox, SandboxOptions
from transhub.sandbox import WsgiApp as SandboxApp


def _create_app(options: SandboxOptions) -> SandboxApp:
    from transhub_fanyigou.emulator import create_app

    return create_app(options)


def environment(base_url: str) -> dict[str, str]:
    """The variables that point the plugin at an emulator serving at ``base_url``."""
    from transhub_fanyigou.emulator import BASE_PATH, TEST_APPID, TEST_PRIVATE_KEY

    return {
        "TRANSHUB_FANYIGOU_ENDPOINT": base_url.rstrip("/") + BASE_PATH,
        "TRANSHUB_FANYIGOU_APPID": TEST_APPID,
        "TRANSHUB_FANYIGOU_PRIVATE_KEY": TEST_PRIVATE_KEY,
    }


def sandbox() -> Sandbox:
    """The registration ``register_sandboxes`` hands to the core."""
    return Sandbox(
        provider="fanyigou",
        create_app=_create_app,
        environment=environment,
        description="Fanyigou open platform emulator (results are labelled, not translations)",
        # The vendor's Python SDK hard-codes https://.
        needs_tls=True,
    )
