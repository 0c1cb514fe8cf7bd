"""Glossaries a provider stores: term pairs for one language pair, created once and
referred to by the provider's id in later translations.

The core parses and validates the user's file (:mod:`transhub.glossaries`) and
records which glossary it created for which content, so a store only speaks the
provider's protocol.  Languages are canonical codes throughout.
"""

from __future__ import annotations

import builtins
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from transhub.capabilities.base import (
    ClientT,
    Implementation,
    LanguageSupport,
    Model,
    SettingsT,
)
from transhub.capabilities.kinds import Capability

#: One glossary entry: a source term and the target term it must become.
Term = tuple[str, str]


class GlossaryInfo(Model):
    """A glossary as the provider describes it."""

    glossary_id: str
    name: str
    source: str
    target: str
    entries: int
    ready: bool = True
    created: str | None = None


class GlossaryStore(Implementation[SettingsT, ClientT]):
    """Creates, lists and deletes glossaries.  Register with ``register_glossaries``."""

    capability: ClassVar[Capability] = Capability.GLOSSARY
    #: The language pairs a glossary may have (``pairs``), in canonical codes.
    languages: ClassVar[LanguageSupport]
    #: The longest term, in UTF-8 bytes.
    max_term_bytes: ClassVar[int] = 1024
    #: The largest glossary, in bytes of its tab-separated entries.
    max_bytes: ClassVar[int] = 10 * 1024 * 1024

    @abstractmethod
    def create(self, name: str, source: str, target: str, terms: Sequence[Term]) -> GlossaryInfo:
        """Create a glossary (the terms already validated).  Not idempotent."""

    @abstractmethod
    def list(self) -> list[GlossaryInfo]:
        """Every glossary of the account."""

    @abstractmethod
    def get(self, glossary_id: str) -> GlossaryInfo:
        """One glossary; :class:`~transhub.errors.NotFoundError` when unknown."""

    @abstractmethod
    def entries(self, glossary_id: str) -> builtins.list[Term]:
        """The glossary's terms, in the provider's order."""

    @abstractmethod
    def delete(self, glossary_id: str) -> None:
        """Delete a glossary; :class:`~transhub.errors.NotFoundError` when unknown."""

    @classmethod
    def describe(cls) -> dict[str, Any]:
        data = super().describe()
        data.update(max_term_bytes=cls.max_term_bytes, max_bytes=cls.max_bytes)
        return data
