"""The plugin kit's contract (``transhub.testing``), run against this plugin's own
emulator: every rule, for every capability Fanyigou registers."""

from __future__ import annotations

from transhub.testing.contract import Contract
from transhub.testing.suite import ProviderContract


class TestFanyigouContract(ProviderContract):
    """Fanyigou honours the contract; its results expire (``result_ttl``)."""

    contract = Contract(plugin="fanyigou", provider="fanyigou")
