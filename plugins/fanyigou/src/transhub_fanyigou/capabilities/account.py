"""Account balances: ``getAccount`` for each resource kind."""

from __future__ import annotations

from typing import ClassVar

from transhub.capabilities.account import Account, Balance

from transhub_fanyigou.client import ACCOUNT_TYPES, FanyigouClient
from transhub_fanyigou.provider import FANYIGOU
from transhub_fanyigou.settings import FanyigouSettings


class FanyigouAccount(Account[FanyigouSettings, FanyigouClient]):
    """Reports the balance of documents, text, images and conversion."""

    provider = FANYIGOU
    kinds: ClassVar[frozenset[str]] = frozenset(ACCOUNT_TYPES)

    def balance(self, kind: str) -> Balance:
        """The balance of one kind (``documents``, ``text``, ``images``, ``conversion``)."""
        return self.client.get_account(kind)
