"""The plugin kit's contract (``transhub.testing``), for an offline provider: every rule
that does not need a service, for every capability the plugin registers here."""

from __future__ import annotations

from transhub.testing.contract import Contract, Samples
from transhub.testing.suite import ProviderContract


class TestLocalContract(ProviderContract):
    """The local provider honours the contract (no emulator: it talks to no service)."""

    contract = Contract(plugin="local", offline=True, samples=Samples(word="access"))
