"""Account balance, per resource."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from transhub.capabilities.base import ClientT, Implementation, Model, SettingsT
from transhub.capabilities.kinds import Capability

#: The unit each resource is counted in when the provider counts it in kind (a
#: provider that bills in its own points says ``points`` instead).
UNITS: dict[str, str] = {
    "document": "pages",
    "text": "characters",
    "image": "images",
    "convert": "pages",
}


class Balance(Model):
    """What is left of one resource (``document``, ``text``, ``image``, ``convert``…)."""

    #: The provider that reported it.
    provider: str
    #: The resource: the capability it pays for (``document``, ``text``, ``image``…).
    resource: str
    #: How much is left, as a whole number of ``unit``.
    balance: int
    #: ``pages``, ``characters``, ``images`` (see :data:`UNITS`), or ``points``.
    unit: str


class Account(Implementation[SettingsT, ClientT]):
    """Reports balances.  Register with ``register_accounts``."""

    capability: ClassVar[Capability] = Capability.ACCOUNT
    #: The resources :meth:`balance` understands (keys of :data:`UNITS`).
    kinds: ClassVar[frozenset[str]]

    @abstractmethod
    def balance(self, kind: str) -> Balance:
        """The balance of one resource."""
