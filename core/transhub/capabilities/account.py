"""Account balance, per kind of resource."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from transhub.capabilities.base import ClientT, Implementation, Model, SettingsT
from transhub.capabilities.kinds import Capability


class Balance(Model):
    """What is left of one kind of resource (``documents``, ``text``, ``images``…)."""

    kind: str
    amount: float
    unit: str


class Account(Implementation[SettingsT, ClientT]):
    """Reports balances.  Register with ``register_accounts``."""

    capability: ClassVar[Capability] = Capability.ACCOUNT
    #: The resource kinds :meth:`balance` understands.
    kinds: ClassVar[frozenset[str]]

    @abstractmethod
    def balance(self, kind: str) -> Balance:
        """The balance of one resource kind."""
