"""The sandbox registration: how the core starts the emulator and points the plugin at it.

Kept free of werkzeug: the emulator module is imported only when an app is created.
"""

from __future__ import annotations

from transhub.sandbox import Sandbox, SandboxOptions
from transhub.sandbox import WsgiApp as SandboxApp

from transhub_deepl.settings import ENV_PREFIX, NAME

#: The emulator's test key.  Public on purpose: it opens nothing but the emulator, and
#: the official ``deepl`` library pointed at ``transhub sandbox serve`` needs one.
#: It ends in ``:fx``, as a Free key does, so the Free plan's limits apply.
TEST_AUTH_KEY = "00000000-0000-4000-8000-transhubemul:fx"


def _create_app(options: SandboxOptions) -> SandboxApp:
    from transhub_deepl.emulator import EmulatorOptions, create_emulator

    return create_emulator(
        EmulatorOptions(task_seconds=options.task_seconds, result_ttl=options.result_ttl)
    )


def environment(base_url: str) -> dict[str, str]:
    """The settings that point the plugin at an emulator serving at ``base_url``."""
    return {f"{ENV_PREFIX}ENDPOINT": base_url, f"{ENV_PREFIX}AUTH_KEY": TEST_AUTH_KEY}


SANDBOX = Sandbox(
    provider=NAME,
    create_app=_create_app,
    environment=environment,
    description="DeepL API emulator (v2 translate, document, glossaries, languages, usage); "
    "translations are labelled, not real.",
    needs_tls=False,
)
