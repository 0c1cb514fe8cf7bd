"""The emulator behind fault injection, as the sandbox and the tests run it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from transhub.emulation import FaultInjector, Faults, RequestLog

from transhub_alibaba.emulator import facts
from transhub_alibaba.emulator.service import AlibabaEmulator, EmulatorOptions
from transhub_alibaba.emulator.wire import action_of, json_response


class EmulatorApp(FaultInjector):
    """The emulator behind fault injection: what :func:`create_emulator` returns and
    the sandbox runs.  ``log``, ``faults`` and ``emulator`` are there for tests."""

    def __init__(self, emulator: AlibabaEmulator, faults: Faults) -> None:
        super().__init__(emulator, faults, action_of=action_of, throttle=self._throttled)
        self.emulator = emulator

    @property
    def log(self) -> RequestLog:
        """The emulated service's request log."""
        return self.emulator.log

    def _throttled(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Alibaba's gateway refusal for too many requests (HTTP 400 ``Throttling.User``),
        with the delay in ``x-acs-retry-after`` (milliseconds), not ``Retry-After``."""
        retry_after = self.emulator.options.throttle_retry_after
        headers = (
            {facts.RETRY_AFTER_HEADER: str(round(retry_after * 1000))}
            if retry_after is not None
            else {}
        )
        payload = {
            "RequestId": str(uuid.uuid4()).upper(),
            "HostId": environ.get("HTTP_HOST", ""),
            "Code": "Throttling.User",
            "Message": "Request was denied due to user flow control.",
            "Recommend": "https://api.aliyun.com/troubleshoot",
        }
        return json_response(400, payload, headers)(environ, start_response)


def create_emulator(
    options: EmulatorOptions | None = None, faults: Faults | None = None
) -> EmulatorApp:
    """A ready emulator: the service wrapped in fault injection (no faults by default)."""
    return EmulatorApp(AlibabaEmulator(options), faults or Faults())
