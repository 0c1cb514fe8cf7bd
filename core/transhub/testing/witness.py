"""Keeping an emulator an independent witness of its provider.

An emulator that read the client's tables (limits, codes, languages) would agree with
a wrong client, and every end-to-end test would pass.  So an emulator keeps its own
copy of the published facts, and a plugin's tests use these two helpers:

* :func:`client_imports` lists the imports by which an emulator package reaches into
  its plugin beyond what it may share (signature code checked against the vendor's
  test vector, test credentials): the test asserts the list is empty;
* :func:`differences` compares the emulator's rows with the client's, one line per row
  where they differ, naming the row; :func:`same` fails with every such line, so a
  failure says which rows to check against the reference.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: What a missing row looks like in :func:`differences`.
MISSING = "(missing)"


def client_imports(package_dir: Path, plugin: str, allowed: Iterable[str]) -> list[str]:
    """Imports of ``plugin``'s modules, by the Python files under ``package_dir`` (the
    emulator package), other than the emulator's own modules and ``allowed`` ones.

    Each entry reads ``"emulator/service.py imports transhub_x.codes"``.  Relative
    imports count too.  Lazy imports inside functions are found as well.
    """
    own = _module_name(package_dir, plugin)
    permitted = [own, *allowed]
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = _module_name(path.with_suffix(""), plugin)
        for name in dict.fromkeys(_imported(tree, module, path.name == "__init__.py")):
            # The bare package (its __init__) holds no table; its modules may.
            if name.split(".")[0] != plugin or name == plugin:
                continue
            if not any(name == ok or name.startswith(ok + ".") for ok in permitted):
                found.append(f"{path.relative_to(package_dir.parent)} imports {name}")
    return found


def _module_name(path: Path, plugin: str) -> str:
    parts = path.parts
    index = len(parts) - 1 - parts[::-1].index(plugin)
    names = list(parts[index:])
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def _imported(tree: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    """Every module an AST imports, with ``from x import y`` giving ``x.y`` as well
    (``y`` may be a module) and relative imports resolved against ``module``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                drop = node.level - 1 if is_package else node.level
                anchor = anchor[: len(anchor) - drop] if drop else anchor
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def differences(table: str, emulator: Mapping[Any, Any], client: Mapping[Any, Any]) -> list[str]:
    """One line per row where the two copies of ``table`` differ, in row order:
    ``"codes[309]: emulator '…', client '…'"``; a row one side lacks shows
    :data:`MISSING`."""
    found = []
    keys = list(dict.fromkeys([*emulator, *client]))
    for key in sorted(keys, key=repr) if _mixed(keys) else sorted(keys):
        mine = emulator.get(key, MISSING)
        theirs = client.get(key, MISSING)
        if mine != theirs:
            found.append(f"{table}[{key!r}]: emulator {_shown(mine)}, client {_shown(theirs)}")
    return found


def same(table: str, emulator: Mapping[Any, Any], client: Mapping[Any, Any]) -> None:
    """Fail, listing every differing row (see :func:`differences`), unless the
    emulator's and the client's copies of ``table`` agree."""
    found = differences(table, emulator, client)
    if found:
        raise AssertionError(f"{len(found)} rows differ:\n" + "\n".join(found))


def rows(items: Iterable[Any]) -> dict[Any, bool]:
    """A set as table rows (each present row is ``True``), for :func:`differences`."""
    return dict.fromkeys(items, True)


def _mixed(keys: list[Any]) -> bool:
    try:
        sorted(keys)
    except TypeError:
        return True
    return False


def _shown(value: Any) -> str:
    if value is MISSING:
        return str(value)
    if isinstance(value, (set, frozenset)):
        return repr(sorted(value))
    return repr(value)
