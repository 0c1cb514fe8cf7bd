"""How transhub runs the emulator: ``transhub --sandbox``, ``transhub sandbox serve``
and the plugin kit all start it from this registration.

Kept free of werkzeug: the emulator module is imported only when an app is made.
"""

from __future__ import annotations

from transhub.sandbox import Sandbox, SandboxOptions, WsgiApp

#: The key the emulator accepts.  Public on purpose: it opens nothing but the emulator.
TEST_KEY = "shout-sandbox-key"


def create_app(options: SandboxOptions) -> WsgiApp:
    """The emulator's WSGI application (with ``log`` and ``faults``)."""
    from transhub_shout.emulator import create_app as emulator

    return emulator(options)


def environment(url: str) -> dict[str, str]:
    """The settings that point the plugin at an emulator serving at ``url``."""
    return {"TRANSHUB_SHOUT_ENDPOINT": url, "TRANSHUB_SHOUT_API_KEY": TEST_KEY}


SANDBOX = Sandbox(
    provider="shout",
    create_app=create_app,
    environment=environment,
    description="the Shout emulator: it shouts instead of translating",
)
