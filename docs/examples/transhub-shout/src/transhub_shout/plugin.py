"""The hooks transhub calls (entry point ``shout`` in the ``transhub`` group).

Importing this module is cheap: each hook imports what it registers only when
transhub calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transhub.hookspecs import Register, hookimpl

if TYPE_CHECKING:
    from transhub.sandbox import Sandbox


@hookimpl
def register_text_translators(register: Register) -> None:
    """Shout translates short texts."""
    from transhub_shout.provider import ShoutText

    register(ShoutText)


@hookimpl
def register_sandboxes(register: Callable[[Sandbox], None]) -> None:
    """The emulator, and the settings that point the plugin at it."""
    from transhub_shout.sandbox import SANDBOX

    register(SANDBOX)
