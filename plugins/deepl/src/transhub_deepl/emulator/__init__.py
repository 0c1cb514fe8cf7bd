"""A local emulator of the DeepL API v2, for tests and sandbox mode (needs the
``sandbox`` extra: werkzeug).  See :mod:`transhub_deepl.emulator.service` for what it
does; it keeps its own copy of DeepL's published facts
(:mod:`transhub_deepl.emulator.facts`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from transhub.emulation import EmulatorApp as BaseEmulatorApp
from transhub.emulation import Faults

from transhub_deepl.emulator.protocol import action_of, error_response
from transhub_deepl.emulator.service import DeepLEmulator, EmulatorOptions

__all__ = ["DeepLEmulator", "EmulatorApp", "EmulatorOptions", "create_emulator"]


class EmulatorApp(BaseEmulatorApp):
    """The emulator behind fault injection: what :func:`create_emulator` returns and
    the sandbox runs.  ``log``, ``faults`` and ``emulator`` are there for tests."""

    emulator: DeepLEmulator

    def __init__(self, emulator: DeepLEmulator, faults: Faults) -> None:
        super().__init__(emulator, faults, action_of=action_of, throttle=self._throttled)

    def _throttled(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """DeepL's "too many requests" answer: HTTP 429, with ``Retry-After``."""
        retry_after = self.emulator.options.throttle_retry_after
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        response = error_response(
            429, "Too many requests. Please wait and resend your request.", headers
        )
        return response(environ, start_response)


def create_emulator(
    options: EmulatorOptions | None = None, faults: Faults | None = None
) -> EmulatorApp:
    """A ready emulator: the service wrapped in fault injection (no faults by default).
    Without keys in ``options`` it accepts the sandbox's test key."""
    from dataclasses import replace

    from transhub_deepl.sandbox import TEST_AUTH_KEY

    options = options or EmulatorOptions()
    if not options.keys:
        options = replace(options, keys=frozenset({TEST_AUTH_KEY}))
    return EmulatorApp(DeepLEmulator(options), faults or Faults())
