"""A griffe extension: the Sphinx roles in transhub's docstrings (``:class:`~x.Y```,
``:meth:`run```…) rendered as code, so the Python API page shows ``Y`` instead of the
raw role.  (mkdocstrings' Sphinx style parses ``:param:`` fields but leaves inline
roles as they are.)"""

from __future__ import annotations

import re
from typing import Any

try:
    from griffe import Extension
except ImportError:  # the test suite checks plain() without the documentation's tools
    Extension = object  # type: ignore[assignment,misc]

ROLE = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|data|exc|obj|const):`~?\.?([^`]+)`")


def plain(text: str) -> str:
    """``text`` with every role replaced by a code span of its last name (``~``) or
    its full target."""

    def shown(match: re.Match[str]) -> str:
        target = match.group(1)
        tilde = match.group(0).split("`")[1].startswith("~")
        return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"

    return ROLE.sub(shown, text)


class SphinxRoles(Extension):
    """Rewrites the roles in every docstring of the loaded package."""

    def on_package(self, *, pkg: Any, **kwargs: Any) -> None:
        pending: list[Any] = [pkg]
        seen: set[int] = set()
        while pending:
            obj = pending.pop()
            if id(obj) in seen or getattr(obj, "is_alias", False):
                continue
            seen.add(id(obj))
            if obj.docstring is not None:
                obj.docstring.value = plain(obj.docstring.value)
            pending.extend(obj.members.values())
