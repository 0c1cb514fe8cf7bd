"""Usage: ``GET /v2/usage`` through the ``account`` capability."""

from __future__ import annotations

from typing import Any, ClassVar

from transhub.capabilities.account import Account, Balance
from transhub.errors import ResponseFormatError

from transhub_deepl.client import DeepLClient
from transhub_deepl.provider import DEEPL
from transhub_deepl.settings import DeepLSettings


def left(usage: dict[str, Any], prefix: str) -> int | None:
    """``<prefix>_limit - <prefix>_count``, or ``None`` when the plan reports neither."""
    count, limit = usage.get(f"{prefix}_count"), usage.get(f"{prefix}_limit")
    if count is None and limit is None:
        return None
    if not isinstance(count, int) or not isinstance(limit, int):
        raise ResponseFormatError(
            f"deepl: usage answered no whole {prefix}_count and {prefix}_limit", provider="deepl"
        )
    return max(limit - count, 0)


class DeepLAccount(Account[DeepLSettings, DeepLClient]):
    """What is left of this billing period.

    ``text``: the character allowance text and documents share.  ``document``: the
    documents left where the plan counts them (``document_count``/``document_limit``);
    on plans that bill documents in characters only, the character allowance, in
    characters — that is what a document draws on there.
    """

    provider = DEEPL
    kinds: ClassVar[frozenset[str]] = frozenset({"text", "document"})

    def balance(self, kind: str) -> Balance:
        """The balance of ``text`` or ``document`` (see the class)."""
        usage = self.client.usage()
        characters = left(usage, "character")
        if kind == "document":
            documents = left(usage, "document")
            if documents is not None:
                return Balance(
                    provider=DEEPL.name, resource=kind, balance=documents, unit="documents"
                )
        if characters is None:
            raise ResponseFormatError(
                "deepl: usage answered no character_count and character_limit", provider="deepl"
            )
        return Balance(provider=DEEPL.name, resource=kind, balance=characters, unit="characters")
