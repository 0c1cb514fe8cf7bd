"""The plugin kit's contract (``transhub.testing``), run against this plugin's own
emulator: every rule, for the image capability Alibaba registers."""

from __future__ import annotations

from typing import Any

from transhub.testing.contract import Contract
from transhub.testing.suite import ProviderContract


def expire_now(app: Any) -> None:
    """Make finished results expire now.  (Under ``result_ttl=0`` the emulator would
    report a task gone before anyone saw it finished, which reads as unknown, not as
    expired.)"""
    app.emulator.options.result_ttl = 0.0


class TestAlibabaContract(ProviderContract):
    """Alibaba honours the contract; its results expire one hour after finishing."""

    contract = Contract(plugin="alibaba", expire=expire_now)
