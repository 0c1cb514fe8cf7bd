"""The plugin kit's contract (``transhub.testing``), run against this plugin's own
emulator: every rule, for every capability DeepL registers."""

from __future__ import annotations

from transhub.testing.contract import Contract
from transhub.testing.suite import ProviderContract


class TestDeepLContract(ProviderContract):
    """DeepL honours the contract; its results go when downloaded, or when they expire."""

    contract = Contract(plugin="deepl")
