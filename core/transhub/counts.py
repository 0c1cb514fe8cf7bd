"""How messages word a count: ``1 document``, ``2 documents``.

The one place user-facing messages pluralise, for the CLI and for the job engine's
messages alike (the engine must not import the CLI, so this lives in the core).
"""

from __future__ import annotations


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The word that agrees with ``count``: ``singular`` for exactly one, else
    ``plural`` (by default ``singular`` + "s"); also for verbs (``noun(n, "was",
    "were")``)."""
    if count == 1:
        return singular
    return plural if plural is not None else singular + "s"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` followed by the word that agrees with it: ``counted(1, "page")`` is
    ``1 page``, ``counted(3, "page")`` is ``3 pages``."""
    return f"{count} {noun(count, singular, plural)}"


def in_unit(amount: int, unit: str) -> str:
    """An amount in one of the vocabulary's units (``pages``, ``characters``,
    ``images``: plural nouns, as tables and JSON name them): ``1 page``, ``5 pages``."""
    return counted(amount, unit.removesuffix("s"), unit)
