"""Echo's glossary store: JSON over HTTP, any pair of its languages."""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from typing import Any

from transhub.capabilities.base import LanguageSupport
from transhub.capabilities.glossary import GlossaryInfo, GlossaryStore, Term

from transhub_echo.provider import ECHO, LANGS, EchoClient, EchoSettings


def _info(data: dict[str, Any]) -> GlossaryInfo:
    return GlossaryInfo(
        glossary_id=data["glossary_id"],
        name=data["name"],
        source=data["source"],
        target=data["target"],
        entries=data["entries"],
    )


class EchoGlossaries(GlossaryStore[EchoSettings, EchoClient]):
    """Glossaries between any two of echo's languages; terms at most 64 bytes."""

    provider = ECHO
    languages = LanguageSupport(
        codes=LANGS, pairs=frozenset((s, t) for s in LANGS for t in LANGS if s != t)
    )
    max_term_bytes = 64

    def create(self, name: str, source: str, target: str, terms: Sequence[Term]) -> GlossaryInfo:
        body = {"name": name, "source": source, "target": target, "terms": [list(t) for t in terms]}
        data = self.client.call("POST", "/v1/glossaries", idempotent=False, data=json.dumps(body))
        return _info(data)

    def list(self) -> list[GlossaryInfo]:
        return [_info(g) for g in self.client.call("GET", "/v1/glossaries", idempotent=True)]

    def get(self, glossary_id: str) -> GlossaryInfo:
        return _info(self.client.call("GET", f"/v1/glossaries/{glossary_id}", idempotent=True))

    def entries(self, glossary_id: str) -> builtins.list[Term]:
        data = self.client.call("GET", f"/v1/glossaries/{glossary_id}/entries", idempotent=True)
        return [(s, t) for s, t in data]

    def delete(self, glossary_id: str) -> None:
        self.client.call("DELETE", f"/v1/glossaries/{glossary_id}", idempotent=True)
