"""The sandbox registration: how the core starts the emulator and points the plugin at it.

Kept free of werkzeug: the emulator module is imported only when an app is created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from transhub.sandbox import Sandbox, SandboxOptions

from transhub_alibaba.settings import ENV_PREFIX, NAME

if TYPE_CHECKING:
    from transhub_alibaba.emulator import EmulatorApp

#: The emulator's test credentials.  Public on purpose: they open nothing but the
#: emulator, and an official SDK pointed at ``transhub sandbox serve`` needs them.
TEST_ACCESS_KEY_ID = "LTAItranshubEmulator"
TEST_ACCESS_KEY_SECRET = "transhub-emulator-secret"  # noqa: S105 - public test value


def create_app(options: SandboxOptions) -> EmulatorApp:
    """The emulator's WSGI application for the core's sandbox (with ``log`` and
    ``faults``), knowing the test credentials."""
    from transhub_alibaba.emulator import EmulatorOptions, create_emulator

    return create_emulator(
        EmulatorOptions(
            task_seconds=options.task_seconds,
            result_ttl=options.result_ttl,
            base_url=options.base_url,
            credentials={TEST_ACCESS_KEY_ID: TEST_ACCESS_KEY_SECRET},
        )
    )


def environment(base_url: str) -> dict[str, str]:
    """The settings that point the plugin at an emulator serving at ``base_url``.

    The empty security token hides an STS token the standard
    ``ALIBABA_CLOUD_SECURITY_TOKEN`` may hold (transhub's own variables win).
    """
    return {
        f"{ENV_PREFIX}ENDPOINT": base_url,
        f"{ENV_PREFIX}ACCESS_KEY_ID": TEST_ACCESS_KEY_ID,
        f"{ENV_PREFIX}ACCESS_KEY_SECRET": TEST_ACCESS_KEY_SECRET,
        f"{ENV_PREFIX}SECURITY_TOKEN": "",
    }


SANDBOX = Sandbox(
    provider=NAME,
    create_app=create_app,
    environment=environment,
    description="Alibaba Cloud Machine Translation image batch emulator (TranslateImageBatch, "
    "GetTranslateImageBatchResult); result images are synthesized, not translations.",
    needs_tls=False,
)
