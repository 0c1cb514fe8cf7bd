"""Checks a built site for the defects the documentation once had (run by ``nox -s docs``
after ``mkdocs build``): click's "no default" sentinel, raw Sphinx roles, and literal
backslashes before pipes in tables."""

from __future__ import annotations

import re
import sys
from pathlib import Path

CODE = re.compile(r"<pre\b.*?</pre>", re.S)
DEFECTS = {
    "a click sentinel": re.compile(r"Sentinel\."),
    "a raw Sphinx role": re.compile(r":(?:class|meth|func|mod|attr|data|exc):`"),
    "a backslash before a pipe": re.compile(r"\\\|"),
}


def problems(site: Path) -> list[str]:
    """Every defect found, as ``page: what``."""
    found = []
    for page in sorted(site.rglob("*.html")):
        # Code shown as code (an example plugin's source) may hold roles: only prose counts.
        text = CODE.sub("", page.read_text(encoding="utf-8"))
        found += [
            f"{page.relative_to(site)}: {what}" for what, rx in DEFECTS.items() if rx.search(text)
        ]
    return found


if __name__ == "__main__":
    listed = problems(Path(sys.argv[1]))
    print("\n".join(listed) or "the site has none of the known defects")
    sys.exit(1 if listed else 0)
