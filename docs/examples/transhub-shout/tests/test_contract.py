"""The plugin kit's contract, checked against the Shout emulator: one test per rule
(there is one capability, text)."""

from __future__ import annotations

from transhub.testing import Contract, ProviderContract


class TestShoutContract(ProviderContract):
    """Shout honours every rule that applies to a text translator."""

    contract = Contract(plugin="shout")
